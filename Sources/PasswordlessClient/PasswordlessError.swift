/// An error an app can switch on (`code`), with Cognito's error type kept for logs.
///
/// Wrong codes and the end of a sign-in are not errors: they are `SignInStep` values.
public struct PasswordlessError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, in the terms a screen acts on.
    public enum Code: Sendable, Equatable, CaseIterable {
        /// No answer: offline, timed out, or not reachable. Try again.
        case network
        /// The pool refused what the user typed: a malformed phone number or email, or a sign-up refused
        /// (`userMessage` holds the sentence to show).
        case invalidInput
        /// No tokens, or they were revoked or expired: sign in again.
        case notSignedIn
        /// Too many requests or codes; `userMessage` says when to try again, when the pool says.
        case tooManyRequests
        /// The code could not be sent. Try again in a minute.
        case codeNotSent
        /// The pool refused the user: disabled, not confirmed, or not allowed to do this.
        case refused
        /// `answer`, `resend` or `choose` was called with no sign-in waiting for it.
        case noSignInInProgress
        /// The configuration does not match the pool: an unknown app client, a flow it does not allow, a trigger that
        /// answers wrongly, or an answer this library does not read.
        case misconfigured
        /// The token store failed.
        case storage
        /// The service failed.
        case service
    }

    public let code: Code
    /// Cognito's error type (`NotAuthorizedException`, …), for logs; nil when Cognito did not answer.
    public let cognitoType: String?
    /// A sentence for the user from this project's triggers (a refused sign-up, a limit), when there is one.
    public let userMessage: String?
    /// What happened, for logs: Cognito's message or the transport's; never a code or a token.
    public let detail: String

    init(_ code: Code, cognitoType: String? = nil, userMessage: String? = nil, detail: String) {
        self.code = code
        self.cognitoType = cognitoType
        self.userMessage = userMessage
        self.detail = detail
    }

    public var description: String {
        "PasswordlessError.\(code)" + (cognitoType.map { " (\($0))" } ?? "") + ": \(detail)"
    }
}
