import SignInDriver

/// `RespondToAuthChallenge` for `CUSTOM_CHALLENGE`: runs verify on the answer, then define (and create), and answers
/// the next challenge with a new session token, or the tokens.
///
/// Input: `ClientId`, `ChallengeName`, `Session`, `ChallengeResponses.ANSWER`, `ClientMetadata` (to verify, define and
/// create). Output: `ChallengeName`, `Session`, `ChallengeParameters`, or `AuthenticationResult`.
enum RespondToAuthChallenge: CognitoOperation {
    static let name = "RespondToAuthChallenge"

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        try pool.checkClient(input)
        guard try pool.required(input, "ChallengeName") == "CUSTOM_CHALLENGE" else { throw .invalidParameter("Invalid challenge name.") }
        var session = try pool.sessions.take(try pool.required(input, "Session"), now: pool.now)
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
}
