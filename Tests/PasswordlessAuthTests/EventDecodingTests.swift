import Testing

@testable import PasswordlessAuth

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("Event decoding and encoding")
struct EventDecodingTests {
    @Suite("Sample events")
    struct SampleEvents {
        @Test("define fixtures decode as DefineAuthChallengeEvent", arguments: Fixtures.defineNames)
        func defineFixtures(name: String) throws {
            let event = try Fixtures.define(name)
            #expect(event.triggerSource == "DefineAuthChallenge_Authentication")
            #expect(event.version == "1")
            #expect(event.region == "us-east-1")
            #expect(event.userPoolId == "us-east-1_Ex4mpLe1")
            #expect(event.callerContext.clientId == "4ekv8ta2v6c1lq1cfqbsjbm2n0")
            #expect(event.response == DefineAuthChallengeResponse())
        }

        @Test("create fixtures decode as CreateAuthChallengeEvent", arguments: Fixtures.createNames)
        func createFixtures(name: String) throws {
            let event = try Fixtures.create(name)
            #expect(event.triggerSource == "CreateAuthChallenge_Authentication")
            #expect(event.request.challengeName == "CUSTOM_CHALLENGE")
            #expect(event.response == CreateAuthChallengeResponse())
        }

        @Test("verify fixtures decode as VerifyAuthChallengeEvent", arguments: Fixtures.verifyNames)
        func verifyFixtures(name: String) throws {
            let event = try Fixtures.verify(name)
            #expect(event.triggerSource == "VerifyAuthChallengeResponse_Authentication")
            #expect(!event.request.challengeAnswer.isEmpty)
            #expect(event.response.answerCorrect == nil)
        }

        @Test("a fixture does not decode as the event of another trigger", arguments: Fixtures.allNames)
        func wrongType(name: String) throws {
            // Create needs `challengeName`, verify needs `challengeAnswer`: only the right model accepts each file.
            if !name.hasPrefix("create-") {
                #expect(throws: DecodingError.self) { try Fixtures.create(name) }
            }
            if !name.hasPrefix("verify-") {
                #expect(throws: DecodingError.self) { try Fixtures.verify(name) }
            }
        }

        @Test("pre-sign-up fixtures decode as PreSignUpEvent", arguments: Fixtures.preSignUpNames)
        func preSignUpFixtures(name: String) throws {
            let event = try Fixtures.preSignUp(name)
            #expect(event.triggerSource.hasPrefix("PreSignUp_"))
            #expect(event.request.userAttributes["email"] != nil || event.request.userAttributes["phone_number"] != nil)
            #expect(event.response == PreSignUpResponse(), "the response is the trigger's to write")
        }

        @Test("the first-sign-in verify fixture carries the current attributes and what create noted")
        func firstSignInFixture() throws {
            let event = try Fixtures.verify("verify-first-sign-in")
            #expect(event.request.userAttributes["phone_number_verified"] == "false")
            #expect(FirstSignInVerification.target(of: event.request)?.attribute == "phone_number")
        }

        @Test("the SMS retry fixture carries the earlier round and its metadata")
        func sessionContents() throws {
            let event = try Fixtures.create("create-retry-after-wrong-code")
            #expect(event.userName == "+15555550123")
            #expect(event.request.userAttributes["phone_number"] == "+15555550123")
            #expect(
                event.request.session == [
                    ChallengeResult(
                        challengeName: "CUSTOM_CHALLENGE", challengeResult: false, challengeMetadata: "OTP:sms:4102444800:482913:0")
                ])
            #expect(event.request.clientMetadata == [:])
            #expect(event.request.userNotFound == false)
        }

        @Test("userNotFound and empty userAttributes are read")
        func userNotFound() throws {
            let event = try Fixtures.define("define-user-not-found")
            #expect(event.request.userNotFound)
            #expect(event.request.session.isEmpty)
            #expect(try Fixtures.create("create-user-not-found").request.userAttributes.isEmpty)
        }

        @Test("the verify fixture keeps the answer exactly as sent, whitespace included")
        func verifyAnswer() throws {
            let event = try Fixtures.verify("verify-correct-code")
            #expect(event.request.challengeAnswer == " 482913\n")
            #expect(event.request.privateChallengeParameters == ["step": "code", "code": "482913", "expiresAt": "4102444800"])
        }
    }

    @Suite("Types of members")
    struct MemberTypes {
        static let verifyRequest =
            #"{"userAttributes":{"sub":"x"},"privateChallengeParameters":{},"challengeAnswer":ANSWER,"userNotFound":false}"#

        @Test("challengeAnswer must be a string", arguments: ["482913", "null", "true", "[\"482913\"]"])
        func answerNotString(answer: String) {
            let text = Self.verifyRequest.replacing("ANSWER", with: answer)
            #expect(throws: DecodingError.self) { try JSON.decode(VerifyAuthChallengeRequest.self, text) }
        }

        @Test("challengeAnswer as a string decodes, digits and leading zeros intact")
        func answerString() throws {
            let request = try JSON.decode(VerifyAuthChallengeRequest.self, Self.verifyRequest.replacing("ANSWER", with: #""007123""#))
            #expect(request.challengeAnswer == "007123")
        }

        @Test("a number inside userAttributes fails to decode")
        func numberInAttributes() {
            let text = #"{"userAttributes":{"sub":"x","custom:age":42},"challengeName":"CUSTOM_CHALLENGE","session":[]}"#
            #expect(throws: DecodingError.self) { try JSON.decode(CreateAuthChallengeRequest.self, text) }
        }

        @Test("a boolean inside clientMetadata fails to decode")
        func boolInClientMetadata() {
            let text = #"{"userAttributes":{},"challengeName":"CUSTOM_CHALLENGE","session":[],"clientMetadata":{"channel":true}}"#
            #expect(throws: DecodingError.self) { try JSON.decode(CreateAuthChallengeRequest.self, text) }
        }

        @Test("a number inside privateChallengeParameters fails to decode")
        func numberInPrivateParameters() {
            let text = #"{"privateChallengeParameters":{"code":"482913","expiresAt":4102444800},"challengeAnswer":"482913"}"#
            #expect(throws: DecodingError.self) { try JSON.decode(VerifyAuthChallengeRequest.self, text) }
        }

        @Test("challengeMetadata may be null or absent")
        func metadataNull() throws {
            let session = try JSON.decode(
                [ChallengeResult].self,
                #"[{"challengeName":"SRP_A","challengeResult":true,"challengeMetadata":null},{"challengeName":"CUSTOM_CHALLENGE","challengeResult":false}]"#
            )
            #expect(session.map(\.challengeMetadata) == [nil, nil])
            #expect(session.map(\.challengeName) == ["SRP_A", "CUSTOM_CHALLENGE"])
        }

        @Test("challengeResult must be a boolean")
        func challengeResultNotBool() {
            #expect(throws: DecodingError.self) {
                try JSON.decode(ChallengeResult.self, #"{"challengeName":"CUSTOM_CHALLENGE","challengeResult":"false"}"#)
            }
        }

        @Test("clientMetadata may be absent, and is then nil rather than empty")
        func clientMetadataAbsent() throws {
            let absent = try Fixtures.create("create-sms-first-round")
            #expect(absent.request.clientMetadata == nil)
            let present = try Fixtures.create("create-after-channel-choice")
            #expect(present.request.clientMetadata == ["channel": "email"])
        }

        @Test("missing optional request members take their defaults")
        func requestDefaults() throws {
            let request = try JSON.decode(CreateAuthChallengeRequest.self, #"{"challengeName":"CUSTOM_CHALLENGE"}"#)
            #expect(request.userAttributes.isEmpty)
            #expect(request.session.isEmpty)
            #expect(request.clientMetadata == nil)
            #expect(request.userNotFound == false)
        }

        @Test("an event without response, or with a null one, gets an empty response")
        func responseAbsent() throws {
            let base =
                #"{"version":"1","triggerSource":"DefineAuthChallenge_Authentication","region":"r","userPoolId":"p","userName":"u","request":{"session":[]}"#
            let absent = try JSON.decode(DefineAuthChallengeEvent.self, base + "}")
            let null = try JSON.decode(DefineAuthChallengeEvent.self, base + #","response":null}"#)
            #expect(absent.response == DefineAuthChallengeResponse())
            #expect(null.response == DefineAuthChallengeResponse())
            #expect(absent.callerContext == CallerContext())
        }

        @Test("an event without userName fails to decode")
        func userNameRequired() {
            let text =
                #"{"version":"1","triggerSource":"DefineAuthChallenge_Authentication","region":"r","userPoolId":"p","request":{"session":[]}}"#
            #expect(throws: DecodingError.self) { try JSON.decode(DefineAuthChallengeEvent.self, text) }
        }
    }
}
