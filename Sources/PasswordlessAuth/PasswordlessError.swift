/// An error from the passwordless rules: bad configuration, an event the rules cannot answer, or no randomness.
public struct PasswordlessError: Error, Equatable, CustomStringConvertible {
    private enum Kind: Equatable {
        case invalidConfiguration(variable: String, reason: String)
        case unexpectedEvent(String)
        case randomSourceFailed
    }

    private let kind: Kind

    /// A configuration variable holds a value the rules cannot use.
    public static func invalidConfiguration(_ variable: String, _ reason: String) -> Self {
        Self(kind: .invalidConfiguration(variable: variable, reason: reason))
    }

    /// The event is well-formed JSON but not one this trigger answers.
    public static func unexpectedEvent(_ detail: String) -> Self { Self(kind: .unexpectedEvent(detail)) }

    /// The random source could not give bytes.
    public static let randomSourceFailed = Self(kind: .randomSourceFailed)

    /// The configuration variable at fault, if any.
    public var variable: String? {
        if case .invalidConfiguration(let variable, _) = kind { return variable }
        return nil
    }

    /// A short name for the kind of error, used as a Lambda `errorType`.
    public var errorType: String {
        switch kind {
        case .invalidConfiguration: "InvalidConfiguration"
        case .unexpectedEvent: "UnexpectedEvent"
        case .randomSourceFailed: "RandomSourceFailed"
        }
    }

    /// A one-line description that names the variable or the problem.
    public var description: String {
        switch kind {
        case .invalidConfiguration(let variable, let reason): "\(variable) \(reason)"
        case .unexpectedEvent(let detail): detail
        case .randomSourceFailed: "the random source failed to give bytes"
        }
    }
}
