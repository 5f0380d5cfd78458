import LambdaRuntime
import PasswordlessAuth

/// Answers CreateAuthChallenge events: makes the code, and sends it in the round that makes it.
package final class CreateHandler: TriggerHandler {
    package static let functionName = "create-auth-challenge"
    package static let summary = "Cognito CreateAuthChallenge trigger: makes a one-time code and sends it by SMS or email."
    package static let triggerSource = "CreateAuthChallenge_Authentication"
    package static let logName = "create"
    let configuration: PasswordlessConfiguration
    let delivery: any CodeDelivery
    let clock: any WallClock
    let random: any RandomSource
    let codec = EventCodec()

    /// - Parameters:
    ///   - configuration: the passwordless settings.
    ///   - delivery: where messages go.
    ///   - clock: the time source, injected for tests.
    ///   - random: the code's randomness, injected for tests.
    package init(
        configuration: PasswordlessConfiguration, delivery: any CodeDelivery,
        clock: any WallClock = SystemClock(), random: any RandomSource
    ) {
        self.configuration = configuration
        self.delivery = delivery
        self.clock = clock
        self.random = random
    }

    /// Makes the challenge; sends the code only after everything else succeeded.
    package func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8] {
        let start = clock.nowEpochMilliseconds()
        let original = event
        var event = try codec.decode(CreateAuthChallengeEvent.self, from: event, triggerSource: Self.triggerSource)
        let outcome = try CreateAuthChallenge.create(
            event.request, userName: event.userName, configuration: configuration,
            now: start / 1000, random: random)
        event.response = outcome.response
        let answer = try codec.answer(original, event)
        let channel = LogValue.string(outcome.channel?.rawValue ?? "none")
        let destination = LogValue.string(outcome.maskedDestination ?? "none")
        if let warning = outcome.warning {
            context.logger.warn(warning, ["channel": channel, "destination": destination])
        }
        if let message = outcome.message {
            try delivery.deliver(message, deadlineEpochMs: Self.sendingDeadline(context.metadata.deadlineEpochMs, start: start))
            context.logger.info("code sent", ["channel": channel, "destination": destination])
        } else {
            context.logger.info(
                "challenge made without sending",
                [
                    "round": .string(outcome.kind.rawValue), "channel": channel, "destination": destination,
                ])
        }
        return answer
    }
}

extension CreateHandler {
    /// Cognito stops waiting 5 s after it calls a trigger, whatever the function's timeout, and then retries:
    /// a send that ends later only produces a second code.
    static let cognitoWaitMs: Int64 = 5_000

    /// The earlier of the invocation's deadline and Cognito's own 5 s.
    static func sendingDeadline(_ invocationDeadline: Int64, start: Int64) -> Int64 {
        min(invocationDeadline, start + cognitoWaitMs)
    }
}
