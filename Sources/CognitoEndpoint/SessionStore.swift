import SignInDriver
import Synchronization

/// The session tokens of sign-ins in progress: every challenge gets a new token, valid for the pool's
/// `AuthSessionValidity` from its own issue, and a token works once.
final class SessionStore: Sendable {
    private let validityMs: Int64
    private let sessions = Mutex<[String: (session: CustomAuthSession, issuedAt: Int64)]>([:])

    init(minutes: Int) { validityMs = Int64(minutes) * 60_000 }

    /// A new token for `session`, issued at `now`.
    func issue(_ session: CustomAuthSession, now: Int64) -> String {
        let token = RandomID.token()
        sessions.withLock { sessions in
            // Abandoned sign-ins do not pile up: expired tokens go when the table grows.
            if sessions.count >= 256, sessions.count.isMultiple(of: 256) {
                sessions = sessions.filter { now - $0.value.issuedAt < validityMs }
            }
            sessions[token] = (session, now)
        }
        return token
    }

    /// The session a token stands for, which it no longer does after this.
    func take(_ token: String, now: Int64) throws(CognitoError) -> CustomAuthSession {
        guard let (session, issuedAt) = sessions.withLock({ $0.removeValue(forKey: token) }) else { throw .notAuthorized }
        guard now - issuedAt < validityMs else { throw .sessionExpired }
        return session
    }
}
