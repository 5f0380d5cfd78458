import PasswordlessAuth
import PasswordlessTriggers

/// Records messages instead of sending them; can be told to fail.
package final class SpyDelivery: CodeDelivery, @unchecked Sendable {
    package init() {}
    package var messages: [CreateAuthChallenge.Message] = []
    package var deadlines: [Int64] = []
    package var failure: TriggerError?
    package func deliver(_ message: CreateAuthChallenge.Message, deadlineEpochMs: Int64) throws(TriggerError) {
        if let failure { throw failure }
        messages.append(message)
        deadlines.append(deadlineEpochMs)
    }
}
