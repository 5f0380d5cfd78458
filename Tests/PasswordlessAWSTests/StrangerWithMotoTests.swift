import Foundation
import Testing

@testable import LambdaRuntime
@testable import MotoSupport
@testable import PasswordlessAWS
@testable import PasswordlessAuth
@testable import PasswordlessTriggers
@testable import Platform
@testable import Settings
@testable import TestSupport
@testable import passwordless_local

/// create's handler with real sending against moto: resends, decoy timing, and a rejection that quotes the recipient.
@Suite(
    "Resends, timing and failed sends against moto", .serialized, .motoHarness,
    .enabled(if: MotoHarness.enabled, "python3 with moto[server] and boto3 not found; skipped"))
struct StrangerWithMotoTests {
    static func environment(_ extra: [String: String] = [:]) throws -> [String: String] {
        try #require(MotoHarness.current).motoEnv.merging(extra) { $1 }
    }

    static func smsTo(_ phone: String) throws -> [String] {
        try #require(MotoHarness.current).modelData().sns.SMS.filter { $0.phone_number == phone }.map(\.message)
    }

    static func code(in message: String) throws -> String {
        try #require(message.firstMatch(of: /code is (\d{6})/)).1.description
    }

    /// A local sign-in over AWS delivery whose answers come from `answer`, given the SMS sent so far.
    static func signIn(
        phone: String, environment: [String: String], answer: @escaping ([String]) throws -> String?
    ) throws -> (Bool, [String]) {
        try MotoSignIn.run(attributes: SampleEvents.phoneUser(phone), userName: phone, environment: environment) {
            try answer(try smsTo(phone))
        }
    }

    @Test("resend: a new code that works, the old one refused, and the resend is no attempt")
    func resend() throws {
        let phone = "+15555550401"
        // MAX_ATTEMPTS=2: the resend and the old code would be two failures if the resend counted.
        var step = 0
        let (signedIn, lines) = try Self.signIn(phone: phone, environment: try Self.environment(["MAX_ATTEMPTS": "2"])) { sent in
            step += 1
            switch step {
            case 1: return "resend"
            case 2: return try Self.code(in: try #require(sent.first))  // the old code
            default: return try Self.code(in: try #require(sent.last))
            }
        }
        #expect(signedIn, "\(lines)")
        #expect(try Self.smsTo(phone).count == 2)
        #expect(lines.filter { $0 == "verify-auth-challenge: answerCorrect=false" }.count == 2)
    }

    @Test("resend: MAX_RESENDS caps a sign-in with RateLimited")
    func resendCap() throws {
        let phone = "+15555550402"
        let error = #expect(throws: PasswordlessError.self) {
            _ = try Self.signIn(phone: phone, environment: try Self.environment(["MAX_RESENDS": "1"])) { _ in "resend" }
        }
        #expect(error?.errorType == "RateLimited")
        #expect(try Self.smsTo(phone).count == 2, "the first code and one resend")
    }

    @Test("over a few dozen rounds an unknown user's create takes no less than half a real one's")
    func timing() throws {
        let environment = try Self.environment()
        let configuration = try PasswordlessConfiguration(SettingsReader(environment))
        let handler = CreateHandler(
            configuration: configuration, delivery: try AWSCodeDelivery(SettingsReader(environment), channels: configuration.channels),
            random: try KernelRandom())
        var real: [Int64] = []
        var unknown: [Int64] = []
        for round in 0..<24 {
            let realEvent = try SampleEvents.create(
                userName: "timing", attributes: SampleEvents.phoneUser("+1555555\(String(format: "%04d", 500 + round))"))
            let unknownEvent = try SampleEvents.create(userName: "nobody-\(round)@example.com", attributes: nil)
            for (event, times) in [(realEvent, 0), (unknownEvent, 1)] {
                let start = SystemClock.nowEpochMilliseconds()
                _ = try handler.handle(event, context: testContext(deadline: SystemClock.nowEpochMilliseconds() + 5_000))
                let elapsed = SystemClock.nowEpochMilliseconds() - start
                if times == 0 { real.append(elapsed) } else { unknown.append(elapsed) }
            }
        }
        let median = { (values: [Int64]) in values.sorted()[values.count / 2] }
        #expect(median(unknown) * 2 >= median(real), "unknown \(unknown), real \(real)")
    }

    @Test("SES rejects the recipient with its address in the text: the caller and the logs never see the address")
    func rejectionQuotingTheRecipient() throws {
        let harness = try #require(MotoHarness.current)
        try harness.proxyScript("rejected_recipient")
        defer { try? harness.proxyScript("forward") }
        let environment = harness.proxyEnv.merging(["OTP_CHANNELS": "email"]) { $1 }
        let configuration = try PasswordlessConfiguration(SettingsReader(environment))
        let sink = MemorySink()
        let handler = CreateHandler(
            configuration: configuration, delivery: try AWSCodeDelivery(SettingsReader(environment), channels: [.email]),
            random: try KernelRandom())
        let address = "alice.private@example.com"
        let event = try SampleEvents.create(
            userName: "7b9d2c4e", attributes: ["sub": "7b9d2c4e", "email": address, "email_verified": "true"])
        let answer: [UInt8]
        do {
            answer = try handler.handle(event, context: testContext(sink))
        } catch {
            // Whatever reaches Cognito is a fixed sentence.
            #expect(!ErrorReport(error).errorMessage.contains(address))
            #expect(!ErrorReport(error).errorMessage.contains("not verified"))
            answer = []
        }
        // A rejection of this recipient is answered as if sent, so it does not tell a stranger the user exists.
        let response = try #require(try jsonObject(answer)["response"] as? [String: Any])
        #expect((response["publicChallengeParameters"] as? [String: String])?["destination"] == "***@***")
        let failure = try #require(sink.lines.first { $0.contains("code not delivered") })
        #expect(failure.contains("MessageRejected"))
        #expect(failure.contains("5f0c1d2e-0000-4000-8000-00000000abcd"), "the AWS request id is logged")
        #expect(failure.contains("<redacted>") || failure.contains("<address>"), "the quoted address is replaced: \(failure)")
        for line in sink.lines {
            #expect(!line.contains(address), "\(line)")
            #expect(!line.contains("alice.private"), "\(line)")
        }
    }
}
