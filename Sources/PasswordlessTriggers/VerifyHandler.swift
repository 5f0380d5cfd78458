import LambdaRuntime
import PasswordlessAuth
import Platform

/// Answers VerifyAuthChallengeResponse events.
package struct VerifyHandler: TriggerHandler {
    package static let functionName = "verify-auth-challenge"
    package static let summary = "Cognito VerifyAuthChallengeResponse trigger: checks the code."
    package static let triggerSource = "VerifyAuthChallengeResponse_Authentication"
    package static let logName = "verify"
    let clock: any WallClock
    let codec = EventCodec()

    /// - Parameter clock: the time source, injected for tests.
    package init(clock: any WallClock = SystemClock()) { self.clock = clock }

    /// Checks the answer.
    package func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8] {
        let original = event
        var event = try codec.decode(VerifyAuthChallengeEvent.self, from: event, triggerSource: Self.triggerSource)
        let outcome = VerifyAuthChallenge.verify(event.request, now: clock.nowEpochMilliseconds() / 1000)
        event.response = VerifyAuthChallengeResponse(answerCorrect: outcome.isCorrect)
        context.logger.info("answer checked", ["result": .string(outcome.rawValue)])
        // A channel pick and a request for another code are not answers to a code.
        let answeredACode =
            outcome != .resendRequested
            && event.request.privateChallengeParameters[CreateAuthChallenge.PrivateKey.step] != "channel"
        if answeredACode {
            context.logger.emit([Metric(outcome.isCorrect ? "AnswersCorrect" : "AnswersWrong")], dimensions: ["Function": Self.logName])
        }
        return try codec.answer(original, event)
    }
}
