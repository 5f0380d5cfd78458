import Foundation
import Testing

@testable import LambdaRuntime
@testable import PasswordlessAuth
@testable import PasswordlessTriggers
@testable import TestSupport

@Suite("Trigger handlers on the sample events")
struct HandlerTests {
    let configuration = PasswordlessConfiguration()

    func define(_ name: String) throws -> [String: Any] {
        let output = try DefineHandler(configuration: configuration).handle(try SampleEvents.bytes(name), context: testContext())
        return try #require(try jsonObject(output)["response"] as? [String: Any])
    }

    @Test(
        "define answers each sample as the rules say",
        arguments: [
            ("define-first-round.json", "CUSTOM_CHALLENGE", false, false),
            ("define-srp-a-opening.json", "CUSTOM_CHALLENGE", false, false),
            ("define-retry-after-wrong-code.json", "CUSTOM_CHALLENGE", false, false),
            ("define-after-channel-choice.json", "CUSTOM_CHALLENGE", false, false),
            ("define-user-not-found.json", "CUSTOM_CHALLENGE", false, false),
            ("define-success.json", nil, true, false),
            ("define-lockout.json", nil, false, true),
            ("define-password-round.json", nil, false, true),
        ] as [(String, String?, Bool, Bool)])
    func defineSamples(name: String, challenge: String?, issueTokens: Bool, fail: Bool) throws {
        let response = try define(name)
        #expect(response["challengeName"] as? String == challenge)
        #expect(challenge != nil || response["challengeName"] is NSNull)
        #expect(response["issueTokens"] as? Bool == issueTokens)
        #expect(response["failAuthentication"] as? Bool == fail)
    }

    @Test("the answer is the same document with only response changed, unknown members kept")
    func keepsTheDocument() throws {
        var input = try jsonObject(try SampleEvents.bytes("define-retry-after-wrong-code.json"))
        input["futureField"] = ["nested": [1, "two", NSNull()]]
        var request = try #require(input["request"] as? [String: Any])
        request["futureRequestField"] = "kept"
        input["request"] = request
        let bytes = [UInt8](try JSONSerialization.data(withJSONObject: input))
        var output = try jsonObject(try DefineHandler(configuration: configuration).handle(bytes, context: testContext()))
        #expect((output["futureField"] as? [String: Any])?["nested"] as? NSArray == [1, "two", NSNull()] as NSArray)
        #expect((output["request"] as? [String: Any])?["futureRequestField"] as? String == "kept")
        output["response"] = nil
        input["response"] = nil
        #expect(NSDictionary(dictionary: output) == NSDictionary(dictionary: input))
    }

    @Test("create sends one SMS on the first round, and the public answer hides the code")
    func createSMS() throws {
        let spy = SpyDelivery()
        let sink = MemorySink()
        let handler = CreateHandler(
            configuration: configuration, delivery: spy, clock: FixedClock(seconds: Sample.now),
            random: GeneratorRandomSource(SplitMix64(seed: 7)))
        let output = try handler.handle(try SampleEvents.bytes("create-sms-first-round.json"), context: testContext(sink, deadline: 42))
        let response = try #require(try jsonObject(output)["response"] as? [String: Any])
        let publicParameters = try #require(response["publicChallengeParameters"] as? [String: String])
        let privateParameters = try #require(response["privateChallengeParameters"] as? [String: String])
        let code = try #require(privateParameters["code"])
        #expect(code.count == 6 && code.allSatisfy(\.isNumber))
        #expect(privateParameters["expiresAt"] == String(Sample.now + 300))
        #expect(publicParameters == ["step": "code", "channel": "sms", "destination": "+**********", "codeLength": "6"])
        #expect(response["challengeMetadata"] as? String == "OTP:sms:\(Sample.now + 300):\(code):0")
        #expect(spy.messages == [.sms(phoneNumber: "+15555550123", text: "Your sign-in code is \(code). It expires in 5 minutes.")])
        #expect(spy.deadlines == [42], "delivery gets the invocation's deadline")
        #expect(!sink.lines.joined().contains(code), "the code is never logged")
        #expect(!sink.lines.joined().contains("+15555550123"), "the full number is never logged")
        #expect(sink.lines.joined().contains("\"destination\":\"+*******0123\""))
    }

    @Test(
        "create sends nothing on a retry, a decoy or a channel choice",
        arguments: [
            ("create-retry-after-wrong-code.json", false),
            ("create-user-not-found.json", false),
            ("create-channel-choice.json", true),
        ])
    func createSendsNothing(name: String, choice: Bool) throws {
        var configuration = configuration
        configuration.channelChoice = choice
        let spy = SpyDelivery()
        let handler = CreateHandler(
            configuration: configuration, delivery: spy, clock: FixedClock(seconds: Sample.now), random: try KernelRandom())
        let output = try handler.handle(try SampleEvents.bytes(name), context: testContext())
        let response = try #require(try jsonObject(output)["response"] as? [String: Any])
        #expect(spy.messages.isEmpty)
        #expect(response["publicChallengeParameters"] is [String: String])
        #expect(response["challengeMetadata"] is String)
    }

    @Test("create after a channel choice sends by the chosen channel")
    func createAfterChoice() throws {
        var configuration = configuration
        configuration.channelChoice = true
        let spy = SpyDelivery()
        let handler = CreateHandler(
            configuration: configuration, delivery: spy, clock: FixedClock(seconds: Sample.now), random: try KernelRandom())
        _ = try handler.handle(try SampleEvents.bytes("create-after-channel-choice.json"), context: testContext())
        guard case .email(let address, _, _, _)? = spy.messages.first else {
            Issue.record("expected one email, got \(spy.messages)")
            return
        }
        #expect(address == "bob@example.org")
        #expect(spy.messages.count == 1)
    }

    @Test("a failed delivery is an invocation error")
    func deliveryFailure() throws {
        let spy = SpyDelivery()
        let failure = DeliveryFailure(kind: .transient, awsErrorCode: "Throttling", detail: "SNS Publish failed: Throttling: Rate exceeded")
        spy.failure = .deliveryFailed(failure)
        let handler = CreateHandler(configuration: configuration, delivery: spy, random: try KernelRandom())
        #expect(throws: TriggerError.deliveryFailed(failure)) {
            try handler.handle(try SampleEvents.bytes("create-email-first-round.json"), context: testContext())
        }
    }

    @Test(
        "verify answers each sample",
        arguments: [
            ("verify-correct-code.json", true), ("verify-wrong-code.json", false),
            ("verify-expired-code.json", false), ("verify-user-not-found.json", false),
        ])
    func verifySamples(name: String, correct: Bool) throws {
        let output = try VerifyHandler(clock: FixedClock(seconds: Sample.now)).handle(try SampleEvents.bytes(name), context: testContext())
        let response = try #require(try jsonObject(output)["response"] as? [String: Any])
        #expect(response["answerCorrect"] as? Bool == correct)
    }

    @Test(
        "an event for another trigger, or of the wrong shape, is a clear InvalidEvent",
        arguments: [
            (
                "create-sms-first-round.json",
                "triggerSource is CreateAuthChallenge_Authentication, expected DefineAuthChallenge_Authentication"
            )
        ])
    func wrongTrigger(name: String, message: String) throws {
        #expect(throws: TriggerError.invalidEvent(message)) {
            try DefineHandler(configuration: configuration).handle(try SampleEvents.bytes(name), context: testContext())
        }
    }

    @Test(
        "malformed events name the problem",
        arguments: [
            ("not json", "invalid event: the event is not valid JSON"),
            ("", "invalid event: the event is not valid JSON"),
            ("[]", "invalid event: the event must be an object"),
            (#"{"version":"1"}"#, "invalid event: triggerSource is missing"),
            (
                #"{"version":"1","triggerSource":"DefineAuthChallenge_Authentication","region":"r","userPoolId":"p","userName":"u","request":{"session":[{"challengeName":"CUSTOM_CHALLENGE","challengeResult":"yes"}]}}"#,
                "invalid event: request.session[0].challengeResult must be true or false"
            ),
            (
                #"{"version":"1","triggerSource":"DefineAuthChallenge_Authentication","region":"r","userPoolId":"p","userName":"u","request":{"clientMetadata":{"channel":3}}}"#,
                "invalid event: request.clientMetadata.channel must be a string"
            ),
            // The decoder reads only the members it needs; the answer repeats the rest, so they are checked too.
            (
                #"{"version":"1","triggerSource":"DefineAuthChallenge_Authentication","region":"r","userPoolId":"p","userName":"u","request":{},"extra":"\u12mb"}"#,
                "invalid event: the event is not valid JSON: control characters or invalid UTF-8 in a string"
            ),
            (
                "{\"version\":\"1\",\"triggerSource\":\"DefineAuthChallenge_Authentication\",\"region\":\"r\",\"userPoolId\":\"p\",\"userName\":\"u\",\"request\":{},\"extra\":\"a\u{1}b\"}",
                "invalid event: the event is not valid JSON: control characters or invalid UTF-8 in a string"
            ),
        ])
    func malformed(text: String, message: String) {
        do {
            _ = try DefineHandler(configuration: configuration).handle(Array(text.utf8), context: testContext())
            Issue.record("expected an error")
        } catch {
            #expect(ErrorReport(error) == ErrorReport(errorType: "InvalidEvent", errorMessage: message))
        }
    }
}
