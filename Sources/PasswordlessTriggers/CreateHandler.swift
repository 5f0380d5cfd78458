import LambdaRuntime
import PasswordlessAuth
import Platform
import Settings

/// Answers CreateAuthChallenge events: makes the code, and sends it in the round that makes it.
package final class CreateHandler: TriggerHandler {
    package static let functionName = "create-auth-challenge"
    package static let summary = "Cognito CreateAuthChallenge trigger: makes a one-time code and sends it by SMS or email."
    package static let triggerSource = "CreateAuthChallenge_Authentication"
    package static let logName = "create"
    let configuration: PasswordlessConfiguration
    let delivery: any CodeDelivery
    let limits: (any LimitStore)?
    let onLimitsFailure: LimitFailurePolicy
    let clock: any WallClock
    let random: any RandomSource
    let pause: (Int64) -> Void
    let codec = EventCodec()
    let sendTimes = SendTimeEstimate()
    /// When a real send last failed in a way any send could have (an outage, throttling): for a minute after it,
    /// rounds that send nothing fail the same way, so a failure says nothing about whether the user exists.
    private var lastTransientFailureMs: Int64?
    static let failureEchoMs: Int64 = 60_000

    /// - Parameters:
    ///   - configuration: the passwordless settings.
    ///   - delivery: where messages go.
    ///   - limits: the shared send limits, or nil for none.
    ///   - onLimitsFailure: what to do when the limits cannot be checked.
    ///   - clock: the time source, injected for tests.
    ///   - random: the code's randomness, injected for tests.
    ///   - pause: sleeps for the given milliseconds; injected for tests.
    package init(
        configuration: PasswordlessConfiguration, delivery: any CodeDelivery, limits: (any LimitStore)? = nil,
        onLimitsFailure: LimitFailurePolicy = .allow, clock: any WallClock = SystemClock(), random: any RandomSource,
        pause: @escaping (Int64) -> Void = SystemClock.sleep(milliseconds:)
    ) {
        self.configuration = configuration
        self.delivery = delivery
        self.limits = limits
        self.onLimitsFailure = onLimitsFailure
        self.clock = clock
        self.random = random
        self.pause = pause
    }

    /// Makes the challenge; counts it against the shared limits, then sends the code, or for a round that sends
    /// nothing in place of a code, waits about as long as a send takes.
    package func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8] {
        let now = clock.nowEpochMilliseconds()
        let deadline = Self.sendingDeadline(context.metadata.deadlineEpochMs, callerWaitingSince: context.callerWaitingSinceEpochMs)
        let original = event
        var event = try codec.decode(CreateAuthChallengeEvent.self, from: event, triggerSource: Self.triggerSource)
        let logger = context.logger
        let made = Result { () throws(PasswordlessError) in
            try CreateAuthChallenge.create(
                event.request, userName: event.userName, configuration: configuration, now: now / 1000, random: random)
        }
        if case .failure(let error) = made, error == .resendLimitReached {
            logger.warn("resend refused", ["reason": "MAX_RESENDS reached", "maxResends": .int(configuration.maxResends)])
            logger.emit([Metric("RateLimited")], dimensions: ["Function": Self.logName])
        }
        let outcome = try made.get()
        event.response = outcome.response
        let answer = try codec.answer(original, event)
        let channel = LogValue.string(outcome.channel?.rawValue ?? "none")
        let destination = LogValue.string(outcome.maskedDestination ?? "none")
        if let warning = outcome.warning {
            logger.warn(warning, ["channel": channel, "destination": destination])
        }
        try count(outcome, now: now, deadline: deadline, logger: logger)
        let dimensions: KeyValuePairs<String, String> = ["Function": Self.logName, "Channel": outcome.channel?.rawValue ?? "none"]
        if let message = outcome.message, let sent = outcome.channel {
            let before = clock.nowEpochMilliseconds()
            do {
                try delivery.deliver(message, deadlineEpochMs: deadline)
            } catch {
                try failed(error, channel: sent, destination: destination, dimensions: dimensions, logger: logger)
                return answer
            }
            let latency = clock.nowEpochMilliseconds() - before
            sendTimes.record(sent, milliseconds: latency)
            logger.info(
                "code sent",
                ["channel": channel, "destination": destination, "resend": .bool(outcome.isResend), "latencyMs": .int(Int(latency))])
            logger.emit([Metric("CodesSent"), Metric("DeliveryLatency", Int(latency), .milliseconds)], dimensions: dimensions)
        } else if outcome.isDecoy, outcome.kind == .newCode, let shownChannel = outcome.channel {
            // A real user's code would be on its way now: take as long, but never past the deadline.
            let wait = min(sendTimes.sample(shownChannel), deadline - RetryMargin.milliseconds - clock.nowEpochMilliseconds())
            pause(wait)
            logger.info("challenge made without sending", ["round": "decoy", "channel": channel, "destination": destination])
            logger.emit([Metric("DecoyChallenges")], dimensions: dimensions)
            if let failedAt = lastTransientFailureMs, now - failedAt < Self.failureEchoMs {
                throw TriggerError.deliveryFailed(DeliveryFailure(kind: .transient, detail: "echo of a recent failed send"))
            }
        } else {
            logger.info(
                "challenge made without sending",
                ["round": .string(outcome.kind.rawValue), "decoy": .bool(outcome.isDecoy), "channel": channel, "destination": destination])
        }
        return answer
    }

    /// Counts the round against the shared limits; throws `RateLimited` when one is full.
    private func count(_ outcome: CreateAuthChallenge.Outcome, now: Int64, deadline: Int64, logger: Logger) throws {
        guard let limits, !outcome.limitCounters.isEmpty else { return }
        let decision: LimitDecision
        do {
            decision = try limits.consume(outcome.limitCounters, now: now / 1000, deadlineEpochMs: deadline)
        } catch {
            logger.error(
                "shared limits could not be checked",
                ["error": .string(String(describing: error)), "onError": .string("\(onLimitsFailure)")])
            guard onLimitsFailure == .deny else { return }
            logger.emit([Metric("RateLimited")], dimensions: ["Function": Self.logName])
            throw TriggerError.rateLimited(retryAfterMinutes: 1)
        }
        if case .denied(let counter, let retryAfter) = decision {
            logger.warn(
                "send refused by a shared limit",
                [
                    "limit": .string(counter.rawValue), "retryAfterSeconds": .int(retryAfter), "decoy": .bool(outcome.isDecoy),
                    "destination": .string(outcome.maskedDestination ?? "none"),
                ])
            logger.emit([Metric("RateLimited")], dimensions: ["Function": Self.logName])
            throw TriggerError.rateLimited(retryAfterMinutes: (retryAfter + 59) / 60)
        }
    }

    /// Logs and counts a failed send. A transient failure is reported to Cognito with a fixed sentence; a rejection
    /// of this recipient is answered as if sent, since an error only a real user can get would show that the
    /// user exists.
    private func failed(
        _ error: any Error, channel: Channel, destination: LogValue, dimensions: KeyValuePairs<String, String>, logger: Logger
    ) throws {
        let failure =
            (error as? TriggerError)?.deliveryFailure ?? DeliveryFailure(kind: .transient, detail: String(describing: type(of: error)))
        logger.error(
            "code not delivered",
            [
                "channel": .string(channel.rawValue), "destination": destination, "failure": .string(failure.kind.rawValue),
                "awsErrorCode": .string(failure.awsErrorCode ?? "none"), "awsRequestId": .string(failure.awsRequestID ?? "none"),
                "error": .string(failure.detail),
            ])
        logger.emit([Metric("DeliveryFailures")], dimensions: dimensions)
        guard failure.kind == .transient else { return }
        lastTransientFailureMs = clock.nowEpochMilliseconds()
        throw TriggerError.deliveryFailed(failure)
    }
}

extension CreateHandler {
    /// Cognito stops waiting 5 s after it calls a trigger, whatever the function's timeout, and then retries:
    /// a send that ends later only produces a second code.
    static let cognitoWaitMs: Int64 = 5_000

    /// The earlier of the invocation's deadline and Cognito's own 5 s, counted from when Cognito started waiting.
    static func sendingDeadline(_ invocationDeadline: Int64, callerWaitingSince: Int64) -> Int64 {
        min(invocationDeadline, callerWaitingSince + cognitoWaitMs)
    }
}

/// Time kept free before the deadline so the function can still answer Lambda.
enum RetryMargin {
    static let milliseconds: Int64 = 500
}

extension CreateHandler {
    /// Warns once at start-up, under Lambda, about protections a deployment should have: real delivery (console
    /// delivery would put every code in the function's logs), shared limits (`RATE_LIMIT_TABLE`) and a secret for
    /// keyed hashes (`HASH_KEY`).
    package static func warnAboutMissingProtections(
        _ settings: Settings, _ configuration: PasswordlessConfiguration, delivery: DeliveryMode, hasLimits: Bool,
        _ logger: Logger
    ) {
        guard settings.string(RuntimeAPI.addressVariable) != nil else { return }
        if delivery == .console {
            logger.warn("OTP_DELIVERY=console writes codes to standard error; use it for local runs only")
        }
        if !hasLimits {
            logger.warn("RATE_LIMIT_TABLE is not set: codes are sent without shared limits, and anyone can run up the SMS bill")
        }
        if !configuration.hasSecretKey {
            logger.warn("HASH_KEY is not set: the made-up destinations shown for unknown users can be predicted")
        }
    }
}
