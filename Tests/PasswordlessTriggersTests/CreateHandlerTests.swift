import Foundation
import Testing

@testable import LambdaRuntime
@testable import PasswordlessAuth
@testable import PasswordlessTriggers
@testable import TestSupport

/// A limit store in memory: answers from a script and records what it was asked.
final class FakeLimitStore: LimitStore, @unchecked Sendable {
    struct Down: Error {}
    var answer: LimitDecision = .allowed
    var fails = false
    var asked: [[LimitCounter]] = []
    var deadlines: [Int64] = []
    func consume(_ counters: [LimitCounter], now: Int64, deadlineEpochMs: Int64) throws -> LimitDecision {
        asked.append(counters)
        deadlines.append(deadlineEpochMs)
        if fails { throw Down() }
        return answer
    }
    var verified: [[LimitCounter]] = []
    func recordVerified(_ counters: [LimitCounter], now: Int64, deadlineEpochMs: Int64) throws {
        if fails { throw Down() }
        verified.append(counters)
    }
}

/// create's handler around the rules: limits, decoy timing, failed sends, metrics.
@Suite("create's handler")
struct CreateHandlerTests {
    final class Pauses: @unchecked Sendable {
        var list: [Int64] = []
    }

    struct Setup {
        let spy = SpyDelivery()
        let store = FakeLimitStore()
        let pauses = Pauses()
        let sink = MemorySink()
        let handler: CreateHandler

        init(onFailure: LimitFailurePolicy = .allow, limits: Bool = true, config: PasswordlessConfiguration = PasswordlessConfiguration()) {
            let pauses = pauses
            handler = CreateHandler(
                configuration: config, delivery: spy, limits: limits ? store : nil, onLimitsFailure: onFailure,
                clock: FixedClock(seconds: Sample.now), random: seededSource(), pause: { pauses.list.append($0) })
        }

        func run(_ name: String, waitingSince: Int64 = Sample.now * 1000) throws -> [UInt8] {
            var context = testContext(sink)
            context.callerWaitingSinceEpochMs = waitingSince
            return try handler.handle(try SampleEvents.bytes(name), context: context)
        }

        var lines: [[String: Any]] { sink.lines.compactMap { try? jsonObject(Array($0.utf8)) } }
        var metrics: [String: Int] {
            lines.reduce(into: [:]) { total, line in EMFDocument.values(line).forEach { total[$0.key, default: 0] += $0.value } }
        }
    }

    @Test("a send counts against the user and the destination first, then goes out")
    func countsThenSends() throws {
        let setup = Setup()
        _ = try setup.run("create-sms-first-round")
        #expect(
            setup.store.asked.map { $0.map(\.kind) } == [
                [.user, .destination, .smsPrefix, .smsCallingCode, .smsConversion, .smsConversion]
            ])
        #expect(setup.store.asked.first?[1].identity == "sms:+15555550123")
        #expect(setup.spy.messages.count == 1)
        #expect(setup.metrics["CodesSent"] == 1)
        for line in setup.sink.lines where line.contains("\"_aws\"") {
            #expect(EMFDocument.problems(line: line) == [], "\(line)")
        }
    }

    @Test("over a limit nothing is sent, and the caller reads the minutes to wait")
    func overLimit() throws {
        let setup = Setup()
        setup.store.answer = .denied(counter: .destination, retryAfterSeconds: 301)
        let error = #expect(throws: TriggerError.self) { try setup.run("create-sms-first-round") }
        #expect(error?.errorType == "RateLimited")
        #expect(error?.description == "Too many codes were asked for. Try again in 6 minutes")
        #expect(setup.spy.messages.isEmpty)
        #expect(setup.metrics["RateLimited"] == 1)
    }

    @Test("an unknown user counts against its user name and the destination it shows, and is refused the same way")
    func decoyCounts() throws {
        let setup = Setup()
        setup.store.answer = .denied(counter: .user, retryAfterSeconds: 60)
        let error = #expect(throws: TriggerError.self) { try setup.run("create-user-not-found") }
        #expect(error?.description == "Too many codes were asked for. Try again in 1 minute")
        #expect(setup.store.asked.map { $0.map(\.kind) } == [[.user, .destination]])
        #expect(setup.store.asked.first?.first?.identity == "mallory@example.net")
        #expect(setup.store.asked.first?.last?.identity.hasPrefix("sms:") == true)
    }

    @Test("when the limits cannot be checked: allow sends and logs an error, deny refuses and sends nothing")
    func storeDown() throws {
        let allow = Setup(onFailure: .allow)
        allow.store.fails = true
        _ = try allow.run("create-sms-first-round")
        #expect(allow.spy.messages.count == 1)
        #expect(allow.lines.contains { $0["level"] as? String == "ERROR" && ($0["message"] as? String)?.contains("shared limits") == true })
        let deny = Setup(onFailure: .deny)
        deny.store.fails = true
        let error = #expect(throws: TriggerError.self) { try deny.run("create-sms-first-round") }
        #expect(error?.errorType == "RateLimited")
        #expect(deny.spy.messages.isEmpty)
    }

    @Test("a retry counts nothing and sends nothing")
    func retryCountsNothing() throws {
        let setup = Setup()
        _ = try setup.run("create-retry-after-wrong-code")
        #expect(setup.store.asked.isEmpty)
        #expect(setup.spy.messages.isEmpty)
        #expect(setup.pauses.list.isEmpty)
    }

    @Test("a decoy code round waits about as long as a send, a decoy retry does not")
    func decoyWaits() throws {
        let setup = Setup()
        _ = try setup.run("create-user-not-found")
        let wait = try #require(setup.pauses.list.first)
        #expect((120...180).contains(wait), "waited \(wait) ms before any real send")
        #expect(setup.metrics["DecoyChallenges"] == 1)
        #expect(setup.spy.messages.isEmpty)
    }

    @Test("the send-time estimate follows real sends from the first one, and an instance's slow first send soon stops counting")
    func estimateFollowsSends() {
        let estimate = SendTimeEstimate()
        #expect(estimate.estimate(.sms) == SendTimeEstimate.initialMilliseconds)
        // The first real send replaces the guess made before any.
        estimate.record(.sms, milliseconds: 12)
        #expect(estimate.estimate(.sms) == 12)
        #expect(estimate.estimate(.email) == SendTimeEstimate.initialMilliseconds)
        // A cold first send (TLS handshake), then fast ones: the median drops it at once.
        let cold = SendTimeEstimate()
        for milliseconds: Int64 in [310, 9, 11] { cold.record(.sms, milliseconds: milliseconds) }
        #expect(cold.estimate(.sms) == 11)
        // Only the last sends count: a slower spell moves it within a window.
        for _ in 0..<SendTimeEstimate.window { cold.record(.sms, milliseconds: 40) }
        #expect(cold.estimate(.sms) == 40)
        for _ in 0..<100 {
            #expect((32...48).contains(cold.sample(.sms)))
        }
    }

    @Test("the wait never runs past Cognito's 5 s, counted from when Cognito started waiting")
    func waitWithinDeadline() throws {
        let setup = Setup()
        // Cognito has been waiting 4.4 s (a cold start): 100 ms are left before the 500 ms margin.
        _ = try setup.run("create-user-not-found", waitingSince: Sample.now * 1000 - 4_400)
        let wait = try #require(setup.pauses.list.first)
        #expect(wait <= 100)
        #expect(CreateHandler.sendingDeadline(9_999_999, callerWaitingSince: 1_000) == 6_000)
        #expect(CreateHandler.sendingDeadline(3_000, callerWaitingSince: 1_000) == 3_000)
    }

    @Test("a transient failure reaches the caller as a fixed sentence; decoys fail as often as real sends lately did")
    func transientFailure() throws {
        let setup = Setup()
        setup.spy.failure = .deliveryFailed(
            DeliveryFailure(
                kind: .transient, awsErrorCode: "Throttling", awsRequestID: "req-9", detail: "SNS Publish failed: Throttling: Rate exceeded"
            ))
        let error = #expect(throws: TriggerError.self) { try setup.run("create-sms-first-round") }
        #expect(error?.description == "The code could not be sent. Try again in a minute")
        #expect(error?.errorType == "DeliveryFailed")
        let logged = try #require(setup.lines.first { $0["message"] as? String == "code not delivered" })
        #expect(logged["awsErrorCode"] as? String == "Throttling")
        #expect(logged["awsRequestId"] as? String == "req-9")
        #expect(logged["destination"] as? String == "+*******0123")
        #expect(setup.metrics["DeliveryFailures"] == 1)
        let echo = #expect(throws: TriggerError.self) { try setup.run("create-user-not-found") }
        #expect(echo?.description == error?.description)
    }

    @Test("a rejection of this recipient is answered as if sent, and logged with the AWS code only")
    func rejection() throws {
        let setup = Setup()
        setup.spy.failure = .deliveryFailed(
            DeliveryFailure(
                kind: .rejected, awsErrorCode: "MessageRejected",
                detail: "SES SendEmail failed: MessageRejected: Email address is not verified."))
        let output = try setup.run("create-email-first-round")
        let response = try #require(try jsonObject(output)["response"] as? [String: Any])
        #expect((response["publicChallengeParameters"] as? [String: String])?["destination"] == "***@***")
        #expect(setup.metrics["DeliveryFailures"] == 1)
        #expect(!setup.sink.lines.joined().contains("alice@example.com"))
        // Unlike a transient failure, it is not echoed to unknown users.
        _ = try setup.run("create-user-not-found")
    }

    @Test("MAX_RESENDS reached: RateLimited, counted in the metrics")
    func resendCap() throws {
        let setup = Setup(config: Sample.config { $0.maxResends = 0 })
        var event = try jsonObject(try SampleEvents.bytes("create-retry-after-wrong-code"))
        var request = try #require(event["request"] as? [String: Any])
        request["clientMetadata"] = ["action": "resend"]
        event["request"] = request
        let bytes = [UInt8](try JSONSerialization.data(withJSONObject: event))
        let error = #expect(throws: PasswordlessError.self) { try setup.handler.handle(bytes, context: testContext(setup.sink)) }
        #expect(error?.errorType == "RateLimited")
        #expect(setup.metrics["RateLimited"] == 1)
        #expect(setup.spy.messages.isEmpty)
    }

    @Test(
        "counters busy until the deadline, or no time to count: RateLimited under allow as under deny, nothing sent",
        arguments: [LimitFailurePolicy.allow, .deny])
    func contended(policy: LimitFailurePolicy) throws {
        let setup = Setup(onFailure: policy)
        setup.store.answer = .contended

        let error = #expect(throws: TriggerError.self) { try setup.run("create-sms-first-round") }
        #expect(error?.errorType == "RateLimited")
        #expect(error?.description == "Too many codes were asked for. Try again in 1 minute")
        #expect(setup.spy.messages.isEmpty)
        #expect(setup.metrics["RateLimited"] == 1)
        #expect(setup.lines.contains { ($0["message"] as? String)?.contains("stayed busy") == true })
        // The store is given the sending deadline less the time kept for the send.
        #expect(setup.store.deadlines == [Sample.now * 1000 + 5_000 - 1_500])
        // A stranger's round meets the same answer.
        let stranger = #expect(throws: TriggerError.self) { try setup.run("create-user-not-found") }
        #expect(stranger == error)
        // No time left to count at all is no table out of reach either: refused, nothing sent.
        let late = Setup(onFailure: policy)
        late.store.answer = .outOfTime
        let lateError = #expect(throws: TriggerError.self) { try late.run("create-sms-first-round") }
        #expect(lateError?.errorType == "RateLimited")
        #expect(late.spy.messages.isEmpty)
    }

    @Test("a failure of the deployment reaches the caller as DeliveryFailed and unknown names fail with it")
    func deploymentFailure() throws {
        let setup = Setup()
        setup.spy.failure = .deliveryFailed(
            DeliveryFailure(kind: .deployment, awsErrorCode: "AccessDenied", detail: "SNS Publish failed: AccessDenied"))
        let error = #expect(throws: TriggerError.self) { try setup.run("create-sms-first-round") }
        #expect(error?.errorType == "DeliveryFailed")
        let logged = try #require(setup.lines.first { $0["message"] as? String == "code not delivered" })
        #expect(logged["failure"] as? String == "deployment")
        #expect(setup.metrics["DeliveryFailures"] == 1)
        let echo = #expect(throws: TriggerError.self) { try setup.run("create-user-not-found") }
        #expect(echo?.description == error?.description)
    }
}

@Suite("How real sends went lately")
struct RecentSendsTests {
    @Test("the failure rate is the share of real sends in the last two minutes that failed")
    func rate() {
        let sends = RecentSends()
        #expect(sends.failureRate(atMs: 1_000_000) == 0)
        sends.record(failed: true, atMs: 1_000_000)
        #expect(sends.failureRate(atMs: 1_000_000) == 1)
        for offset in 1...3 { sends.record(failed: false, atMs: 1_000_000 + Int64(offset)) }
        #expect(sends.failureRate(atMs: 1_000_010) == 0.25)
        // Two minutes on, the failure has left the window; the successes too, a moment later.
        #expect(sends.failureRate(atMs: 1_000_000 + RecentSends.windowMs) == 0)
        #expect(sends.failureRate(atMs: 1_000_010 + RecentSends.windowMs) == 0)
    }

    @Test("rounds that send nothing fail always when every recent send failed, never when none did")
    func extremes() {
        let failing = RecentSends()
        failing.record(failed: true, atMs: 0)
        #expect((0..<100).allSatisfy { _ in failing.shouldFail(atMs: 10) })
        let working = RecentSends()
        working.record(failed: false, atMs: 0)
        #expect((0..<100).allSatisfy { _ in !working.shouldFail(atMs: 10) })
        #expect(!RecentSends().shouldFail(atMs: 10))
    }

    @Test("only the last 64 sends are remembered")
    func capacity() {
        let sends = RecentSends()
        for index in 0..<64 { sends.record(failed: true, atMs: Int64(index)) }
        for index in 64..<128 { sends.record(failed: false, atMs: Int64(index)) }
        #expect(sends.failureRate(atMs: 200) == 0)
    }
}
