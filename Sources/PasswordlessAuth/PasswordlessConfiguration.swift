import Settings

/// The passwordless settings, read once at start-up from the environment.
package struct PasswordlessConfiguration: Sendable, Equatable {
    /// Digits in a code (`OTP_LENGTH`, 4–10, default 6).
    var codeLength = 6
    /// Seconds a code stays valid (`OTP_TTL_SECONDS`, 30–3600, default 300).
    var codeLifetimeSeconds = 300
    /// Wrong answers before the sign-in fails (`MAX_ATTEMPTS`, 1–10, default 3).
    var maxAttempts = 3
    /// Channels in order of preference (`OTP_CHANNELS`, default `sms,email`).
    package var channels: [Channel] = [.sms, .email]
    /// Whether a user with several channels first picks one (`OTP_CHANNEL_CHOICE`, default false).
    var channelChoice = false
    var templates = MessageTemplates()
    /// Which attributes may get a code by whether they are verified (`OTP_REQUIRE_VERIFIED`).
    var requireVerified: VerifiedRequirement = .always
    /// Which numbers SMS may go to (`SMS_ALLOWED_COUNTRIES`); by default every number.
    var smsAllowedCountries = SMSCountries()
    /// Codes sent again on the client's request in one sign-in (`MAX_RESENDS`, 0–5, default 2).
    package var maxResends = 2
    /// The shared send limits.
    var limits = SendLimitPolicy()
    /// `HASH_KEY`: the secret of the limit store's keyed item keys, or nil when unset.
    package var hashKey: String? = nil

    package init() {}

    /// Reads the settings; an invalid value throws an error naming its variable.
    package init(_ settings: SettingsReader) throws(SettingsError) {
        codeLength = try settings.integer("OTP_LENGTH", in: 4...10) ?? codeLength
        codeLifetimeSeconds = try settings.integer("OTP_TTL_SECONDS", in: 30...3600) ?? codeLifetimeSeconds
        maxAttempts = try settings.integer("MAX_ATTEMPTS", in: 1...10) ?? maxAttempts
        channels = try Self.channels(settings, "OTP_CHANNELS") ?? channels
        channelChoice = try settings.boolean("OTP_CHANNEL_CHOICE") ?? channelChoice
        templates = try MessageTemplates(settings)
        requireVerified = try VerifiedRequirement.read(settings) ?? requireVerified
        smsAllowedCountries = try settings.list("SMS_ALLOWED_COUNTRIES").map(SMSCountries.init) ?? smsAllowedCountries
        maxResends = try settings.integer("MAX_RESENDS", in: 0...5) ?? maxResends
        limits = try SendLimitPolicy(settings)
        if let secret = try Self.readHashKey(settings) {
            hashKey = secret
        }
    }

    /// `HASH_KEY` as it is set, or nil when unset; shorter than 16 bytes is an error naming it. The one reader of it.
    package static func readHashKey(_ settings: SettingsReader) throws(SettingsError) -> String? {
        guard let secret = settings.verbatim("HASH_KEY") else { return nil }
        guard secret.utf8.count >= 16 else { throw .invalid("HASH_KEY", "must be at least 16 bytes long") }
        return secret
    }

    /// Fails when `HASH_KEY` is unset: under Lambda create and verify need it (the same value), or the limit key of
    /// any phone number or address could be computed by anyone who reads this code and the table.
    func requireHashKey() throws(SettingsError) { try Self.requireHashKey(hashKey) }

    /// The same check on a key read with `readHashKey`, for a function that reads no other setting of these.
    package static func requireHashKey(_ hashKey: String?) throws(SettingsError) {
        guard hashKey != nil else { throw .invalid("HASH_KEY", "must be set under Lambda, to at least 16 random bytes") }
    }

    static func channels(_ settings: SettingsReader, _ name: String) throws(SettingsError) -> [Channel]? {
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
