import SignInDriver
import Synchronization

/// The session tokens of sign-ins in progress: every challenge gets a new token, valid for the pool's
/// `AuthSessionValidity` from its own issue, and a token works once.
final class SessionStore: Sendable {
    private let validityMs: Int64
    private let sessions = Mutex<[String: (session: CustomAuthSession, issuedAt: Int64, challenge: String)]>([:])

    init(minutes: Int) { validityMs = Int64(minutes) * 60_000 }

    /// A new token for `session`, issued at `now`, for the challenge it answers.
    func issue(_ session: CustomAuthSession, now: Int64, challenge: String = "CUSTOM_CHALLENGE") -> String {
        let token = RandomID.token()
        sessions.withLock { sessions in
            // Abandoned sign-ins do not pile up: expired tokens go when the table grows.
            if sessions.count >= 256, sessions.count.isMultiple(of: 256) {
                sessions = sessions.filter { now - $0.value.issuedAt < validityMs }
            }
            sessions[token] = (session, now, challenge)
        }
        return token
    }

    /// The session a token stands for, which it no longer does after this; a token answered with another challenge
    /// than it was issued for is spent and refused.
    func take(_ token: String, now: Int64, challenge: String = "CUSTOM_CHALLENGE") throws(CognitoError) -> CustomAuthSession {
        guard let (session, issuedAt, issuedFor) = sessions.withLock({ $0.removeValue(forKey: token) }) else { throw .notAuthorized }
        guard now - issuedAt < validityMs else { throw .sessionExpired }
        guard issuedFor == challenge else { throw CognitoError("NotAuthorizedException", "Invalid session for the user.") }
        return session
    }
}
