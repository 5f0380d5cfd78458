import Settings

/// Which destinations may get a code, by whether they are verified (`OTP_REQUIRE_VERIFIED`).
package enum VerifiedRequirement: String, Sendable, Equatable, ExpressibleByBooleanLiteral {
    /// Only an attribute whose `<attribute>_verified` is `true` (`true`, the default).
    case always = "true"
    /// Any attribute (`false`): for pools that verify attributes some other way.
    case never = "false"
    /// An unverified attribute only while the account has no verified destination at all; the first right code
    /// to it verifies it (`first-sign-in`). Once one is verified, unverified ones are never used.
    case firstSignIn = "first-sign-in"

    /// `true` is `always`, `false` is `never`.
    package init(booleanLiteral value: Bool) { self = value ? .always : .never }

    /// Reads `OTP_REQUIRE_VERIFIED`; nil when it is not set.
    package static func read(_ settings: SettingsReader) throws(SettingsError) -> Self? {
        try settings.oneOf(
            "OTP_REQUIRE_VERIFIED",
            [
                "true": .always, "1": .always, "yes": .always, "false": .never, "0": .never, "no": .never,
                "first-sign-in": .firstSignIn,
            ], listed: ["true", "false", "first-sign-in"])
    }

    /// Whether `channel`'s attribute may get a code as far as verification goes.
    func allowsCode(to channel: Channel, in attributes: [String: String]) -> Bool {
        if Self.isVerified(channel.attribute, in: attributes) { return true }
        switch self {
        case .always: return false
        case .never: return true
        case .firstSignIn: return !Channel.allCases.contains { Self.isVerified($0.attribute, in: attributes) }
        }
    }

    /// Whether the attribute holds a value and `<attribute>_verified` is `true`.
    static func isVerified(_ attribute: String, in attributes: [String: String]) -> Bool {
        guard let value = attributes[attribute]?.trimmingWhitespace(), !value.isEmpty else { return false }
        return attributes[attribute + "_verified"]?.trimmingWhitespace().lowercased() == "true"
    }
}
