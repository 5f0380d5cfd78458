import JSON

/// `AdminRespondToAuthChallenge`: `RespondToAuthChallenge` for a backend signed with IAM credentials, naming the
/// pool; the same challenges and answers (SignIn.swift).
///
/// Input: `UserPoolId`, `ClientId`, `ChallengeName`, `Session`, `ChallengeResponses`, `ClientMetadata`;
/// `AnalyticsMetadata` and `ContextData` are accepted and unused. Output: `ChallengeName`, `Session`,
/// `ChallengeParameters`, `AuthenticationResult`.
enum AdminRespondToAuthChallenge: CognitoOperation {
    static let name = "AdminRespondToAuthChallenge"
    static let needsCredentials = true
    static let input = InputShape(
        [
            "UserPoolId": .poolID, "ClientId": .clientID, "ChallengeName": .oneOf(RespondToAuthChallenge.challengeNames),
            "Session": .session, "ChallengeResponses": .stringMap, "ClientMetadata": .stringMap,
        ], required: ["ChallengeName", "ClientId", "UserPoolId"])

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        try pool.respondToAuthChallenge(input)
    }
}
