/// The passwordless settings, read once at start-up from the environment.
public struct PasswordlessConfiguration: Sendable, Equatable {
    /// Digits in a code (`OTP_LENGTH`, 4–10, default 6).
    public var codeLength = 6
    /// Seconds a code stays valid (`OTP_TTL_SECONDS`, 30–3600, default 300).
    public var codeLifetimeSeconds = 300
    /// Wrong answers before the sign-in fails (`MAX_ATTEMPTS`, 1–10, default 3).
    public var maxAttempts = 3
    /// Channels in order of preference (`OTP_CHANNELS`, default `sms,email`).
    public var channels: [Channel] = [.sms, .email]
    /// Whether a user with several channels first picks one (`OTP_CHANNEL_CHOICE`, default false).
    public var channelChoice = false
    /// The message texts.
    public var templates = MessageTemplates()

    /// The default settings.
    public init() {}

    /// Reads the settings from environment variables; an invalid value throws an error naming its variable.
    public static func fromEnvironment(_ environment: [String: String]) throws(PasswordlessError) -> Self {
        var config = Self()
        let env = Environment(values: environment)
        config.codeLength = try env.integer("OTP_LENGTH", in: 4...10) ?? config.codeLength
        config.codeLifetimeSeconds = try env.integer("OTP_TTL_SECONDS", in: 30...3600) ?? config.codeLifetimeSeconds
        config.maxAttempts = try env.integer("MAX_ATTEMPTS", in: 1...10) ?? config.maxAttempts
        config.channels = try env.channels("OTP_CHANNELS") ?? config.channels
        config.channelChoice = try env.boolean("OTP_CHANNEL_CHOICE") ?? config.channelChoice
        config.templates = try MessageTemplates.fromEnvironment(env)
        return config
    }
}

/// The texts a code is sent in, with `{code}` and `{minutes}` placeholders.
public struct MessageTemplates: Sendable, Equatable {
    /// The text message (`SMS_MESSAGE`).
    public var sms = "Your sign-in code is {code}. It expires in {minutes} minutes."
    /// The email subject (`EMAIL_SUBJECT`).
    public var emailSubject = "Your sign-in code"
    /// The plain-text email body (`EMAIL_TEXT`).
    public var emailText =
        "Your sign-in code is {code}.\n\nIt expires in {minutes} minutes. If you did not try to sign in, you can ignore this email."
    /// The HTML email body (`EMAIL_HTML`); none by default.
    public var emailHTML: String? = nil

    /// The default texts.
    public init() {}

    static func fromEnvironment(_ env: Environment) throws(PasswordlessError) -> Self {
        var templates = Self()
        templates.sms = try env.template("SMS_MESSAGE", needsCode: true) ?? templates.sms
        templates.emailSubject = try env.template("EMAIL_SUBJECT", needsCode: false) ?? templates.emailSubject
        templates.emailText = try env.template("EMAIL_TEXT", needsCode: true) ?? templates.emailText
        templates.emailHTML = try env.template("EMAIL_HTML", needsCode: true)
        return templates
    }

    /// Fills in `{code}` and `{minutes}`.
    public static func render(_ template: String, code: String, minutes: Int) -> String {
        var out: [UInt8] = []
        let bytes = Array(template.utf8)
        out.reserveCapacity(bytes.count + code.utf8.count)
        let codeToken = Array("{code}".utf8), minutesToken = Array("{minutes}".utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "{") {
                if bytes[index...].starts(with: codeToken) {
                    out += code.utf8
                    index += codeToken.count
                    continue
                }
                if bytes[index...].starts(with: minutesToken) {
                    out += String(minutes).utf8
                    index += minutesToken.count
                    continue
                }
            }
            out.append(bytes[index])
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Typed reads of environment variables, each failure naming its variable.
struct Environment {
    var values: [String: String]

    /// The value, or nil when the variable is unset, empty or only whitespace (which all mean the default).
    func string(_ name: String) -> String? {
        guard let value = values[name], !value.trimmingWhitespace().isEmpty else { return nil }
        return value
    }

    func integer(_ name: String, in range: ClosedRange<Int>) throws(PasswordlessError) -> Int? {
        guard let raw = string(name) else { return nil }
        guard let value = Int(raw.trimmingWhitespace()), range.contains(value) else {
            throw .invalidConfiguration(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(raw)\"")
        }
        return value
    }

    func boolean(_ name: String) throws(PasswordlessError) -> Bool? {
        guard let raw = string(name) else { return nil }
        switch raw.trimmingWhitespace().lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw .invalidConfiguration(name, "must be true or false, got \"\(raw)\"")
        }
    }

    func channels(_ name: String) throws(PasswordlessError) -> [Channel]? {
        guard let raw = string(name) else { return nil }
        var channels: [Channel] = []
        for part in raw.split(separator: ",", omittingEmptySubsequences: false) {
            let word = String(part).trimmingWhitespace().lowercased()
            guard let channel = Channel(rawValue: word) else {
                throw .invalidConfiguration(name, "must list sms and/or email separated by commas, got \"\(raw)\"")
            }
            guard !channels.contains(channel) else {
                throw .invalidConfiguration(name, "lists \(word) twice")
            }
            channels.append(channel)
        }
        return channels
    }

    func template(_ name: String, needsCode: Bool) throws(PasswordlessError) -> String? {
        guard let raw = string(name) else { return nil }
        if needsCode, !raw.contains("{code}") {
            throw .invalidConfiguration(name, "must contain the {code} placeholder")
        }
        return raw
    }
}

extension String {
    /// The string without whitespace or newlines at either end.
    public func trimmingWhitespace() -> String {
        // Most values have nothing to trim: check the ends on bytes before looking at characters.
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 {
            return self
        }
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }
}

extension StringProtocol {
    /// Whether every character is an ASCII digit (an empty string has none that are not).
    var isASCIIDigits: Bool { utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }
}
