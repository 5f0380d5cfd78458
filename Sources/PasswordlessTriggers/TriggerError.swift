import LambdaRuntime
import PasswordlessAuth

/// An error from a trigger: an event it cannot read, a code that could not be delivered, or a send over a limit.
///
/// Cognito shows the message of a failed CreateAuthChallenge to the unauthenticated caller, so the messages of
/// delivery and limit errors are fixed sentences: no AWS text, no destination, no code. The details are logged.
package struct TriggerError: Error, Equatable, LambdaReportableError {
    private enum Kind: Equatable {
        case invalidEvent(String)
        case deliveryFailed(DeliveryFailure)
        case rateLimited(retryAfterMinutes: Int)
        case markingFailed(DeliveryFailure)
    }

    private let kind: Kind

    /// The event is not JSON, or not the shape this trigger reads.
    static func invalidEvent(_ detail: String) -> Self { Self(kind: .invalidEvent(detail)) }
    /// The code could not be delivered.
    package static func deliveryFailed(_ failure: DeliveryFailure) -> Self { Self(kind: .deliveryFailed(failure)) }
    /// A shared limit refused the send; nothing was sent.
    static func rateLimited(retryAfterMinutes: Int) -> Self {
        Self(kind: .rateLimited(retryAfterMinutes: max(1, retryAfterMinutes)))
    }

    /// A destination could not be marked verified; only logged, never reported to Cognito.
    package static func markingFailed(_ failure: DeliveryFailure) -> Self { Self(kind: .markingFailed(failure)) }

    /// What a failed delivery or marking reported, for the log.
    var deliveryFailure: DeliveryFailure? {
        switch kind {
        case .deliveryFailed(let failure), .markingFailed(let failure): failure
        default: nil
        }
    }

    package var errorType: String {
        switch kind {
        case .invalidEvent: "InvalidEvent"
        case .deliveryFailed: "DeliveryFailed"
        case .rateLimited: "RateLimited"
        case .markingFailed: "VerificationFailed"
        }
    }

    /// A one-line description for the caller; never holds a code, a destination, a credential or AWS text. No closing
    /// full stop: Cognito adds one (`CreateAuthChallenge failed with error <message>.`).
    package var description: String {
        switch kind {
        case .invalidEvent(let detail): "invalid event: \(detail)"
        case .deliveryFailed: "The code could not be sent. Try again in a minute"
        case .markingFailed: "The destination could not be marked verified"
        case .rateLimited(let minutes):
            "Too many codes were asked for. Try again in \(minutes) minute\(minutes == 1 ? "" : "s")"
        }
    }
}

/// Why a message was not delivered: the service's error code and request id kept as data, and a log-safe description.
package struct DeliveryFailure: Equatable, Sendable {
    package enum Kind: String, Sendable {
        /// The service refused this recipient (a suppressed or unverified address, an opted-out or invalid
        /// number): it says something about the recipient, so the round is answered as if sent.
        case rejected
        /// Throttling, a server fault, the network or the deadline: any send could have met it.
        case transient
        /// The deployment cannot send to anyone (access, credentials, signature, a paused account, a missing
        /// configuration): every send meets it until an operator acts.
        case deployment
    }

    var kind: Kind
    /// The AWS error code, such as `MessageRejected`, when the service answered with one.
    var awsErrorCode: String?
    /// The AWS request id of the failed call, for AWS support.
    var awsRequestID: String?
    /// One line on what failed, with no code, credential or full destination in it.
    var detail: String

    package init(kind: Kind, awsErrorCode: String? = nil, awsRequestID: String? = nil, detail: String) {
        self.kind = kind
        self.awsErrorCode = awsErrorCode
        self.awsRequestID = awsRequestID
        self.detail = detail
    }
}

extension PasswordlessError: LambdaReportableError {}
