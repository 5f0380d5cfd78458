import LambdaRuntime
import PasswordlessAuth

/// An error from a trigger: an event it cannot read, or a code that could not be delivered.
package struct TriggerError: Error, Equatable, LambdaReportableError {
    private enum Kind: Equatable {
        case invalidEvent(String)
        case deliveryFailed(DeliveryFailure)
    }

    private let kind: Kind

    /// The event is not JSON, or not the shape this trigger reads.
    package static func invalidEvent(_ detail: String) -> Self { Self(kind: .invalidEvent(detail)) }
    /// The code could not be delivered.
    package static func deliveryFailed(_ failure: DeliveryFailure) -> Self { Self(kind: .deliveryFailed(failure)) }

    /// What a failed delivery reported, for the log.
    package var deliveryFailure: DeliveryFailure? {
        if case .deliveryFailed(let failure) = kind { return failure }
        return nil
    }

    package var errorType: String {
        switch kind {
        case .invalidEvent: "InvalidEvent"
        case .deliveryFailed: "DeliveryFailed"
        }
    }

    /// A one-line description; never holds a code or a credential.
    package var description: String {
        switch kind {
        case .invalidEvent(let detail): "invalid event: \(detail)"
        case .deliveryFailed(let failure): failure.detail
        }
    }
}

/// Why a message was not delivered: the service's error code kept as data, and a log-safe description.
package struct DeliveryFailure: Equatable, Sendable {
    /// The AWS error code, such as `MessageRejected`, when the service answered with one.
    package var awsErrorCode: String?
    /// One line on what failed, with no code, credential or full destination in it.
    package var detail: String

    package init(awsErrorCode: String? = nil, detail: String) {
        self.awsErrorCode = awsErrorCode
        self.detail = detail
    }
}

extension PasswordlessError: LambdaReportableError {}
