import Foundation
import Testing

@testable import AWSClients
@testable import LambdaRuntime
@testable import MotoSupport
@testable import PasswordlessAWS
@testable import PasswordlessAuth
@testable import PasswordlessTriggers
@testable import Settings
@testable import TestSupport

// In the limit store's suite, which runs its tests one at a time: some of them make the proxy answer writes as
// conflicting, which must not reach these.
extension LimitStoreTests {
    static func brake(_ callingCode: String, minSent: Int, weight: Int, offset: Int = 0) -> LimitCounter {
        LimitCounter(
            kind: .smsConversion, identity: callingCode, limit: minSent, windowSeconds: 3_600, balanceWeight: weight,
            offsetSeconds: offset)
    }

    @Test("the conversion brake in DynamoDB: judged from its minimum, refused while the balance is above 0, reopened by verified codes")
    func conversionBrake() throws {
        let harness = try #require(MotoHarness.current)
        let store = try Self.store(harness)
        let now = Int64(Date().timeIntervalSince1970)
        let brake = Self.brake(Self.unique("cc"), minSent: 3, weight: 50)
        let send = { try store.consume([brake], now: now, deadlineEpochMs: Self.deadline()) }
        #expect(try (0..<4).map { _ in try send() }.map { $0 == .allowed } == [true, true, true, false])
        guard case .denied(.smsConversion, let retry)? = try? send() else {
            Issue.record("the brake did not refuse")
            return
        }
        #expect((1...3_600).contains(retry))
        let key = store.key(for: brake, now: now)
        #expect(try Self.item(key, harness)?.number("n") == 3)
        #expect(try Self.item(key, harness)?.number("b") == 150)
        // Two verified codes: 150 - 200 = -50, so sends go out again until the balance is above 0.
        try store.recordVerified([brake], now: now, deadlineEpochMs: Self.deadline())
        try store.recordVerified([brake], now: now, deadlineEpochMs: Self.deadline())
        #expect(try Self.item(key, harness)?.number("v") == 2)
        #expect(try (0..<3).map { _ in try send() }.map { $0 == .allowed } == [true, true, false])
        #expect(try Self.item(key, harness)?.number("b") == 50)
        #expect(try Self.item(key, harness)?.number("expiresAt") == brake.windowStart(at: now) + 3_600)
        // A plain counter in the same write is not counted when the brake refuses.
        let user = LimitCounter(kind: .user, identity: Self.unique("pumped"), limit: 10, windowSeconds: 900)
        #expect(
            try store.consume([user, brake], now: now, deadlineEpochMs: Self.deadline())
                == .denied(counter: .smsConversion, retryAfterSeconds: retry))
        #expect(try Self.item(store.key(for: user, now: now), harness) == nil)
    }

    @Test("with 60 % of writes conflicting, 30 sends at once to a calling code that nobody answers pass its brake at most its minimum")
    func brakeWithConflicts() throws {
        let harness = try #require(MotoHarness.current)
        try harness.dynamoConflicts(rate: 0.6, seed: 24)
        defer { try? harness.dynamoConflicts(rate: 0) }
        let stores = try (0..<4).map { _ in try Self.proxied(harness) }
        let callingCode = Self.unique("cc")
        let counters = { @Sendable (index: Int) -> [LimitCounter] in
            [
                LimitCounter(kind: .destination, identity: "sms:+44770090\(1000 + index)-\(callingCode)", limit: 5, windowSeconds: 900),
                LimitCounter(kind: .smsPrefix, identity: "+44770090-\(callingCode)", limit: 100, windowSeconds: 3_600),
                Self.brake(callingCode, minSent: 8, weight: 20), Self.brake(callingCode, minSent: 8, weight: 20, offset: 1_800),
            ]
        }
        let now = Int64(Date().timeIntervalSince1970)
        let burst = Self.concurrently(stores, rounds: 30, now: now, deadlineMs: 3_500, counters: counters)
        #expect(burst.failures == [])
        let allowed = burst.decisions.filter { $0 == .allowed }.count
        #expect(allowed <= 8 && allowed >= 4, "\(burst.decisions)")
        let key = stores[0].key(for: Self.brake(callingCode, minSent: 8, weight: 20), now: now)
        #expect(try Self.item(key, harness)?.number("n") == Int64(allowed))
        #expect(try Self.item(key, harness)?.number("b") == Int64(allowed * 20))
        #expect(
            burst.decisions.allSatisfy { decision in
                if case .denied(let kind, _) = decision { return kind == .smsConversion }
                return decision == .allowed || decision == .contended
            })
    }

    @Test(
        "the scripted run against moto: 60 new numbers in three blocks, 180 codes asked, at most 30 SMS; a real user of another calling code signs in"
    )
    func scriptedRun() throws {
        let harness = try #require(MotoHarness.current)
        let environment = harness.motoEnv.merging([
            "RATE_LIMIT_TABLE": harness.info.rateLimitTable, "SMS_ALLOWED_COUNTRIES": "44,33", "OTP_REQUIRE_VERIFIED": "first-sign-in",
            "MAX_SMS_PER_HOUR": "1000",
            // The guard's defaults, which the harness turns off for the other tests.
            "SMS_CONVERSION_MIN_PERCENT": "20", "MAX_SMS_PER_PREFIX_PER_HOUR": "10", "MAX_SMS_PER_CALLING_CODE_PER_HOUR": "100",
        ]) { $1 }
        let settings = SettingsReader(environment)
        let configuration = try PasswordlessConfiguration(settings)
        // A key of this test's own: the brake's items are apart from any other test's calling code 44.
        let store = try DynamoDBLimitStore(settings, hashKey: Self.unique("pumping run key"))
        let sink = MemorySink()
        let create = CreateHandler(
            configuration: configuration, delivery: try AWSCodeDelivery(settings, channels: configuration.channels), limits: store,
            random: try KernelRandom(), pause: { _ in })
        let verify = VerifyHandler(limits: store, policy: configuration.limits)
        let block = String(UInt32.random(in: 100..<999))
        let numbers = PumpingScript.numbers(blocks: ["+44770\(block)0", "+44770\(block)1", "+44770\(block)2"], each: 20)
        let sentBefore = try harness.modelData().sns.SMS.count
        let failures = try PumpingScript.ask(create, numbers: numbers, resends: 2, sink: sink)
        #expect(failures.isEmpty, "\(failures.prefix(3))")
        let sms = try harness.modelData().sns.SMS
        let pumped = sms.filter { numbers.contains($0.phone_number) }.count
        #expect(sms.count - sentBefore == pumped)
        #expect(pumped <= 30 && pumped == 20, "\(pumped) SMS")
        #expect(sink.lines.contains { $0.contains("SMS refused: conversion brake") && $0.contains("\"callingCode\":\"44\"") })
        let phone = "+336\(UInt32.random(in: 10_000_000..<99_999_999))"
        let signedIn = try PumpingScript.signIn(create, verify, phone: phone, sink: sink) {
            let text = try #require(try harness.modelData().sns.SMS.last { $0.phone_number == phone }).message
            return String(text.drop { !$0.isNumber }.prefix { $0.isNumber })
        }
        #expect(signedIn)
        #expect(sink.lines.contains { $0.contains("\"SmsCodesVerified\":1") && $0.contains("\"CallingCode\":\"33\"") })
    }
}
