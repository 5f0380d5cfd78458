import SignInDriver

/// `InitiateAuth`: `CUSTOM_AUTH` runs define and create and answers the first challenge with a session token;
/// `REFRESH_TOKEN_AUTH` (or `REFRESH_TOKEN`) answers new ID and access tokens for a refresh token.
///
/// Input: `ClientId`, `AuthFlow`, `AuthParameters` (`USERNAME`, or `REFRESH_TOKEN`); `ClientMetadata` goes to no
/// challenge trigger. Output: `ChallengeName`, `Session`, `ChallengeParameters`, or `ChallengeParameters` and
/// `AuthenticationResult` without `RefreshToken` (the clients do not rotate refresh tokens).
enum InitiateAuth: CognitoOperation {
    static let name = "InitiateAuth"

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        let client = try pool.appClient(input)
        let flowName = try pool.required(input, "AuthFlow")
        try pool.checkFlow(flowName, client: client)
        if flowName != "CUSTOM_AUTH" {
            guard let token = input["AuthParameters"]?["REFRESH_TOKEN"]?.string, !token.isEmpty else {
                throw .invalidParameter("Missing required parameter REFRESH_TOKEN")
            }
            return ["ChallengeParameters": [:], "AuthenticationResult": try pool.refresh(token, client: client)]
        }
        guard let typed = input["AuthParameters"]?["USERNAME"]?.string, !typed.isEmpty else {
            throw .invalidParameter("Missing required parameter USERNAME")
        }
        let found = pool.pool.find(typed)
        if let found, found.status != "CONFIRMED" { throw CognitoError("UserNotConfirmedException", "User is not confirmed.") }
        var session = CustomAuthSession(userName: found?.userName ?? typed, userNotFound: found == nil)
        return try ChallengeAnswer.next(&session, clientMetadata: nil, pool)
    }
}
