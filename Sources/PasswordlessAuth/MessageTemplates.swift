import Settings

/// The texts a code is sent in, with `{code}` and `{minutes}` placeholders.
struct MessageTemplates: Sendable, Equatable {
    /// The text message (`SMS_MESSAGE`).
    var sms = "Your sign-in code is {code}. It expires in {minutes} minutes."
    /// The email subject (`EMAIL_SUBJECT`).
    var emailSubject = "Your sign-in code"
    /// The plain-text email body (`EMAIL_TEXT`).
    var emailText =
        "Your sign-in code is {code}.\n\nIt expires in {minutes} minutes. If you did not try to sign in, you can ignore this email."
    /// The HTML email body (`EMAIL_HTML`); none by default.
    var emailHTML: String? = nil

    init() {}

    /// Reads `SMS_MESSAGE`, `EMAIL_SUBJECT`, `EMAIL_TEXT` and `EMAIL_HTML`; each but the subject must hold `{code}`.
    init(_ settings: SettingsReader) throws(SettingsError) {
        sms = try Self.template(settings, "SMS_MESSAGE", needsCode: true) ?? sms
        emailSubject = try Self.template(settings, "EMAIL_SUBJECT", needsCode: false) ?? emailSubject
        emailText = try Self.template(settings, "EMAIL_TEXT", needsCode: true) ?? emailText
        emailHTML = try Self.template(settings, "EMAIL_HTML", needsCode: true)
    }

    static func template(_ settings: SettingsReader, _ name: String, needsCode: Bool) throws(SettingsError) -> String? {
        guard let text = settings.verbatim(name) else { return nil }
        if needsCode, !text.containsText("{code}") { throw .invalid(name, "must contain the {code} placeholder") }
        return text
    }

    /// Fills in `{code}` and `{minutes}`.
    static func render(_ template: String, code: String, minutes: Int) -> String {
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
