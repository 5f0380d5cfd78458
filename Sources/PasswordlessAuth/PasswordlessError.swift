/// An error from the passwordless rules: an event the rules cannot answer, no randomness, a limit, a refused sign-up.
package struct PasswordlessError: Error, Equatable, CustomStringConvertible {
    private enum Kind: Equatable {
        case unexpectedEvent(String)
        case randomSourceFailed
        case resendLimitReached
        case signUpRefused(PreSignUp.Refusal)
    }

    private let kind: Kind

    /// The event is well-formed JSON but not one this trigger answers.
    static func unexpectedEvent(_ detail: String) -> Self { Self(kind: .unexpectedEvent(detail)) }

    /// The random source could not give bytes.
    package static let randomSourceFailed = Self(kind: .randomSourceFailed)

    /// The client asked for more codes in one sign-in than `MAX_RESENDS` allows.
    package static let resendLimitReached = Self(kind: .resendLimitReached)

    /// pre-sign-up refused the new user; the message is the refusal's fixed sentence.
    package static func signUpRefused(_ refusal: PreSignUp.Refusal) -> Self { Self(kind: .signUpRefused(refusal)) }

    /// A short name for the kind of error, used as a Lambda `errorType`.
    package var errorType: String {
        switch kind {
        case .unexpectedEvent: "UnexpectedEvent"
        case .randomSourceFailed: "RandomSourceFailed"
        case .resendLimitReached: "RateLimited"
        case .signUpRefused: "SignUpRefused"
        }
    }

    /// A one-line description that names the variable or the problem.
    package var description: String {
        switch kind {
        case .unexpectedEvent(let detail): detail
        case .randomSourceFailed: "the random source failed to give bytes"
        case .resendLimitReached: "No more codes can be sent for this sign-in. Start a new sign-in to get a new code"
        case .signUpRefused(let refusal): refusal.sentence
        }
    }
}
