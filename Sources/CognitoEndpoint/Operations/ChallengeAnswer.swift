import JSON
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
            guard user.enabled else { throw .userDisabled }
            if user.status == "FORCE_CHANGE_PASSWORD" { return newPasswordRequired(session, user, pool) }
            return ["ChallengeParameters": [:], "AuthenticationResult": pool.issueTokens(for: user, client: pool.options.clientID)]
        case .failed:
            throw .notAuthorized
        }
    }

    /// An account in FORCE_CHANGE_PASSWORD that passed its custom challenges gets no tokens yet: Cognito asks for a
    /// new password (NEW_PASSWORD_REQUIRED, as reported in aws-amplify/amplify-flutter#4890), with the account's
    /// attributes and the required ones still missing (none: the template's pool requires none).
    static func newPasswordRequired(_ session: CustomAuthSession, _ user: PoolUser, _ pool: UserPoolServices) -> JSONValue {
        var shown = user.attributes
        shown["sub"] = nil
        let attributes = JSONValue.object(shown.mapValues { .string($0) })
        return [
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "Session": .string(pool.sessions.issue(session, now: pool.now, challenge: "NEW_PASSWORD_REQUIRED")),
            "ChallengeParameters": [
                "USER_ID_FOR_SRP": .string(user.userName), "requiredAttributes": "[]",
                "userAttributes": .string(String(decoding: attributes.bytes, as: UTF8.self)),
            ],
        ]
    }
}
