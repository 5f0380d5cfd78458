import Settings

/// The passwordless settings, read once at start-up from the environment.
package struct PasswordlessConfiguration: Sendable, Equatable {
    /// Digits in a code (`OTP_LENGTH`, 4–10, default 6).
    package var codeLength = 6
    /// Seconds a code stays valid (`OTP_TTL_SECONDS`, 30–3600, default 300).
    package var codeLifetimeSeconds = 300
    /// Wrong answers before the sign-in fails (`MAX_ATTEMPTS`, 1–10, default 3).
    package var maxAttempts = 3
    /// Channels in order of preference (`OTP_CHANNELS`, default `sms,email`).
    package var channels: [Channel] = [.sms, .email]
    /// Whether a user with several channels first picks one (`OTP_CHANNEL_CHOICE`, default false).
    package var channelChoice = false
    package var templates = MessageTemplates()

    package init() {}

    /// Reads the settings; an invalid value throws an error naming its variable.
    package init(_ settings: Settings) throws(SettingsError) {
        codeLength = try settings.integer("OTP_LENGTH", in: 4...10) ?? codeLength
        codeLifetimeSeconds = try settings.integer("OTP_TTL_SECONDS", in: 30...3600) ?? codeLifetimeSeconds
        maxAttempts = try settings.integer("MAX_ATTEMPTS", in: 1...10) ?? maxAttempts
        channels = try Self.channels(settings, "OTP_CHANNELS") ?? channels
        channelChoice = try settings.boolean("OTP_CHANNEL_CHOICE") ?? channelChoice
        templates = try MessageTemplates(settings)
    }

    static func channels(_ settings: Settings, _ name: String) throws(SettingsError) -> [Channel]? {
        guard let words = try settings.list(name) else { return nil }
        var channels: [Channel] = []
        for word in words {
            guard let channel = Channel(rawValue: word.lowercased()) else {
                throw .invalid(name, "must list sms and/or email separated by commas, got \"\(words.joined(separator: ","))\"")
            }
            guard !channels.contains(channel) else { throw .invalid(name, "lists \(channel.rawValue) twice") }
            channels.append(channel)
        }
        return channels
    }
}

extension StringProtocol {
    /// Whether every character is an ASCII digit (an empty string has none that are not).
    var isASCIIDigits: Bool { utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }
}
