import PasswordlessAuth
import SignInDriver
import Synchronization

/// The session tokens of sign-ins in progress: every challenge gets a new token, valid for the pool's
/// `AuthSessionValidity` from its own issue. A token works once, except that a one-time password's token survives a
/// wrong code for another try (ChoiceSignIn.swift).
final class SessionStore: Sendable {
    /// What a token stands for: a custom-auth sign-in (and its NEW_PASSWORD_REQUIRED step), or a choice-based one.
    enum SignIn: Sendable {
        case custom(CustomAuthSession)
        case choice(ChoiceSession)
    }

    private struct Entry {
        var signIn: SignIn
        var issuedAt: Int64
        var challenge: String
        var wrongCodes = 0
    }

    private let validityMs: Int64
    private let sessions = Mutex<[String: Entry]>([:])

    init(minutes: Int) { validityMs = Int64(minutes) * 60_000 }

    /// A new token for `session`, issued at `now`, for the challenge it answers.
    func issue(_ session: CustomAuthSession, now: Int64, challenge: String = "CUSTOM_CHALLENGE") -> String {
        issue(.custom(session), now: now, challenge: challenge)
    }

    func issue(_ signIn: SignIn, now: Int64, challenge: String) -> String {
        let token = RandomID.token()
        sessions.withLock { sessions in
            // Abandoned sign-ins do not pile up: expired tokens go when the table grows.
            if sessions.count >= 256, sessions.count.isMultiple(of: 256) {
                sessions = sessions.filter { now - $0.value.issuedAt < validityMs }
            }
            sessions[token] = Entry(signIn: signIn, issuedAt: now, challenge: challenge)
        }
        return token
    }

    /// The custom-auth session a token stands for, which it no longer does after this; a token answered with another
    /// challenge than it was issued for is spent and refused.
    func take(_ token: String, now: Int64, challenge: String = "CUSTOM_CHALLENGE") throws(CognitoError) -> CustomAuthSession {
        guard case .custom(let session) = try takeEntry(token, now: now, challenge: challenge) else { throw .invalidSession }
        return session
    }

    /// The choice-based sign-in a token stands for (`SELECT_CHALLENGE`), spent as `take` spends it.
    func takeChoice(_ token: String, now: Int64, challenge: String) throws(CognitoError) -> ChoiceSession {
        guard case .choice(let session) = try takeEntry(token, now: now, challenge: challenge) else { throw .invalidSession }
        return session
    }

    private func takeEntry(_ token: String, now: Int64, challenge: String) throws(CognitoError) -> SignIn {
        guard let entry = sessions.withLock({ $0.removeValue(forKey: token) }) else { throw .notAuthorized }
        guard now - entry.issuedAt < validityMs else { throw .sessionExpired }
        guard entry.challenge == challenge else { throw .invalidSession }
        return entry.signIn
    }

    /// A one-time password answered under `token`: the right code spends the token and gives back its sign-in; a wrong
    /// one is `CodeMismatchException` and leaves the token for another try, until `tries` wrong codes have spent it.
    /// `names` says whether the answer's `USERNAME` is the sign-in's user; another user spends the token. Everything
    /// here happens under the one lock, so two answers racing on one token never both pass or both count as one.
    func answerCode(
        _ token: String, now: Int64, challenge: String, tries: Int, names: (ChoiceSession) -> Bool, code answer: String
    ) throws(CognitoError) -> ChoiceSession {
        try sessions.withLock { (sessions) throws(CognitoError) -> ChoiceSession in
            guard var entry = sessions[token] else { throw .notAuthorized }
            guard now - entry.issuedAt < validityMs else {
                sessions[token] = nil
                throw .sessionExpired
            }
            guard entry.challenge == challenge, case .choice(let session) = entry.signIn else {
                sessions[token] = nil
                throw .invalidSession
            }
            guard names(session) else {
                sessions[token] = nil
                throw .invalidSessionForUser
            }
            if OneTimeCode.matches(answer: answer, code: session.code) {
                sessions[token] = nil
                return session
            }
            entry.wrongCodes += 1
            guard entry.wrongCodes < tries else {
                sessions[token] = nil
                throw .notAuthorized
            }
            sessions[token] = entry
            throw .codeMismatch
        }
    }
}

extension CognitoError {
    static let invalidSession = CognitoError("NotAuthorizedException", "Invalid session for the user.")
    static let invalidSessionForUser = CognitoError("NotAuthorizedException", "Invalid session provided for the user.")
    static let codeMismatch = CognitoError("CodeMismatchException", "Invalid code or auth state for the user.")
}
