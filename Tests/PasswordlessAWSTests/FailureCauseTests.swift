import Foundation
import Testing

@testable import AWSClients
@testable import AWSHTTP
@testable import LambdaRuntime
@testable import MotoSupport
@testable import PasswordlessAWS
@testable import PasswordlessAuth
@testable import PasswordlessTriggers
@testable import Platform
@testable import Settings
@testable import TestSupport

/// Each class of AWS error from a send, answered by the fault proxy in AWS's own error bodies: only a refusal of
/// this recipient is answered as if sent; a failure of the deployment is DeliveryFailed, logged with its code.
@Suite(
    "Failed sends by cause, against moto's fault proxy", .serialized, .motoHarness,
    .enabled(if: MotoHarness.enabled, "python3 with moto[server] and boto3 not found; skipped"))
struct FailureCauseTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var channel: Channel
        var step: String
        var code: String
        var kind: DeliveryFailure.Kind
        var testDescription: String { "\(channel.rawValue) \(code) → \(kind.rawValue)" }
    }

    static let cases: [Case] = [
        Case(channel: .sms, step: "invalid_number", code: "InvalidParameter", kind: .rejected),
        Case(channel: .sms, step: "opted_out", code: "OptedOut", kind: .rejected),
        Case(channel: .sms, step: "denied", code: "AccessDenied", kind: .deployment),
        Case(channel: .sms, step: "authorization", code: "AuthorizationError", kind: .deployment),
        Case(channel: .sms, step: "bad_token", code: "InvalidClientTokenId", kind: .deployment),
        Case(channel: .sms, step: "expired", code: "ExpiredToken", kind: .deployment),
        Case(channel: .sms, step: "throttle", code: "Throttling", kind: .transient),
        Case(channel: .sms, step: "fail500", code: "InternalError", kind: .transient),
        Case(channel: .email, step: "rejected", code: "MessageRejected", kind: .rejected),
        Case(channel: .email, step: "denied", code: "AccessDeniedException", kind: .deployment),
        Case(channel: .email, step: "paused", code: "SendingPausedException", kind: .deployment),
        Case(channel: .email, step: "suspended", code: "AccountSuspendedException", kind: .deployment),
        Case(channel: .email, step: "no_configuration_set", code: "NotFoundException", kind: .deployment),
        Case(channel: .email, step: "signature", code: "SignatureDoesNotMatch", kind: .deployment),
        Case(channel: .email, step: "throttle", code: "TooManyRequestsException", kind: .transient),
    ]

    static func handler(_ environment: [String: String], channel: Channel) throws -> CreateHandler {
        let environment = environment.merging(["OTP_CHANNELS": channel.rawValue]) { $1 }
        let configuration = try PasswordlessConfiguration(SettingsReader(environment))
        return CreateHandler(
            configuration: configuration, delivery: try AWSCodeDelivery(SettingsReader(environment), channels: [channel]),
            random: try KernelRandom(), pause: { _ in })
    }

    static func event(_ channel: Channel) throws -> [UInt8] {
        let attributes =
            channel == .sms
            ? SampleEvents.phoneUser("+15555550160")
            : ["sub": "u-160", "email": "dana.private@example.com", "email_verified": "true"]
        return try SampleEvents.create(userName: "9c4a2f3e-0b1d-4e5f-8a7b-6c5d4e3f2a10", attributes: attributes)
    }

    static func lines(_ sink: MemorySink) -> [[String: Any]] { sink.lines.compactMap { try? jsonObject(Array($0.utf8)) } }

    @Test("each AWS error is sorted by cause: a refusal of this recipient is answered as if sent, the rest fail", arguments: cases)
    func cause(_ test: Case) throws {
        let harness = try #require(MotoHarness.current)
        try harness.proxyScript(test.step)
        defer { try? harness.proxyScript("forward") }
        let handler = try Self.handler(harness.proxyEnv, channel: test.channel)
        let sink = MemorySink()
        let result = Result { try handler.handle(try Self.event(test.channel), context: testContext(sink)) }
        let logged = try #require(Self.lines(sink).first { $0["message"] as? String == "code not delivered" })
        #expect(logged["awsErrorCode"] as? String == test.code)
        #expect(logged["failure"] as? String == test.kind.rawValue)
        let metrics = Self.lines(sink).filter { $0["DeliveryFailures"] != nil }
        #expect(metrics.count == 1, "counted in DeliveryFailures")
        switch (test.kind, result) {
        case (.rejected, .success(let answer)):
            let response = try #require(try jsonObject(answer)["response"] as? [String: Any])
            #expect((response["publicChallengeParameters"] as? [String: String])?["step"] == "code")
        case (.rejected, .failure(let error)):
            Issue.record("a refusal of this recipient failed the round: \(error)")
        case (_, .success):
            Issue.record("a \(test.kind.rawValue) failure was answered as if sent")
        case (_, .failure(let error)):
            let report = ErrorReport(error)
            #expect(report.errorType == "DeliveryFailed")
            #expect(report.errorMessage == "The code could not be sent. Try again in a minute")
        }
        for line in sink.lines {
            #expect(!line.contains("dana.private") && !line.contains("5555550160"), "\(line)")
        }
    }

    @Test("a signature moto itself refuses (a wrong secret key) is a failure of the deployment")
    func wrongSecret() throws {
        let harness = try #require(MotoHarness.current)
        let environment = harness.env(port: harness.info.motoPort, secretAccessKey: String(harness.info.role.secretAccessKey.reversed()))
        let handler = try Self.handler(environment, channel: .sms)
        let sink = MemorySink()
        let error = #expect(throws: TriggerError.self) { try handler.handle(try Self.event(.sms), context: testContext(sink)) }
        #expect(error?.errorType == "DeliveryFailed")
        let logged = try #require(Self.lines(sink).first { $0["message"] as? String == "code not delivered" })
        #expect(logged["failure"] as? String == "deployment", "\(logged)")
    }

    @Test("after a failure of the deployment, unknown names fail as real sends do; after real sends recover, they do not")
    func echo() throws {
        let harness = try #require(MotoHarness.current)
        try harness.proxyScript("denied")
        defer { try? harness.proxyScript("forward") }
        let handler = try Self.handler(harness.proxyEnv, channel: .sms)
        let stranger = try SampleEvents.create(userName: "+15555550161", attributes: nil)
        #expect(throws: TriggerError.self) { try handler.handle(try Self.event(.sms), context: testContext()) }
        let echoed = #expect(throws: TriggerError.self) { try handler.handle(stranger, context: testContext()) }
        #expect(echoed?.errorType == "DeliveryFailed")
        // Real sends work again: one success beside one failure leaves a chance of one half; ten make it 1/11.
        try harness.proxyScript("forward")
        for _ in 0..<10 { _ = try handler.handle(try Self.event(.sms), context: testContext()) }
        #expect(handler.recentSends.failureRate(atMs: SystemClock.nowEpochMilliseconds()) == 1.0 / 11.0)
    }
}
