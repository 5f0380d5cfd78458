import LambdaRuntime
import PasswordlessAuth

/// Writes each message to standard error instead of sending it: the local sign-in reads the code there.
package final class ConsoleDelivery: CodeDelivery {
    private let sink: any LogSink

    /// - Parameter sink: where messages go; standard error by default.
    package init(sink: any LogSink = StandardErrorSink()) { self.sink = sink }

    /// Writes the message as a framed block of plain text.
    package func deliver(_ message: CreateAuthChallenge.Message, deadlineEpochMs: Int64) throws(TriggerError) {
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
