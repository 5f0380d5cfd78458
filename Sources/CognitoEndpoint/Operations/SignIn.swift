import JSON
import SignInDriver

/// The sign-in both forms of the API share: `InitiateAuth`/`AdminInitiateAuth` and
/// `RespondToAuthChallenge`/`AdminRespondToAuthChallenge` differ only in who may call them.
extension UserPoolServices {
    /// `CUSTOM_AUTH`: define and create, and the first challenge; `USER_AUTH`: choice-based sign-in
    /// (ChoiceSignIn.swift); `REFRESH_TOKEN_AUTH` (or `REFRESH_TOKEN`): new ID and access tokens. `ClientMetadata` goes
    /// to no challenge trigger (the API Reference lists pre sign-up, pre authentication and user migration only).
    func initiateAuth(_ input: JSONValue) throws(CognitoError) -> JSONValue {
        let client = try appClient(input)
        let flowName = try required(input, "AuthFlow")
        try checkFlow(flowName, client: client)
        if flowName == "USER_AUTH" { return try startChoiceSignIn(input) }
        if flowName != "CUSTOM_AUTH" {
            guard let token = input["AuthParameters"]?["REFRESH_TOKEN"]?.string, !token.isEmpty else {
                throw .invalidParameter("Missing required parameter REFRESH_TOKEN")
            }
            return ["ChallengeParameters": [:], "AuthenticationResult": try refreshUnlessDisabled(token, client: client)]
        }
        guard let typed = input["AuthParameters"]?["USERNAME"]?.string, !typed.isEmpty else {
            throw .invalidParameter("Missing required parameter USERNAME")
        }
        let found = pool.find(typed)
        if let found, !found.enabled { throw .userDisabled }
        // FORCE_CHANGE_PASSWORD signs in: after the custom challenges, NEW_PASSWORD_REQUIRED (ChallengeAnswer).
        if let found, found.status != "CONFIRMED", found.status != "FORCE_CHANGE_PASSWORD" {
            throw CognitoError("UserNotConfirmedException", "User is not confirmed.")
        }
        var session = CustomAuthSession(userName: found?.userName ?? typed, userNotFound: found == nil)
        return try ChallengeAnswer.next(&session, clientMetadata: nil, self)
    }

    /// `CUSTOM_CHALLENGE` (verify, then define and create), `NEW_PASSWORD_REQUIRED` (the new password of an account
    /// in FORCE_CHANGE_PASSWORD that passed its challenges), or the challenges of `USER_AUTH` (`SELECT_CHALLENGE`,
    /// `EMAIL_OTP`, `SMS_OTP`: ChoiceSignIn.swift).
    func respondToAuthChallenge(_ input: JSONValue) throws(CognitoError) -> JSONValue {
        let client = try appClient(input)
        let challenge = try required(input, "ChallengeName")
        let choice = ["SELECT_CHALLENGE", "EMAIL_OTP", "SMS_OTP"].contains(challenge)
        guard choice || challenge == "CUSTOM_CHALLENGE" || challenge == "NEW_PASSWORD_REQUIRED" else {
            throw .invalidParameter("Invalid challenge name.")
        }
        // The flow the challenge belongs to must be the client's; NEW_PASSWORD_REQUIRED follows either.
        let afterChoice = challenge == "NEW_PASSWORD_REQUIRED" && options.client(client)?.flows.contains("USER_AUTH") == true
        if !afterChoice { try checkFlow(choice ? "USER_AUTH" : "CUSTOM_AUTH", client: client) }
        // Every challenge response names its user (API Reference, ChallengeResponses): missing, it is refused before
        // the session is spent; naming another account than the session's, the session is spent and refused.
        guard let named = input["ChallengeResponses"]?["USERNAME"]?.string, !named.isEmpty else {
            throw .invalidParameter("Missing required parameter USERNAME")
        }
        if choice { return try respondToChoice(input, challenge: challenge, named: named) }
        var session = try sessions.take(try required(input, "Session"), now: now, challenge: challenge)
        guard names(named, session) else { throw .invalidSessionForUser }
        if challenge == "NEW_PASSWORD_REQUIRED" { return try setNewPassword(input, session) }
        guard let answer = input["ChallengeResponses"]?["ANSWER"]?.string else {
            throw .invalidParameter("Missing required parameter ANSWER")
        }
        let metadata = try clientMetadata(input)
        do {
            _ = try flow.answer(&session, answer, attributes: eventAttributes(session), clientMetadata: metadata)
        } catch {
            throw CognitoError(error)
        }
        return try ChallengeAnswer.next(&session, clientMetadata: metadata, self)
    }

    /// The end of a FORCE_CHANGE_PASSWORD sign-in: a new password that meets the pool's policy makes the account
    /// CONFIRMED, and the tokens follow. The password itself is thrown away: no flow here signs in with one.
    private func setNewPassword(_ input: JSONValue, _ session: CustomAuthSession) throws(CognitoError) -> JSONValue {
        guard let password = input["ChallengeResponses"]?["NEW_PASSWORD"]?.string, !password.isEmpty else {
            throw .invalidParameter("Invalid attributes given, new password should be given with key NEW_PASSWORD")
        }
        try PasswordPolicy.check(password)
        guard let user = pool.find(session.userName), user.enabled,
            let confirmed = pool.update(user.userName, { $0.status = "CONFIRMED" })
        else { throw .notAuthorized }
        return ["ChallengeParameters": [:], "AuthenticationResult": issueTokens(for: confirmed, client: options.clientID)]
    }

    /// Whether `named` is the session's user: its user name (`ChallengeParameters.USERNAME`) or a name that signs in as
    /// it (its email or phone number); for a user that does not exist, the name typed at `InitiateAuth`.
    func names(_ named: String, _ session: CustomAuthSession) -> Bool {
        names(named, userName: session.userName, userNotFound: session.userNotFound)
    }

    func names(_ named: String, userName: String, userNotFound: Bool) -> Bool {
        if userNotFound { return named.trimmingWhitespace() == userName && pool.find(named) == nil }
        return pool.find(named)?.userName == userName
    }

    /// A refresh, unless the token's account is disabled ("A deactivated user can't sign in", AdminDisableUser).
    func refreshUnlessDisabled(_ token: String, client: String) throws(CognitoError) -> JSONValue {
        if let holder = pool.holder(ofGrant: RefreshGrant.hash(token)), !holder.enabled { throw .userDisabled }
        return try refresh(token, client: client)
    }
}

/// The password policy of a pool that declares none (template.yaml's): Cognito's default, at least 8 characters
/// with a lower-case and an upper-case letter, a digit and a symbol.
enum PasswordPolicy {
    static let symbols = Set("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-".unicodeScalars)

    static func check(_ password: String) throws(CognitoError) {
        let scalars = password.unicodeScalars
        let failure: String? =
            if password.count < 8 { "Password not long enough" } else if !scalars.contains(where: { ("a"..."z").contains($0) }) {
                "Password must have lowercase characters"
            } else if !scalars.contains(where: { ("A"..."Z").contains($0) }) {
                "Password must have uppercase characters"
            } else if !scalars.contains(where: { ("0"..."9").contains($0) }) {
                "Password must have numeric characters"
            } else if !scalars.contains(where: symbols.contains) { "Password must have symbol characters" } else { nil }
        if let failure { throw CognitoError("InvalidPasswordException", "Password did not conform with policy: " + failure) }
    }
}

extension CognitoError {
    static let userDisabled = CognitoError("NotAuthorizedException", "User is disabled.")
}
