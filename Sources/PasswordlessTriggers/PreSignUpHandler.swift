import LambdaRuntime
import PasswordlessAuth

/// Answers PreSignUp events: confirms self sign-ups whose destination may get codes, refuses the rest.
package struct PreSignUpHandler: TriggerHandler {
    package static let functionName = "pre-sign-up"
    package static let summary = "Cognito PreSignUp trigger: checks a new user's phone number or email and confirms the sign-up."
    /// The usual source; `PreSignUp_AdminCreateUser` and `PreSignUp_ExternalProvider` are answered too.
    package static let triggerSource = PreSignUp.signUp
    package static let logName = "pre-sign-up"
    let policy: SignUpPolicy
    let codec = EventCodec()

    package init(policy: SignUpPolicy) { self.policy = policy }

    /// Accepts or refuses the sign-up. A refusal is an error whose message is a fixed sentence; Cognito shows it
    /// to the client as `PreSignUp failed with error <message>.`
    package func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8] {
        let original = event
        var event = try codec.decode(PreSignUpEvent.self, from: event, triggerSources: PreSignUp.triggerSources)
        let decision = PreSignUp.decide(triggerSource: event.triggerSource, event.request, policy: policy)
        switch decision {
        case .passThrough:
            context.logger.info("sign-up passed through", ["triggerSource": .string(event.triggerSource)])
            // Cognito's own response, as it sent it: nothing confirmed or verified here.
            event.response = try codec.response(PreSignUpResponse.self, of: original)
            return try codec.answer(original, event)
        case .accept(let response, let channels):
            event.response = response
            context.logger.info(
                "sign-up accepted",
                [
                    "triggerSource": .string(event.triggerSource),
                    "channels": .string(channels.map(\.rawValue).joined(separator: ",")),
                ])
            context.logger.emit([Metric("SignUpsAccepted")], dimensions: ["Function": Self.logName])
            return try codec.answer(original, event)
        case .refuse(let refusal):
            context.logger.info(
                "sign-up refused", ["triggerSource": .string(event.triggerSource), "reason": .string(refusal.rawValue)])
            context.logger.emit([Metric("SignUpsRefused")], dimensions: ["Function": Self.logName])
            throw PasswordlessError.signUpRefused(refusal)
        }
    }
}
