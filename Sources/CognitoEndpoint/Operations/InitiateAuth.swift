import SignInDriver

/// `InitiateAuth` with `CUSTOM_AUTH`: runs define and create, and answers the first challenge with a session token.
///
/// Input: `ClientId`, `AuthFlow`, `AuthParameters.USERNAME`; `ClientMetadata` goes to no challenge trigger.
/// Output: `ChallengeName`, `Session`, `ChallengeParameters`.
enum InitiateAuth: CognitoOperation {
    static let name = "InitiateAuth"

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        try pool.checkClient(input)
        let flowName = try pool.required(input, "AuthFlow")
        guard flowName == "CUSTOM_AUTH" else { throw .invalidParameter("\(flowName) flow not enabled for this client") }
        guard let typed = input["AuthParameters"]?["USERNAME"]?.string, !typed.isEmpty else {
            throw .invalidParameter("Missing required parameter USERNAME")
        }
        let found = pool.pool.find(typed)
        if let found, found.status != "CONFIRMED" { throw CognitoError("UserNotConfirmedException", "User is not confirmed.") }
        var session = CustomAuthSession(userName: found?.userName ?? typed, userNotFound: found == nil)
        return try ChallengeAnswer.next(&session, clientMetadata: nil, pool)
    }
}
