import LambdaRuntime
import PasswordlessAuth

/// Answers DefineAuthChallenge events.
package struct DefineHandler: TriggerHandler {
    package static let functionName = "define-auth-challenge"
    package static let summary = "Cognito DefineAuthChallenge trigger: asks for a code, issues tokens, or fails the sign-in."
    package static let triggerSource = TriggerSource.defineAuthChallenge.rawValue
    package static let logName = "define"
    let configuration: PasswordlessConfiguration
    let codec = EventCodec()

    package init(configuration: PasswordlessConfiguration) { self.configuration = configuration }

    /// Decides the next step of the sign-in.
    package func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8] {
        let original = event
        var event = try codec.decode(DefineAuthChallengeEvent.self, from: event, triggerSource: Self.triggerSource)
        let decision = DefineAuthChallenge.decide(event.request, configuration: configuration)
        event.response = decision.response
        let outcome =
            decision.response.issueTokens == true
            ? "issue tokens"
            : decision.response.failAuthentication == true ? "fail" : "challenge"
        context.logger.info(
            "sign-in step decided",
            [
                "outcome": .string(outcome), "reason": .string(decision.reason),
                "rounds": .int(event.request.session.count), "failedAttempts": .int(decision.failedAttempts),
            ])
        if decision.response.issueTokens == true {
            context.logger.emit([Metric("SignInsSucceeded")], dimensions: ["Function": Self.logName])
        } else if decision.response.failAuthentication == true {
            context.logger.emit([Metric("SignInsFailed")], dimensions: ["Function": Self.logName])
        }
        return try codec.answer(original, event)
    }
}
