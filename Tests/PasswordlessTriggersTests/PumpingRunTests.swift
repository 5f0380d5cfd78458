import Foundation
import Testing

@testable import LambdaRuntime
@testable import PasswordlessAuth
@testable import PasswordlessTriggers
@testable import Settings
@testable import TestSupport

/// The SMS pumping guard through create's and verify's handlers, with the shared limits in memory (the DynamoDB
/// store is run against moto in PasswordlessAWSTests, and the executables through the endpoint).
@Suite("SMS pumping guard: scripted runs in-process")
struct PumpingRunTests {
    struct Setup {
        let spy = SpyDelivery()
        let store = MemoryLimitStore()
        let sink = MemorySink()
        let clock = MovableClock(seconds: Sample.now)
        let create: CreateHandler
        let verify: VerifyHandler

        init(_ environment: [String: String] = [:]) throws {
            let settings = SettingsReader(
                ["SMS_ALLOWED_COUNTRIES": "44,49,33", "OTP_REQUIRE_VERIFIED": "first-sign-in", "MAX_SMS_PER_HOUR": "100000"]
                    .merging(environment) { $1 })
            let configuration = try PasswordlessConfiguration(settings)
            create = CreateHandler(
                configuration: configuration, delivery: spy, limits: store, clock: clock, random: seededSource(), pause: { _ in })
            verify = VerifyHandler(clock: clock, limits: store, policy: configuration.limits)
        }

        func sent(to callingCode: String) -> Int {
            spy.messages.filter { if case .sms(let phone, _) = $0 { phone.hasPrefix("+" + callingCode) } else { false } }.count
        }

        /// The code in the last SMS to `phone`.
        func lastCode(_ phone: String) throws -> String {
            let texts = spy.messages.compactMap { message -> String? in
                if case .sms(let number, let text) = message, number == phone { return text }
                return nil
            }
            let text = try #require(texts.last)
            return String(text.drop { !$0.isNumber }.prefix { $0.isNumber })
        }
    }

    @Test("60 new numbers in three blocks of one calling code, a code and two resends each, never answered: at most 30 SMS")
    func scripted() throws {
        let setup = try Setup()
        let numbers = PumpingScript.numbers(blocks: ["+44770090", "+44770091", "+44770092"], each: 20)
        #expect(Set(numbers.map(PhoneNumber.prefix)).count == 3 && numbers.count == 60)
        let failures = try PumpingScript.ask(setup.create, numbers: numbers, resends: 2, sink: setup.sink)
        // Every one of the 180 rounds was answered as if sent: the guard's refusals tell the caller nothing.
        #expect(failures.isEmpty, "\(failures.prefix(3))")
        let pumped = setup.sent(to: "44")
        #expect(pumped <= 30, "\(pumped) SMS")
        // The brake closes the calling code once 20 codes went out with none verified.
        #expect(pumped == 20)
        let refusals = setup.sink.lines.filter { $0.contains("SMS refused: conversion brake") }
        #expect(!refusals.isEmpty && refusals.allSatisfy { $0.contains("\"callingCode\":\"44\"") })
        #expect(setup.sink.lines.contains { $0.contains("\"SmsPumpingSuspected\":1") && $0.contains("\"CallingCode\":\"44\"") })
        // No code or whole number in the log.
        #expect(!setup.sink.lines.contains { line in numbers.contains { line.contains($0) } })
        // A real user of another calling code gets a code and signs in.
        let phone = "+33612345678"
        #expect(try PumpingScript.signIn(setup.create, setup.verify, phone: phone) { try setup.lastCode(phone) })
        #expect(setup.sent(to: "33") == 1)
    }

    @Test("the brake opens again as real users verify, and after the window has passed")
    func recovers() throws {
        let setup = try Setup(["SMS_CONVERSION_MIN_SENT": "10", "MAX_SMS_PER_PREFIX_PER_HOUR": "1000"])
        let pumped = PumpingScript.numbers(blocks: ["+4477009000"], each: 12)
        _ = try PumpingScript.ask(setup.create, numbers: pumped, resends: 0)
        #expect(setup.sent(to: "44") == 10)
        // Closed now: a real user of that calling code gets no SMS (and cannot tell).
        let real = "+447700800001"
        let before = setup.sent(to: "44")
        _ = try PumpingScript.signIn(setup.create, setup.verify, phone: real) { "000000" }
        #expect(setup.sent(to: "44") == before)
        // Half a window later the older window has ended; the newer one still holds the unanswered sends.
        setup.clock.advance(seconds: 1800)
        _ = try PumpingScript.signIn(setup.create, setup.verify, phone: real) { "000000" }
        #expect(setup.sent(to: "44") == before)
        // A whole window later neither window holds them: a real user is served, and answering keeps it open.
        setup.clock.advance(seconds: 1800)
        for index in 0..<12 {
            let phone = "+44770080\(1000 + index)"
            #expect(try PumpingScript.signIn(setup.create, setup.verify, phone: phone) { try setup.lastCode(phone) })
        }
        #expect(setup.sent(to: "44") == before + 12)
    }

    @Test("hundreds of sign-ups over two calling codes and 20 blocks, with real users of a third answering throughout")
    func larger() throws {
        let setup = try Setup()
        let blocks = (0..<10).map { "+4477009\(100 + $0)" } + (0..<10).map { "+491511\(100 + $0)" }
        let numbers = PumpingScript.numbers(blocks: blocks, each: 20)
        #expect(numbers.count == 400)
        var signedIn = 0
        for (index, chunk) in stride(from: 0, to: numbers.count, by: 40).enumerated() {
            let failures = try PumpingScript.ask(setup.create, numbers: Array(numbers[chunk..<chunk + 40]), resends: 2)
            #expect(failures.isEmpty)
            let phone = "+3361234\(5000 + index)"
            if try PumpingScript.signIn(setup.create, setup.verify, phone: phone, code: { try setup.lastCode(phone) }) { signedIn += 1 }
        }
        // 1,200 codes asked: each calling code's brake closes at 20 unanswered sends.
        #expect(setup.sent(to: "44") == 20 && setup.sent(to: "49") == 20)
        #expect(signedIn == 10 && setup.sent(to: "33") == 10)
    }

    @Test("verify counts a right answer to an SMS code for its calling code, and nothing else")
    func verifyCounts() throws {
        let store = FakeLimitStore()
        let verify = VerifyHandler(clock: FixedClock(seconds: Sample.now), limits: store)
        func run(_ parameters: [String: String], answer: String) throws {
            var event = try jsonObject(try SampleEvents.bytes("verify-correct-code"))
            var request = try #require(event["request"] as? [String: Any])
            request["privateChallengeParameters"] = parameters
            request["challengeAnswer"] = answer
            event["request"] = request
            _ = try verify.handle([UInt8](try JSONSerialization.data(withJSONObject: event)), context: testContext())
        }
        let parameters = ["step": "code", "code": "482913", "expiresAt": "4102444800", "callingCode": "44"]
        try run(parameters, answer: "111111")
        #expect(store.verified.isEmpty)
        try run(parameters.filter { $0.key != "callingCode" }, answer: "482913")
        #expect(store.verified.isEmpty)
        try run(parameters, answer: "482913")
        #expect(store.verified.count == 1)
        #expect(store.verified.first == SendLimitPolicy().conversionCounters(callingCode: "44"))
    }
}
