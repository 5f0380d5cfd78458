import PasswordlessAuth

/// Values the rule, handler and end-to-end tests share.
package enum Sample {
    /// The tests' one "now": 2023-11-14T22:13:20Z, before every sample code expires but the expired one.
    package static let now: Int64 = 1_700_000_000

    package static let phone = "+15555550123"
    package static let maskedPhone = "+*******0123"
    package static let email = "alice@example.com"
    package static let maskedEmail = "a***@e***.com"

    package static let smsUser = ["sub": "u-1", "phone_number": phone, "phone_number_verified": "true"]
    package static let emailUser = ["sub": "u-2", "email": email, "email_verified": "true"]
    package static let bothUser = [
        "sub": "u-3", "phone_number": phone, "phone_number_verified": "true", "email": email, "email_verified": "true",
    ]

    package static func config(_ change: (inout PasswordlessConfiguration) -> Void = { _ in }) -> PasswordlessConfiguration {
        var config = PasswordlessConfiguration()
        change(&config)
        return config
    }

    package static func customRound(_ result: Bool, _ metadata: String? = "OTP:sms:4102444800:482913:0") -> ChallengeResult {
        ChallengeResult(challengeName: "CUSTOM_CHALLENGE", challengeResult: result, challengeMetadata: metadata)
    }

    package static let srpA = ChallengeResult(challengeName: "SRP_A", challengeResult: true, challengeMetadata: nil)
    package static func choiceRound(_ result: Bool = false) -> ChallengeResult { customRound(result, "CHANNEL_CHOICE") }
}
