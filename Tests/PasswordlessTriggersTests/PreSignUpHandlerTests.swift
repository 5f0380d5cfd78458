import Foundation
import Testing

@testable import LambdaRuntime
@testable import PasswordlessAuth
@testable import PasswordlessTriggers
@testable import TestSupport

@Suite("pre-sign-up handler on the sample events")
struct PreSignUpHandlerTests {
    static let firstSignIn: SignUpPolicy = {
        var policy = SignUpPolicy()
        policy.requireVerified = .firstSignIn
        return policy
    }()

    @Test("a phone sign-up is confirmed; the answer is the event with only response changed")
    func confirmsPhone() throws {
        let sink = MemorySink()
        let input = try SampleEvents.bytes("pre-sign-up-phone.json")
        var output = try jsonObject(try PreSignUpHandler(policy: Self.firstSignIn).handle(input, context: testContext(sink)))
        let response = try #require(output["response"] as? [String: Any])
        #expect(response["autoConfirmUser"] as? Bool == true)
        #expect(response["autoVerifyPhone"] as? Bool == false)
        #expect(response["autoVerifyEmail"] as? Bool == false)
        var original = try jsonObject(input)
        output["response"] = nil
        original["response"] = nil
        #expect(NSDictionary(dictionary: output) == NSDictionary(dictionary: original))
        #expect(sink.lines.contains { $0.contains("\"sign-up accepted\"") && $0.contains("\"channels\":\"sms\"") })
        #expect(!sink.lines.joined().contains("+15555550123"))
    }

    @Test("an external provider's event comes back as it came, its response included")
    func passesThrough() throws {
        var input = try jsonObject(try SampleEvents.bytes("pre-sign-up-external-provider.json"))
        // Whatever Cognito put in the response stays: here a value pre-sign-up itself never sets.
        input["response"] = ["autoConfirmUser": true, "autoVerifyEmail": true, "autoVerifyPhone": false]
        let bytes = [UInt8](try JSONSerialization.data(withJSONObject: input))
        let output = try jsonObject(try PreSignUpHandler(policy: Self.firstSignIn).handle(bytes, context: testContext()))
        #expect(NSDictionary(dictionary: output) == NSDictionary(dictionary: input))
    }

    @Test("a phone and an email together are refused under first-sign-in with a fixed sentence")
    func refusesTwo() throws {
        let sink = MemorySink()
        let input = try SampleEvents.bytes("pre-sign-up-phone-and-email.json")
        let error = #expect(throws: PasswordlessError.self) {
            try PreSignUpHandler(policy: Self.firstSignIn).handle(input, context: testContext(sink))
        }
        let report = ErrorReport(try #require(error))
        #expect(report.errorType == "SignUpRefused")
        #expect(report.errorMessage == PreSignUp.Refusal.twoDestinations.sentence)
        #expect(!report.errorMessage.contains("mallory") && !report.errorMessage.contains("5555550123"))
        #expect(sink.lines.contains { $0.contains("\"reason\":\"more than one destination\"") })
        #expect(!sink.lines.joined().contains("mallory@example.net"))
    }

    @Test("an event of another trigger, or of the wrong shape, is an invalid event")
    func invalid() throws {
        let handler = PreSignUpHandler(policy: SignUpPolicy())
        for input in [try SampleEvents.bytes("verify-correct-code.json"), Array(#"{"version":"1"}"#.utf8)] {
            let error = #expect(throws: TriggerError.self) { try handler.handle(input, context: testContext()) }
            #expect(error?.errorType == "InvalidEvent")
        }
    }
}

/// Records what it was asked to mark, or fails like a denied call.
final class RecordingMarker: VerificationMarker, @unchecked Sendable {
    var marked: [(FirstSignInVerification.Target, pool: String, user: String)] = []
    var fails = false

    func markVerified(
        _ target: FirstSignInVerification.Target, userPoolID: String, userName: String, deadlineEpochMs: Int64
    ) throws(TriggerError) {
        if fails {
            throw .markingFailed(DeliveryFailure(kind: .rejected, awsErrorCode: "AccessDenied", detail: "Cognito failed: AccessDenied"))
        }
        marked.append((target, userPoolID, userName))
    }
}

@Suite("verify marks the first right code's destination")
struct VerifyMarkingTests {
    func verify(_ marker: RecordingMarker?, answer: String? = nil, sink: MemorySink = MemorySink()) throws -> Bool? {
        var event = try jsonObject(try SampleEvents.bytes("verify-first-sign-in.json"))
        if let answer {
            var request = try #require(event["request"] as? [String: Any])
            request["challengeAnswer"] = answer
            event["request"] = request
        }
        let handler = VerifyHandler(clock: FixedClock(seconds: Sample.now), marker: marker)
        let output = try handler.handle([UInt8](try JSONSerialization.data(withJSONObject: event)), context: testContext(sink))
        return (try jsonObject(output)["response"] as? [String: Any])?["answerCorrect"] as? Bool
    }

    func metrics(_ sink: MemorySink) -> Set<String> {
        Set(sink.lines.flatMap { EMFDocument.values((try? jsonObject(Array($0.utf8))) ?? [:]).keys })
    }

    @Test("a right code marks exactly the noted attribute of the event's user in the event's pool")
    func marks() throws {
        let marker = RecordingMarker()
        let sink = MemorySink()
        #expect(try verify(marker, sink: sink) == true)
        try #require(marker.marked.count == 1)
        #expect(marker.marked[0].0.verifiedAttribute == "phone_number_verified")
        #expect(marker.marked[0].pool == "us-east-1_Ex4mpLe1")
        #expect(marker.marked[0].user == "7d1e4f6a-3b2c-4a5d-8e9f-0a1b2c3d4e5f")
        #expect(metrics(sink).contains("DestinationsVerified"))
        #expect(!sink.lines.joined().contains("+15555550123"))
    }

    @Test("a wrong code marks nothing")
    func wrongCode() throws {
        let marker = RecordingMarker()
        #expect(try verify(marker, answer: "000000") == false)
        #expect(marker.marked.isEmpty)
    }

    @Test("a failed marking is logged and counted, and the answer is still right", arguments: [true, false])
    func failure(hasMarker: Bool) throws {
        let marker = RecordingMarker()
        marker.fails = true
        let sink = MemorySink()
        #expect(try verify(hasMarker ? marker : nil, sink: sink) == true)
        #expect(metrics(sink).contains("VerificationFailures"))
        let line = try #require(sink.lines.first { $0.contains("destination not marked verified") })
        #expect(line.contains("\"destination\":\"+*******0123\""))
        #expect(!sink.lines.joined().contains("+15555550123"))
    }
}
