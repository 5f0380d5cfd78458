import Testing

@testable import AWSHTTP
@testable import PasswordlessAWS
@testable import PasswordlessTriggers

/// How a failed send is sorted, from the error alone: the rule the fault-proxy tests exercise end to end.
@Suite("Failed sends sorted by cause")
struct FailureKindTests {
    static func service(_ status: Int, _ code: String, _ message: String = "") -> AWSCallError {
        .serviceError(operation: "SNS Publish", code: code, message: message, status: status, attempts: 1)
    }

    @Test(
        "refusals of this recipient, failures of the deployment, and transient failures",
        arguments: [
            (service(400, "MessageRejected", "Email address is not verified."), DeliveryFailure.Kind.rejected),
            (service(400, "OptedOut", "Phone number is opted out"), .rejected),
            (service(400, "InvalidParameter", "Invalid parameter: PhoneNumber Reason: <number> is not valid"), .rejected),
            (service(400, "InvalidParameterValue", "Invalid phone number"), .rejected),
            (service(400, "InvalidParameter", "Invalid parameter: MessageAttributes SenderID"), .deployment),
            (service(403, "AccessDenied", "User is not authorized"), .deployment),
            (service(403, "AuthorizationError"), .deployment),
            (service(403, "InvalidClientTokenId"), .deployment),
            (service(403, "SignatureDoesNotMatch"), .deployment),
            (service(400, "ExpiredToken"), .deployment),
            (service(400, "SendingPausedException"), .deployment),
            (service(400, "AccountSuspendedException"), .deployment),
            (service(404, "NotFoundException", "Configuration set does not exist"), .deployment),
            (service(400, "Throttling", "Rate exceeded"), .transient),
            (service(429, "TooManyRequestsException"), .transient),
            (service(500, "InternalFailure"), .transient),
            (.deadlineExceeded(operation: "SNS Publish", attempts: 2, lastProblem: nil), .transient),
            (.networkError(operation: "SNS Publish", detail: "connection refused", attempts: 3), .transient),
        ])
    func kind(error: AWSCallError, expected: DeliveryFailure.Kind) {
        #expect(AWSCodeDelivery.kind(of: error) == expected, "\(error)")
    }
}
