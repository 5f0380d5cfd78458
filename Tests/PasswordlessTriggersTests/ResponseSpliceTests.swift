import Foundation
import Testing

@testable import PasswordlessAuth
@testable import PasswordlessTriggers
@testable import TestSupport

@Suite("The answer is the event with only response replaced")
struct ResponseSpliceTests {
    func splice(_ document: String, _ response: String = #"{"answerCorrect":true}"#) -> String? {
        ResponseSplice.splice(Array(document.utf8), response: Array(response.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("every other member keeps its exact bytes, at every level")
    func keepsBytes() throws {
        let event = #"""
            { "version": "1", "big": 9007199254740993, "float": 1.50, "callerContext": {"x": [1, null, {"response": 2}]},
              "request": {"clientMetadata": null, "s": "é \u00e9 \"q\" \\", "response": "nested, not replaced"},
              "response": {"answerCorrect": null, "old": true}, "after": [] }
            """#
        let answered = try #require(splice(event))
        #expect(answered == event.replacingOccurrences(of: #"{"answerCorrect": null, "old": true}"#, with: #"{"answerCorrect":true}"#))
    }

    @Test("a missing response is added; an empty object gets its only member")
    func addsResponse() {
        #expect(splice(#"{"a":1}"#) == #"{"a":1,"response":{"answerCorrect":true}}"#)
        #expect(splice(" {  } ") == #" {  "response":{"answerCorrect":true}} "#)
    }

    @Test("a key spelled with escapes is still the response")
    func escapedKey() {
        #expect(splice(#"{"respon\u0073e":null,"b":2}"#) == #"{"respon\u0073e":{"answerCorrect":true},"b":2}"#)
    }

    @Test(
        "the answer parses as JSON and its response is the one written",
        arguments: [
            "define-first-round.json", "create-channel-choice.json", "verify-wrong-code.json",
        ])
    func parses(name: String) throws {
        let answered = try #require(ResponseSplice.splice(try SampleEvents.bytes(name), response: Array(#"{"k":"v ✓"}"#.utf8)))
        let object = try jsonObject(answered)
        #expect(object["response"] as? [String: String] == ["k": "v ✓"])
        var original = try jsonObject(try SampleEvents.bytes(name))
        var copy = object
        original["response"] = nil
        copy["response"] = nil
        #expect(NSDictionary(dictionary: copy) == NSDictionary(dictionary: original))
    }

    @Test(
        "invalid strings the decoder would skip are refused",
        arguments: [
            #"{"a":"\u12mb"}"#, "{\"a\":\"x\u{1}\"}", #"{"a":"\q"}"#, #"{"a":"open}"#, "[1]", "",
        ])
    func refuses(document: String) {
        #expect(splice(document) == nil)
    }

    @Test("invalid UTF-8 is refused")
    func invalidUTF8() {
        let bytes = Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(ResponseSplice.splice(bytes, response: Array("{}".utf8)) == nil)
    }

    @Suite("Response objects")
    struct Responses {
        @Test("define writes every member, null when unset, keys sorted")
        func define() {
            #expect(DefineAuthChallengeResponse().json == #"{"challengeName":null,"failAuthentication":null,"issueTokens":null}"#)
            #expect(
                DefineAuthChallengeResponse(challengeName: nil, issueTokens: true, failAuthentication: false).json
                    == #"{"challengeName":null,"failAuthentication":false,"issueTokens":true}"#)
        }

        @Test("create escapes and sorts its maps, Unicode intact")
        func create() throws {
            let response = CreateAuthChallengeResponse(
                publicChallengeParameters: ["z": "1", "a": "ü \"q\"\n"], privateChallengeParameters: [:], challengeMetadata: "OTP:sms:1:2")
            #expect(
                response.json
                    == #"{"challengeMetadata":"OTP:sms:1:2","privateChallengeParameters":{},"publicChallengeParameters":{"a":"ü \"q\"\n","z":"1"}}"#
            )
            let parsed = try jsonObject(Array(response.json.utf8))
            #expect(parsed["publicChallengeParameters"] as? [String: String] == ["z": "1", "a": "ü \"q\"\n"])
            #expect(
                CreateAuthChallengeResponse().json
                    == #"{"challengeMetadata":null,"privateChallengeParameters":null,"publicChallengeParameters":null}"#)
        }

        @Test("verify")
        func verify() {
            #expect(VerifyAuthChallengeResponse(answerCorrect: false).json == #"{"answerCorrect":false}"#)
            #expect(VerifyAuthChallengeResponse().json == #"{"answerCorrect":null}"#)
        }
    }
}
