import LambdaRuntime
import PasswordlessAuth
import Platform
import Settings

/// Answers CreateAuthChallenge events: makes the code, and sends it in the round that makes it.
package final class CreateHandler: TriggerHandler {
    package static let functionName = "create-auth-challenge"
    package static let summary = "Cognito CreateAuthChallenge trigger: makes a one-time code and sends it by SMS or email."
    package static let triggerSource = TriggerSource.createAuthChallenge.rawValue
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
    /// How real sends went lately: rounds that send nothing fail as often, so a failure says nothing about
    /// whether the user exists.
    let recentSends = RecentSends()

    /// - Parameters:
    ///   - configuration: the passwordless settings.
    ///   - delivery: where messages go.
    ///   - limits: the shared send limits, or nil for none.
    ///   - onLimitsFailure: what to do when the limits cannot be reached.
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

    /// A round: make the challenge, count it against the shared limits, then send the code, or for a round that
    /// sends nothing in place of a code, stand in for the send.
    package func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8] {
        let now = clock.nowEpochMilliseconds()
        let deadline = Self.sendingDeadline(context.metadata.deadlineEpochMs, callerWaitingSince: context.callerWaitingSinceEpochMs)
        let logger = context.logger
        var decoded = try codec.decode(CreateAuthChallengeEvent.self, from: event, triggerSource: Self.triggerSource)
        let outcome = try makeChallenge(decoded, now: now, logger: logger)
        decoded.response = outcome.response
        let answer = try codec.answer(event, decoded)
        let (channel, destination) = Self.shown(outcome)
        if let warning = outcome.warning { logger.warn(warning, ["channel": channel, "destination": destination]) }
        let silentlyRefused = try count(outcome, now: now, deadline: deadline - Self.sendReserveMs, logger: logger)
        if let refusal = silentlyRefused, let sent = outcome.channel {
            holdBack(refusal, channel: sent, outcome, deadline: deadline, logger: logger)
        } else if let message = outcome.message, let sent = outcome.channel {
            try send(message, channel: sent, outcome, deadline: deadline, logger: logger)
        } else if outcome.isDecoy, outcome.kind == .newCode, let shownChannel = outcome.channel {
            try standIn(channel: shownChannel, outcome, deadline: deadline, logger: logger)
        } else {
            logger.info(
                "challenge made without sending",
                ["round": .string(outcome.kind.rawValue), "decoy": .bool(outcome.isDecoy), "channel": channel, "destination": destination])
        }
        return answer
    }

    /// The rules' answer; a refused resend is logged and counted as rate limited.
    private func makeChallenge(_ event: CreateAuthChallengeEvent, now: Int64, logger: Logger) throws -> CreateAuthChallenge.Outcome {
        do {
            return try CreateAuthChallenge.create(
                event.request, userName: event.userName, configuration: configuration, now: now / 1000, random: random)
        } catch {
            if error == .resendLimitReached {
                logger.warn("resend refused", ["reason": "MAX_RESENDS reached", "maxResends": .int(configuration.maxResends)])
                logger.emit([Metric("RateLimited")], dimensions: ["Function": Self.logName])
            }
            throw error
        }
    }

    /// Counts the round against the shared limits; throws `RateLimited` when one is full, or when the counters
    /// stayed busy until the deadline. A full counter of the SMS pumping guard is no error: it returns the kind,
    /// and the round is answered as if sent.
    private func count(
        _ outcome: CreateAuthChallenge.Outcome, now: Int64, deadline: Int64, logger: Logger
    ) throws -> LimitCounter.Kind? {
        guard let limits, !outcome.limitCounters.isEmpty else { return nil }
        let decision: LimitDecision
        do {
            decision = try limits.consume(outcome.limitCounters, now: now / 1000, deadlineEpochMs: deadline)
        } catch {
            logger.error(
                "shared limits could not be checked",
                ["error": .string(String(describing: error)), "onError": .string("\(onLimitsFailure)")])
            guard onLimitsFailure == .deny else { return nil }
            throw refused(logger)
        }
        switch decision {
        case .allowed:
            return nil
        case .denied(let counter, _) where counter.isSilent:
            return counter
        case .denied(let counter, let retryAfter):
            logger.warn(
                "send refused by a shared limit",
                [
                    "limit": .string(counter.rawValue), "retryAfterSeconds": .int(retryAfter), "decoy": .bool(outcome.isDecoy),
                    "destination": Self.shown(outcome).destination,
                ])
            throw refused(logger, retryAfterMinutes: (retryAfter + 59) / 60)
        case .contended:
            logger.warn(
                "send refused: the shared limits stayed busy with concurrent sign-ins until the deadline",
                ["decoy": .bool(outcome.isDecoy), "destination": Self.shown(outcome).destination])
            throw refused(logger)
        case .outOfTime:
            logger.warn(
                "send refused: no time was left to count it before the deadline",
                ["decoy": .bool(outcome.isDecoy), "destination": Self.shown(outcome).destination])
            throw refused(logger)
        }
    }

    private func refused(_ logger: Logger, retryAfterMinutes: Int = 1) -> TriggerError {
        logger.emit([Metric("RateLimited")], dimensions: ["Function": Self.logName])
        return TriggerError.rateLimited(retryAfterMinutes: retryAfterMinutes)
    }

    /// Sends the code; logs and counts the send, or the failure.
    private func send(
        _ message: CreateAuthChallenge.Message, channel: Channel, _ outcome: CreateAuthChallenge.Outcome, deadline: Int64,
        logger: Logger
    ) throws {
        let before = clock.nowEpochMilliseconds()
        do {
            try delivery.deliver(message, deadlineEpochMs: deadline)
        } catch {
            return try failed(error, channel: channel, outcome, logger: logger)
        }
        let latency = clock.nowEpochMilliseconds() - before
        sendTimes.record(channel, milliseconds: latency)
        recentSends.record(failed: false, atMs: before)
        let (channelValue, destination) = Self.shown(outcome)
        logger.info(
            "code sent",
            ["channel": channelValue, "destination": destination, "resend": .bool(outcome.isResend), "latencyMs": .int(Int(latency))])
        logger.emit(
            [Metric("CodesSent"), Metric("DeliveryLatency", Int(latency), .milliseconds)],
            dimensions: ["Function": Self.logName, "Channel": channel.rawValue])
    }

    /// A code the SMS pumping guard held back: logged and counted, and answered after about as long as a send
    /// takes, so the caller sees a round like any other.
    private func holdBack(
        _ counter: LimitCounter.Kind, channel: Channel, _ outcome: CreateAuthChallenge.Outcome, deadline: Int64, logger: Logger
    ) {
        waitAsLongAsASend(channel, deadline: deadline)
        var phone = ""
        if case .sms(let number, _)? = outcome.message { phone = number }
        let callingCode = PhoneNumber.callingCode(phone) ?? "unknown"
        let reason: String =
            switch counter {
            case .smsConversion: "conversion brake"
            case .smsPrefix: "number block limit"
            default: "calling code limit"
            }
        logger.warn(
            "SMS refused: \(reason)",
            ["callingCode": .string(callingCode), "destination": Self.shown(outcome).destination, "limit": .string(counter.rawValue)])
        let metric = counter == .smsConversion ? "SmsPumpingSuspected" : "RateLimited"
        logger.emit([Metric(metric)], dimensions: ["Function": Self.logName, "CallingCode": callingCode])
    }

    /// Waits about as long as a send on `channel` takes lately, never past the deadline (less its margin).
    private func waitAsLongAsASend(_ channel: Channel, deadline: Int64) {
        pause(min(sendTimes.sample(channel), deadline - deadlineMarginMilliseconds - clock.nowEpochMilliseconds()))
    }

    /// Stands in for a send in a round that sends nothing: takes about as long (never past the deadline), and
    /// fails as often as real sends lately did.
    private func standIn(channel: Channel, _ outcome: CreateAuthChallenge.Outcome, deadline: Int64, logger: Logger) throws {
        waitAsLongAsASend(channel, deadline: deadline)
        let (channelValue, destination) = Self.shown(outcome)
        logger.info("challenge made without sending", ["round": "decoy", "channel": channelValue, "destination": destination])
        logger.emit([Metric("DecoyChallenges")], dimensions: ["Function": Self.logName, "Channel": channel.rawValue])
        if recentSends.shouldFail(atMs: clock.nowEpochMilliseconds()) {
            throw TriggerError.deliveryFailed(DeliveryFailure(kind: .transient, detail: "echo of recent failed sends"))
        }
    }

    /// Logs and counts a failed send. A rejection of this recipient is answered as if sent, since an error only an
    /// account can get would show that it exists; any other failure goes back to Cognito as a fixed sentence.
    private func failed(_ error: any Error, channel: Channel, _ outcome: CreateAuthChallenge.Outcome, logger: Logger) throws {
        let failure =
            (error as? TriggerError)?.deliveryFailure ?? DeliveryFailure(kind: .transient, detail: String(describing: type(of: error)))
        logger.error(
            "code not delivered",
            [
                "channel": .string(channel.rawValue), "destination": Self.shown(outcome).destination,
                "failure": .string(failure.kind.rawValue), "awsErrorCode": .string(failure.awsErrorCode ?? "none"),
                "awsRequestId": .string(failure.awsRequestID ?? "none"), "error": .string(failure.detail),
            ])
        logger.emit([Metric("DeliveryFailures")], dimensions: ["Function": Self.logName, "Channel": channel.rawValue])
        recentSends.record(failed: failure.kind != .rejected, atMs: clock.nowEpochMilliseconds())
        guard failure.kind != .rejected else { return }
        throw TriggerError.deliveryFailed(failure)
    }

    /// The round's channel and masked destination, as log values.
    static func shown(_ outcome: CreateAuthChallenge.Outcome) -> (channel: LogValue, destination: LogValue) {
        (.string(outcome.channel?.rawValue ?? "none"), .string(outcome.maskedDestination ?? "none"))
    }
}

extension CreateHandler {
    /// Cognito stops waiting 5 s after it calls a trigger, whatever the function's timeout, and then retries:
    /// a send that ends later only produces a second code.
    static let cognitoWaitMs = TriggerSource.cognitoWaitMilliseconds

    /// The earlier of the invocation's deadline and Cognito's own 5 s, counted from when Cognito started waiting.
    static func sendingDeadline(_ invocationDeadline: Int64, callerWaitingSince: Int64) -> Int64 {
        min(invocationDeadline, callerWaitingSince + cognitoWaitMs)
    }

    /// Time kept for the send after the shared limits: a busy table is waited out until the sending deadline less this.
    static let sendReserveMs: Int64 = 1_500
}

extension CreateHandler {
    /// Checks at start-up, under Lambda, the protections a deployment should have: a secret for keyed hashes
    /// (`HASH_KEY`, required: without it the limit keys can be computed offline), and with a
    /// warning, real delivery (console delivery would put every code in the function's logs) and shared limits
    /// (`RATE_LIMIT_TABLE`).
    package static func checkProtections(
        _ settings: SettingsReader, _ configuration: PasswordlessConfiguration, delivery: DeliveryMode, hasLimits: Bool,
        _ logger: Logger
    ) throws(SettingsError) {
        guard RuntimeAPI.address(settings) != nil else { return }
        try PasswordlessConfiguration.requireHashKey(configuration.hashKey)
        if delivery == .console {
            logger.warn("OTP_DELIVERY=console writes codes to standard error; use it for local runs only")
        }
        if !hasLimits {
            logger.warn("RATE_LIMIT_TABLE is not set: codes are sent without shared limits, and anyone can run up the SMS bill")
        }
    }
}
