import SignInDriver

/// `RespondToAuthChallenge` for `CUSTOM_CHALLENGE`: runs verify on the answer, then define (and create), and answers
/// the next challenge with a new session token, or the tokens.
///
/// Input: `ClientId`, `ChallengeName`, `Session`, `ChallengeResponses.USERNAME` and `.ANSWER`, `ClientMetadata` (to
/// verify, define and create). Output: `ChallengeName`, `Session`, `ChallengeParameters`, or `AuthenticationResult`.
enum RespondToAuthChallenge: CognitoOperation {
    static let name = "RespondToAuthChallenge"

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        try pool.checkClient(input)
        guard try pool.required(input, "ChallengeName") == "CUSTOM_CHALLENGE" else { throw .invalidParameter("Invalid challenge name.") }
        // Every challenge response names its user (API Reference, ChallengeResponses): missing, it is refused before
        // the session is spent; naming another account than the session's, the session is spent and refused.
        guard let named = input["ChallengeResponses"]?["USERNAME"]?.string, !named.isEmpty else {
            throw .invalidParameter("Missing required parameter USERNAME")
        }
        var session = try pool.sessions.take(try pool.required(input, "Session"), now: pool.now)
        guard Self.names(named, session, pool) else {
            throw CognitoError("NotAuthorizedException", "Invalid session provided for the user.")
        }
        guard let answer = input["ChallengeResponses"]?["ANSWER"]?.string else {
            throw .invalidParameter("Missing required parameter ANSWER")
        }
        let metadata = try pool.clientMetadata(input)
        do {
            _ = try pool.flow.answer(&session, answer, attributes: pool.eventAttributes(session), clientMetadata: metadata)
        } catch {
            throw CognitoError(error)
        }
        return try ChallengeAnswer.next(&session, clientMetadata: metadata, pool)
    }

    /// Whether `named` is the session's user: its user name (`ChallengeParameters.USERNAME`) or a name that signs in as
    /// it (its email or phone number); for a user that does not exist, the name typed at `InitiateAuth`.
    static func names(_ named: String, _ session: CustomAuthSession, _ pool: UserPoolServices) -> Bool {
        if session.userNotFound { return named.trimmingWhitespace() == session.userName && pool.pool.find(named) == nil }
        return pool.pool.find(named)?.userName == session.userName
    }
}
