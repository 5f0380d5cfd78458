import LambdaRuntime
import PasswordlessAuth

/// Sends a message carrying a code.
package protocol CodeDelivery {
    /// Delivers the message before the deadline, or throws.
    /// - Parameters:
    ///   - message: the text message or email.
    ///   - deadlineEpochMs: the invocation's deadline, in milliseconds since 1970.
    func deliver(_ message: CreateAuthChallenge.Message, deadlineEpochMs: Int64) throws(TriggerError)
}
