import JSON

/// `AdminInitiateAuth`: `InitiateAuth` for a backend signed with IAM credentials, naming the pool; the same flows
/// (`CUSTOM_AUTH`, `USER_AUTH`, `REFRESH_TOKEN_AUTH`) and answers (SignIn.swift). The admin password flows are not among the
/// client's `ExplicitAuthFlows` and are refused as "… flow not enabled for this client".
///
/// Input: `UserPoolId`, `ClientId`, `AuthFlow`, `AuthParameters`, `ClientMetadata`; `AnalyticsMetadata` and
/// `ContextData` are accepted and unused. Output: `ChallengeName`, `Session`, `ChallengeParameters`,
/// `AuthenticationResult`.
enum AdminInitiateAuth: CognitoOperation {
    static let name = "AdminInitiateAuth"
    static let needsCredentials = true
    static let input = InputShape(
        [
            "UserPoolId": .poolID, "ClientId": .clientID, "AuthFlow": .oneOf(InitiateAuth.authFlows), "AuthParameters": .stringMap,
            "ClientMetadata": .stringMap, "Session": .session,
        ], required: ["AuthFlow", "ClientId", "UserPoolId"])

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        try pool.initiateAuth(input)
    }
}
