import LambdaRuntime
import PasswordlessAuth

/// Answers DefineAuthChallenge events.
public struct DefineHandler: LambdaHandler {
    /// The event's expected `triggerSource`.
    public static let triggerSource = "DefineAuthChallenge_Authentication"
    let configuration: PasswordlessConfiguration
    let codec = EventCodec()

    /// Creates the handler.
    public init(configuration: PasswordlessConfiguration) { self.configuration = configuration }

    /// Decides the next step of the sign-in.
    public func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8] {
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
        return try codec.answer(original, event)
    }
}

/// Answers CreateAuthChallenge events: makes the code, and sends it in the round that makes it.
public final class CreateHandler: LambdaHandler {
    /// The event's expected `triggerSource`.
    public static let triggerSource = "CreateAuthChallenge_Authentication"
    let configuration: PasswordlessConfiguration
    let delivery: any CodeDelivery
    let clock: any WallClock
    let random: any RandomSource
    let codec = EventCodec()

    /// Creates the handler.
    /// - Parameters:
    ///   - configuration: the passwordless settings.
    ///   - delivery: where messages go.
    ///   - clock: the time source, injected for tests.
    ///   - random: the code's randomness, injected for tests.
    public init(
        configuration: PasswordlessConfiguration, delivery: any CodeDelivery,
        clock: any WallClock = SystemClock(), random: any RandomSource
    ) {
        self.configuration = configuration
        self.delivery = delivery
        self.clock = clock
        self.random = random
    }

    /// Makes the challenge; sends the code only after everything else succeeded.
    public func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8] {
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

/// Answers VerifyAuthChallengeResponse events.
public struct VerifyHandler: LambdaHandler {
    /// The event's expected `triggerSource`.
    public static let triggerSource = "VerifyAuthChallengeResponse_Authentication"
    let clock: any WallClock
    let codec = EventCodec()

    /// Creates the handler with a clock, injected for tests.
    public init(clock: any WallClock = SystemClock()) { self.clock = clock }

    /// Checks the answer.
    public func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8] {
        let original = event
        var event = try codec.decode(VerifyAuthChallengeEvent.self, from: event, triggerSource: Self.triggerSource)
        let outcome = VerifyAuthChallenge.verify(event.request, now: clock.nowEpochMilliseconds() / 1000)
        event.response = VerifyAuthChallengeResponse(answerCorrect: outcome.isCorrect)
        context.logger.info("answer checked", ["result": .string(outcome.rawValue)])
        return try codec.answer(original, event)
    }
}

/// The system's wall clock.
public struct SystemClock: WallClock {
    /// Creates the clock.
    public init() {}
    /// Milliseconds since 1970.
    public func nowEpochMilliseconds() -> Int64 { currentEpochMilliseconds() }
}
