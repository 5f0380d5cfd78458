import JSON

/// `InitiateAuth`: `CUSTOM_AUTH` runs define and create and answers the first challenge with a session token;
/// `USER_AUTH` answers the preferred one-time password challenge or `SELECT_CHALLENGE` (ChoiceSignIn.swift);
/// `REFRESH_TOKEN_AUTH` (or `REFRESH_TOKEN`) answers new ID and access tokens for a refresh token (SignIn.swift).
///
/// Input: `ClientId`, `AuthFlow`, `AuthParameters` (`USERNAME` and, with `USER_AUTH`, `PREFERRED_CHALLENGE`; or
/// `REFRESH_TOKEN`); `ClientMetadata` goes to no challenge trigger. Output: `ChallengeName`, `Session`,
/// `ChallengeParameters` (and `AvailableChallenges` with `SELECT_CHALLENGE`), or `ChallengeParameters` and
/// `AuthenticationResult` without `RefreshToken` (the clients do not rotate refresh tokens). A disabled account:
/// `NotAuthorizedException` "User is disabled.".
enum InitiateAuth: CognitoOperation {
    static let name = "InitiateAuth"
    static let input = InputShape(
        [
            "ClientId": .clientID, "AuthFlow": .oneOf(authFlows), "AuthParameters": .stringMap, "ClientMetadata": .stringMap,
            "Session": .session,
        ], required: ["AuthFlow", "ClientId"])
    /// `AuthFlowType`'s values.
    static let authFlows = [
        "USER_SRP_AUTH", "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN", "CUSTOM_AUTH", "ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH",
        "ADMIN_USER_PASSWORD_AUTH", "USER_AUTH",
    ]

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        try pool.initiateAuth(input)
    }
}
