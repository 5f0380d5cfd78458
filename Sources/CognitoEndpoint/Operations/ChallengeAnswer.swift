import SignInDriver

/// What InitiateAuth and RespondToAuthChallenge answer after define: the next challenge under a new session token,
/// or the tokens.
enum ChallengeAnswer {
    static func next(
        _ session: inout CustomAuthSession, clientMetadata: [String: String]?, _ pool: UserPoolServices
    ) throws(CognitoError) -> JSONValue {
        let step: CustomAuthFlow<Triggers>.Step
        do {
            step = try pool.flow.nextStep(&session, attributes: pool.eventAttributes(session), clientMetadata: clientMetadata)
        } catch {
            throw CognitoError(error)
        }
        switch step {
        case .challenge(var parameters):
            // Cognito adds the user name the sign-in goes on under.
            let user = session.userNotFound ? nil : pool.pool.find(session.userName)
            parameters["USERNAME"] = user?.userName ?? session.userName
            return [
                "ChallengeName": "CUSTOM_CHALLENGE", "Session": .string(pool.sessions.issue(session, now: pool.now)),
                "ChallengeParameters": .object(parameters.mapValues { .string($0) }),
            ]
        case .tokens:
            guard let user = pool.pool.find(session.userName) else { throw .notAuthorized }
            return ["ChallengeParameters": [:], "AuthenticationResult": pool.issueTokens(for: user, client: pool.options.clientID)]
        case .failed:
            throw .notAuthorized
        }
    }
}
