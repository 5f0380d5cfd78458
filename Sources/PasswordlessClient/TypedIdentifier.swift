import Foundation

/// What the user typed to sign in or up: a phone number (E.164), an email address, or else a user name.
enum TypedIdentifier: Equatable {
    case phone(String)
    case email(String)
    case username(String)

    /// Reads `typed`: spaces, dashes, dots and brackets in a phone number go, and `00` becomes `+`; an email's domain is
    /// lower-cased (its local part is left as typed, for pools that compare it with case).
    init(_ typed: String) throws(PasswordlessError) {
        let trimmed = typed.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw PasswordlessError(.invalidInput, detail: "nothing was typed") }
        if trimmed.contains("@") {
            let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !trimmed.contains(where: \.isWhitespace) else {
                throw PasswordlessError(.invalidInput, detail: "not an email address")
            }
            self = .email("\(parts[0])@\(parts[1].lowercased())")
            return
        }
        let layout: Set<Character> = [" ", "-", ".", "(", ")", "\u{00A0}"]
        var number = String(trimmed.filter { !layout.contains($0) })
        if number.hasPrefix("00") { number = "+" + number.dropFirst(2) }
        if number.hasPrefix("+") {
            let digits = number.dropFirst()
            guard (4...15).contains(digits.count), digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
                throw PasswordlessError(.invalidInput, detail: "not a phone number in international form")
            }
            self = .phone(number)
            return
        }
        self = .username(trimmed)
    }

    var value: String {
        switch self {
        case .phone(let value), .email(let value), .username(let value): value
        }
    }

    /// The channel the user can be expected to read: the one they typed.
    var channel: Channel? {
        switch self {
        case .phone: .sms
        case .email: .email
        case .username: nil
        }
    }
}
