import LambdaRuntime
import PasswordlessAuth
import Platform

/// Answers VerifyAuthChallengeResponse events.
package struct VerifyHandler: TriggerHandler {
    package static let functionName = "verify-auth-challenge"
    package static let summary =
        "Cognito VerifyAuthChallengeResponse trigger: checks the code; under first-sign-in, marks its destination verified."
    package static let triggerSource = TriggerSource.verifyAuthChallenge.rawValue
    package static let logName = "verify"
    let clock: any WallClock
    /// Marks a destination verified after the first right code to it; nil where nothing is marked.
    let marker: (any VerificationMarker)?
    /// The shared limits, where a right answer to an SMS code counts for its calling code's conversion brake; nil
    /// where there are none.
    let limits: (any LimitStore)?
    let policy: SendLimitPolicy
    let codec = EventCodec()

    /// - Parameters:
    ///   - clock: the time source, injected for tests.
    ///   - marker: marks destinations verified under `OTP_REQUIRE_VERIFIED=first-sign-in`.
    ///   - limits: the shared limits, to count verified SMS codes for the conversion brake.
    ///   - policy: the limits' settings (the brake's window).
    package init(
        clock: any WallClock = SystemClock(), marker: (any VerificationMarker)? = nil, limits: (any LimitStore)? = nil,
        policy: SendLimitPolicy = SendLimitPolicy()
    ) {
        self.clock = clock
        self.marker = marker
        self.limits = limits
        self.policy = policy
    }

    /// Checks the answer.
    package func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8] {
        let original = event
        var event = try codec.decode(VerifyAuthChallengeEvent.self, from: event, triggerSource: Self.triggerSource)
        let outcome = VerifyAuthChallenge.verify(event.request, now: clock.nowEpochMilliseconds() / 1000)
        event.response = VerifyAuthChallengeResponse(answerCorrect: outcome.isCorrect)
        context.logger.info("answer checked", ["result": .string(outcome.rawValue)])
        if outcome.isCorrect {
            markIfFirstRightCode(event, context: context)
            countConversion(event, context: context)
        }
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

extension VerifyHandler {
    /// A right answer to an SMS code counts as a verified code of its calling code, which keeps the conversion
    /// brake open for real users. A failure is logged; the sign-in goes on.
    func countConversion(_ event: VerifyAuthChallengeEvent, context: InvocationContext) {
        guard let limits, let callingCode = event.request.privateChallengeParameters[CreateAuthChallenge.PrivateKey.callingCode]
        else { return }
        let counters = policy.conversionCounters(callingCode: callingCode)
        guard !counters.isEmpty else { return }
        let deadline = CreateHandler.sendingDeadline(
            context.metadata.deadlineEpochMs, callerWaitingSince: context.callerWaitingSinceEpochMs)
        do {
            try limits.recordVerified(counters, now: clock.nowEpochMilliseconds() / 1000, deadlineEpochMs: deadline)
            context.logger.emit([Metric("SmsCodesVerified")], dimensions: ["Function": Self.logName, "CallingCode": callingCode])
        } catch {
            context.logger.warn(
                "verified SMS code not counted for the conversion brake",
                ["callingCode": .string(callingCode), "error": .string(String(describing: error))])
        }
    }
}
