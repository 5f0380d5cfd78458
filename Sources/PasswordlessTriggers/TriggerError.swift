import LambdaRuntime
import PasswordlessAuth

/// An error from a trigger: an event it cannot read, a failed delivery, or bad settings.
public struct TriggerError: Error, Equatable, LambdaReportableError {
    private enum Kind: Equatable {
        case invalidEvent(String)
        case deliveryFailed(String)
        case invalidConfiguration(variable: String, reason: String)
    }

    private let kind: Kind

    /// The event is not JSON, or not the shape this trigger reads.
    public static func invalidEvent(_ detail: String) -> Self { Self(kind: .invalidEvent(detail)) }
    /// The code could not be delivered.
    public static func deliveryFailed(_ detail: String) -> Self { Self(kind: .deliveryFailed(detail)) }
    /// A setting is invalid; the message names the variable.
    public static func invalidConfiguration(_ variable: String, _ reason: String) -> Self {
        Self(kind: .invalidConfiguration(variable: variable, reason: reason))
    }

    /// The Lambda `errorType`.
    public var errorType: String {
        switch kind {
        case .invalidEvent: "InvalidEvent"
        case .deliveryFailed: "DeliveryFailed"
        case .invalidConfiguration: "InvalidConfiguration"
        }
    }

    /// A one-line description; never holds a code or a credential.
    public var description: String {
        switch kind {
        case .invalidEvent(let detail): "invalid event: \(detail)"
        case .deliveryFailed(let detail): detail
        case .invalidConfiguration(let variable, let reason): "\(variable) \(reason)"
        }
    }
}

extension PasswordlessError: LambdaReportableError {}
