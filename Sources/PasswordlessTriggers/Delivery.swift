import LambdaRuntime
import PasswordlessAuth

/// Sends a message carrying a code.
public protocol CodeDelivery {
    /// Delivers the message before the deadline, or throws.
    /// - Parameters:
    ///   - message: the text message or email.
    ///   - deadlineEpochMs: the invocation's deadline, in milliseconds since 1970.
    func deliver(_ message: CreateAuthChallenge.Message, deadlineEpochMs: Int64) throws(TriggerError)
}

/// How create-auth-challenge delivers codes (`OTP_DELIVERY`).
public enum DeliveryMode: String, Sendable {
    /// Writes the message to standard error, for local runs.
    case console
    /// Sends through Amazon SNS and Amazon SES.
    case aws

    /// The mode used when `OTP_DELIVERY` is unset.
    public static let `default` = DeliveryMode.aws

    /// Reads `OTP_DELIVERY`; an unknown value is an error naming the variable.
    public static func fromEnvironment(_ environment: [String: String]) throws(TriggerError) -> Self {
        guard let raw = environment["OTP_DELIVERY"], !raw.isEmpty else { return .default }
        guard let mode = Self(rawValue: raw.lowercased()) else {
            throw .invalidConfiguration("OTP_DELIVERY", "must be aws or console, got \"\(raw)\"")
        }
        return mode
    }
}

/// Writes each message to standard error instead of sending it: the local sign-in reads the code there.
public final class ConsoleDelivery: CodeDelivery {
    private let sink: any LogSink

    /// Creates a console delivery writing to `sink` (standard error by default).
    public init(sink: any LogSink = StandardErrorSink()) { self.sink = sink }

    /// Writes the message as a framed block of plain text.
    public func deliver(_ message: CreateAuthChallenge.Message, deadlineEpochMs: Int64) throws(TriggerError) {
        switch message {
        case .sms(let phoneNumber, let text):
            sink.write("--- SMS to \(phoneNumber) ---\n\(text)\n--- end ---\n")
        case .email(let address, let subject, let text, let html):
            var block = "--- email to \(address) ---\nSubject: \(subject)\n\n\(text)\n"
            if let html { block += "--- HTML part ---\n\(html)\n" }
            sink.write(block + "--- end ---\n")
        }
    }
}
