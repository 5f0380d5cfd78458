import JSON

/// `RespondToAuthChallenge`: `CUSTOM_CHALLENGE` runs verify on the answer, then define (and create), and answers the
/// next challenge with a new session token, or the tokens; `NEW_PASSWORD_REQUIRED` takes the new password of an
/// account in FORCE_CHANGE_PASSWORD (SignIn.swift); `SELECT_CHALLENGE`, `EMAIL_OTP` and `SMS_OTP` continue a
/// `USER_AUTH` sign-in (ChoiceSignIn.swift).
///
/// Input: `ClientId`, `ChallengeName`, `Session`, `ChallengeResponses` (`USERNAME` always; `ANSWER`, `NEW_PASSWORD`,
/// `EMAIL_OTP_CODE` or `SMS_OTP_CODE`), `ClientMetadata` (to verify, define and create). Output: `ChallengeName`,
/// `Session`, `ChallengeParameters`, or `AuthenticationResult`.
enum RespondToAuthChallenge: CognitoOperation {
    static let name = "RespondToAuthChallenge"
    static let input = InputShape(
        [
            "ClientId": .clientID, "ChallengeName": .oneOf(challengeNames), "Session": .session, "ChallengeResponses": .stringMap,
            "ClientMetadata": .stringMap,
        ], required: ["ChallengeName", "ClientId"])
    /// `ChallengeNameType`'s values.
    static let challengeNames = [
        "SMS_MFA", "EMAIL_OTP", "SOFTWARE_TOKEN_MFA", "SELECT_MFA_TYPE", "MFA_SETUP", "PASSWORD_VERIFIER", "CUSTOM_CHALLENGE",
        "SELECT_CHALLENGE", "DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER", "ADMIN_NO_SRP_AUTH", "NEW_PASSWORD_REQUIRED", "SMS_OTP",
        "PASSWORD", "WEB_AUTHN", "PASSWORD_SRP",
    ]

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        try pool.respondToAuthChallenge(input)
    }
}
