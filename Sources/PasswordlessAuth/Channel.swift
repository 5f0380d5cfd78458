/// How a one-time code reaches the user.
package enum Channel: String, Sendable, CaseIterable, Codable {
    /// A text message to the `phone_number` attribute.
    case sms
    /// An email to the `email` attribute.
    case email

    /// The Cognito user attribute that holds this channel's destination.
    package var attribute: String {
        switch self {
        case .sms: "phone_number"
        case .email: "email"
        }
    }

    /// What the client is shown of a destination it did not type: its channel, and nothing of the destination.
    var hiddenMask: String {
        switch self {
        case .sms: "+**********"
        case .email: "***@***"
        }
    }

    /// The destination with most of it hidden, safe to show the client and to log.
    package func mask(_ destination: String) -> String {
        switch self {
        case .sms: Masking.phone(destination)
        case .email: Masking.email(destination)
        }
    }
}

/// Hides most of a destination while leaving enough for a user to recognise it.
enum Masking {
    /// `+15555550123` becomes `+*******0123`: the plus sign and the last four digits stay.
    static func phone(_ phone: String) -> String {
        let characters = Array(phone.utf8.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") })
        let hasPlus = characters.first == UInt8(ascii: "+")
        let body = hasPlus ? characters.dropFirst() : characters[...]
        let kept = body.count > 6 ? 4 : max(0, body.count - 4)
        let hidden = String(repeating: "*", count: max(body.count - kept, 4 - kept))
        return (hasPlus ? "+" : "") + hidden + String(decoding: body.suffix(kept), as: UTF8.self)
    }

    /// `alice@example.com` becomes `a***@e***.com`: first letters and the top-level domain stay.
    static func email(_ email: String) -> String {
        guard let at = email.lastIndex(of: "@") else { return "***" }
        let local = email[..<at]
        let domain = email[email.index(after: at)...]
        let maskedLocal = (local.first.map(String.init) ?? "") + "***"
        guard let dot = domain.lastIndex(of: "."), dot != domain.startIndex else {
            return maskedLocal + "@" + (domain.first.map(String.init) ?? "") + "***"
        }
        return maskedLocal + "@" + String(domain.first!) + "***" + domain[dot...]
    }
}
