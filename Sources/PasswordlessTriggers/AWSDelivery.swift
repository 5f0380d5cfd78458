import AWSMessaging
import PasswordlessAuth

/// Sends codes through Amazon SNS (SMS) and Amazon SES v2 (email), with clients built once at start-up.
public final class AWSDelivery: CodeDelivery {
    let sns: SNSClient?
    let ses: SESClient?

    /// Builds the clients the allowed channels need; a missing credential, region or sender is an error
    /// naming the variable.
    public init(environment: [String: String], channels: [Channel]) throws(TriggerError) {
        do {
            sns = channels.contains(.sms) ? try SNSClient.fromEnvironment(environment) : nil
            ses = channels.contains(.email) ? try SESClient.fromEnvironment(environment) : nil
        } catch {
            let variable = error.variable ?? "OTP_DELIVERY"
            let text = error.description
            throw .invalidConfiguration(variable, text.hasPrefix(variable + " ") ? String(text.dropFirst(variable.count + 1)) : text)
        }
    }

    /// Sends the message; every attempt and wait ends before the deadline.
    public func deliver(_ message: CreateAuthChallenge.Message, deadlineEpochMs: Int64) throws(TriggerError) {
        do {
            switch message {
            case .sms(let phoneNumber, let text):
                guard let sns else { throw TriggerError.deliveryFailed("SMS is not among OTP_CHANNELS") }
                _ = try sns.publishSMS(to: phoneNumber, message: text, deadlineEpochMs: deadlineEpochMs)
            case .email(let address, let subject, let text, let html):
                guard let ses else { throw TriggerError.deliveryFailed("email is not among OTP_CHANNELS") }
                _ = try ses.sendEmail(to: address, subject: subject, text: text, html: html, deadlineEpochMs: deadlineEpochMs)
            }
        } catch let error as AWSMessagingError {
            throw .deliveryFailed(error.description)
        } catch let error as TriggerError {
            throw error
        } catch {
            throw .deliveryFailed(String(describing: error))
        }
    }
}
