import PasswordlessAuth

/// Runs one trigger on one event: the handlers in this process (passwordless-local) or the function's own processes
/// (the endpoint). The sign-in hands it the event's JSON and reads the answered event back.
package protocol TriggerRunner {
    /// The answered event, or how the trigger failed.
    func run(_ source: TriggerSource, event: [UInt8]) -> TriggerOutcome
}

/// What running a trigger gave back.
package enum TriggerOutcome: Sendable, Equatable {
    /// The answered event (a runner with no function for the trigger gives back the event as sent).
    case answered([UInt8])
    /// The function reported an error, exited, or did not answer in Cognito's time; `message` is what Cognito quotes.
    case failed(type: String, message: String)
}
