import JSON

/// An operation's input members as Cognito's API model declares them (botocore's `cognito-idp/2016-04-18` service
/// model, the API Reference's "Request Parameters"): type, length and pattern, checked before anything runs, so a
/// malformed member is Cognito's `InvalidParameterException` and never reaches a trigger.
struct InputShape: Sendable {
    /// One member's shape.
    enum Member: Sendable {
        /// `UsernameType`: 1–128 characters of letters, marks, symbols, numbers and punctuation.
        case username
        /// `ClientIdType`: 1–128 word characters or `+`.
        case clientID
        /// `PasswordType`: at most 256 characters, none of them white space.
        case password
        /// `SessionType`: 20–4096 characters.
        case session
        /// `TokenModelType`: base64url, `=` and `.`.
        case token
        /// `UserPoolIdType`: 1–55 characters, `region_id`.
        case poolID
        /// `AttributeListType`: `[{Name, Value}]`, names 1–32 characters, values at most 2048.
        case attributes
        /// A map of strings (`AuthParameters`, `ChallengeResponses`, `ClientMetadata`).
        case stringMap
        /// A string, one of these values.
        case oneOf([String])
        /// `BooleanType`.
        case boolean
        /// A string with no constraint of its own (at most 131072 characters, `StringType`).
        case string
    }

    let members: [String: Member]
    let required: [String]

    init(_ members: [String: Member], required: [String] = []) {
        self.members = members
        self.required = required
    }

    static let none = InputShape([:])

    /// Refuses the first member that does not fit, worded as Cognito's validation errors are; a member of the wrong
    /// JSON type is a `SerializationException`, as the JSON 1.1 protocol's deserializer reports it.
    func check(_ input: JSONValue) throws(CognitoError) {
        for name in required where input[name] == nil || input[name] == .null {
            throw Self.invalid(name, "Value null at '\(Self.camel(name))' failed to satisfy constraint: Member must not be null")
        }
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            guard let value = input[name], value != .null else { continue }
            try Self.check(value, member, name)
        }
    }

    private static func check(_ value: JSONValue, _ member: Member, _ name: String) throws(CognitoError) {
        let at = "at '\(camel(name))' failed to satisfy constraint: Member must"
        switch member {
        case .boolean:
            guard case .bool = value else { throw wrongType(name, "a boolean") }
        case .stringMap:
            guard value.stringMap != nil else { throw wrongType(name, "a map of strings") }
        case .attributes:
            guard case .array(let list) = value else { throw wrongType(name, "a list of attributes") }
            for (index, item) in list.enumerated() {
                let path = "\(camel(name)).\(index + 1).member"
                guard case .object = item, let attributeName = item["Name"]?.string else {
                    guard case .object = item, item["Name"] == nil || item["Name"] == .null else {
                        throw wrongType(name, "a list of attributes")
                    }
                    throw invalid(name, "Value null at '\(path).name' failed to satisfy constraint: Member must not be null")
                }
                guard (1...32).contains(attributeName.count) else {
                    throw invalid(
                        name,
                        "Value '\(attributeName)' at '\(path).name' failed to satisfy constraint: Member must have length \(attributeName.isEmpty ? "greater than or equal to 1" : "less than or equal to 32")"
                    )
                }
                guard attributeName.unicodeScalars.allSatisfy({ printable($0) || " \t\n\r".unicodeScalars.contains($0) }) else {
                    throw invalid(
                        name,
                        "Value '\(attributeName)' at '\(path).name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\t\\n\\r ]+"
                    )
                }
                if let attributeValue = item["Value"], attributeValue != .null {
                    guard let text = attributeValue.string else { throw wrongType(name, "a list of attributes") }
                    guard text.count <= 2048 else {
                        throw invalid(
                            name,
                            "Value at '\(path).value' failed to satisfy constraint: Member must have length less than or equal to 2048")
                    }
                }
            }
        case .oneOf(let allowed):
            guard let text = value.string else { throw wrongType(name, "a string") }
            guard allowed.contains(text) else {
                throw invalid(name, "Value '\(text)' \(at) satisfy enum value set: [\(allowed.joined(separator: ", "))]")
            }
        case .username, .clientID, .password, .session, .token, .poolID, .string:
            guard let text = value.string else { throw wrongType(name, "a string") }
            // The values are secrets or names of accounts; Cognito leaves sensitive values out of its message.
            let (minimum, maximum, pattern, fits): (Int, Int, String?, Bool) =
                switch member {
                case .username: (1, 128, "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+", text.unicodeScalars.allSatisfy(printable))
                case .clientID: (1, 128, "[\\w+]+", text.unicodeScalars.allSatisfy { wordCharacter($0) || $0 == "+" })
                case .password: (0, 256, "[\\S]+", text.unicodeScalars.allSatisfy { !$0.properties.isWhitespace })
                case .session: (20, 4096, nil, true)
                case .token: (0, 131_072, "[A-Za-z0-9-_=.]+", text.unicodeScalars.allSatisfy { base64URL($0) || $0 == "=" || $0 == "." })
                case .poolID: (1, 55, "[\\w-]+_[0-9a-zA-Z]+", poolIDFits(text))
                default: (0, 131_072, nil, true)
                }
            if text.count < minimum {
                throw invalid(
                    name,
                    "Value at '\(camel(name))' failed to satisfy constraint: Member must have length greater than or equal to \(minimum)")
            }
            if text.count > maximum {
                throw invalid(
                    name, "Value at '\(camel(name))' failed to satisfy constraint: Member must have length less than or equal to \(maximum)"
                )
            }
            if let pattern, !text.isEmpty, !fits {
                throw invalid(
                    name,
                    "Value at '\(camel(name))' failed to satisfy constraint: Member must satisfy regular expression pattern: \(pattern)")
            }
        }
    }

    /// `\p{L}\p{M}\p{S}\p{N}\p{P}`: a letter, mark, symbol, number or punctuation (no space, no control character).
    static func printable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .nonspacingMark, .spacingMark,
            .enclosingMark, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol, .decimalNumber, .letterNumber, .otherNumber,
            .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation,
            .otherPunctuation:
            true
        default: false
        }
    }

    private static func wordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
    }

    private static func base64URL(_ scalar: Unicode.Scalar) -> Bool { wordCharacter(scalar) || scalar == "-" }

    private static func poolIDFits(_ text: String) -> Bool {
        guard let underscore = text.lastIndex(of: "_") else { return false }
        let region = text[..<underscore]
        let id = text[text.index(after: underscore)...]
        return !region.isEmpty && !id.isEmpty && region.unicodeScalars.allSatisfy { wordCharacter($0) || $0 == "-" }
            && id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }

    /// The member's name as Cognito's validation messages spell it: `Username` is `username`.
    static func camel(_ name: String) -> String { name.prefix(1).lowercased() + name.dropFirst() }

    static func invalid(_ name: String, _ message: String) -> CognitoError { .invalidParameter("1 validation error detected: " + message) }

    private static func wrongType(_ name: String, _ expected: String) -> CognitoError {
        CognitoError("SerializationException", "\(name) must be \(expected).")
    }
}

/// The checks on what attributes say that Cognito makes before any trigger runs.
enum AttributeFormat {
    /// An email address as this endpoint accepts one: a local part, one `@`, a domain, no white space or control
    /// character (AWS does not publish its rule; this refuses only what cannot be an address).
    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && text.unicodeScalars.allSatisfy(InputShape.printable)
    }

    /// A phone number in E.164: `+`, then 1–15 digits, the first not 0.
    static func isPhoneNumber(_ text: String) -> Bool {
        let digits = text.utf8.dropFirst()
        return text.first == "+" && (1...15).contains(digits.count) && digits.first != UInt8(ascii: "0")
            && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// Refuses an `email` or `phone_number` that is not one, worded as Cognito words it.
    static func check(_ attributes: [String: String]) throws(CognitoError) {
        if let email = attributes["email"], !isEmail(email) { throw .invalidParameter("Invalid email address format.") }
        if let phone = attributes["phone_number"], !isPhoneNumber(phone) { throw .invalidParameter("Invalid phone number format.") }
    }
}
