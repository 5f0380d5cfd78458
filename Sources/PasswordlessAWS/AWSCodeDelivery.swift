import AWSClients
import AWSHTTP
import LambdaRuntime
import PasswordlessAuth
import PasswordlessTriggers
import Settings

/// One libcurl handle for every AWS call of the process: SNS, SES and DynamoDB share its connection cache, so a
/// warm invocation reuses the connections the last one opened.
let awsTransport = CurlTransport()

/// Sends codes through Amazon SNS (SMS) and Amazon SES v2 (email), with clients built once at start-up.
package final class AWSCodeDelivery: CodeDelivery {
    let sns: SNSClient?
    let ses: SESClient?

    /// Builds the clients the allowed channels need; a missing credential, region or sender is an error
    /// naming the variable.
    package init(_ settings: SettingsReader, channels: [Channel], transport: any HTTPTransport = awsTransport) throws(SettingsError) {
        let clients = try AWSClientFactory(settings, transport: transport)
        sns = channels.contains(.sms) ? try clients.sns() : nil
        ses = channels.contains(.email) ? try clients.ses() : nil
    }

    /// Sends the message; every attempt and wait ends before the deadline.
    package func deliver(_ message: CreateAuthChallenge.Message, deadlineEpochMs: Int64) throws(TriggerError) {
        do {
            switch message {
            case .sms(let phoneNumber, let text):
                guard let sns else {
                    throw TriggerError.deliveryFailed(DeliveryFailure(kind: .deployment, detail: "SMS is not among OTP_CHANNELS"))
                }
                _ = try sns.publishSMS(to: phoneNumber, message: text, deadlineEpochMs: deadlineEpochMs)
            case .email(let address, let subject, let text, let html):
                guard let ses else {
                    throw TriggerError.deliveryFailed(DeliveryFailure(kind: .deployment, detail: "email is not among OTP_CHANNELS"))
                }
                _ = try ses.sendEmail(to: address, subject: subject, text: text, html: html, deadlineEpochMs: deadlineEpochMs)
            }
        } catch let error as AWSCallError {
            throw .deliveryFailed(
                DeliveryFailure(
                    kind: Self.kind(of: error), awsErrorCode: error.awsErrorCode, awsRequestID: error.awsRequestID,
                    detail: error.description))
        } catch let error as TriggerError {
            throw error
        } catch {
            throw .deliveryFailed(DeliveryFailure(kind: .transient, detail: String(describing: type(of: error))))
        }
    }

    /// SES codes that refuse this recipient only: the address is suppressed, or not verified in the sandbox.
    static let sesRecipientRefusals: Set<String> = ["MessageRejected"]
    /// SNS codes that refuse this number only. `InvalidParameter` counts only when it is about the number.
    static let snsRecipientRefusals: Set<String> = ["OptedOut", "OptedOutException"]

    /// Sorts a failed send by cause. Only a refusal of this recipient is `.rejected` (answered as if sent, since an
    /// error only an account can get would tell it from a stranger). Throttling, server faults, the network and the
    /// deadline are `.transient`. Every other refusal (access, credentials, signature, a paused or suspended
    /// account, a missing configuration set or sender) is `.deployment`: it meets every user alike.
    static func kind(of error: AWSCallError) -> DeliveryFailure.Kind {
        guard error.isRejection, let code = error.awsErrorCode else { return .transient }
        if sesRecipientRefusals.contains(code) || snsRecipientRefusals.contains(code) { return .rejected }
        if ["InvalidParameter", "InvalidParameterValue"].contains(code),
            (error.awsErrorMessage ?? "").lowercased().containsText("phone")
        {
            return .rejected
        }
        return .deployment
    }
}
