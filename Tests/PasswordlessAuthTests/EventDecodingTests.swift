import FoundationEssentials
import Testing
@testable import PasswordlessAuth

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

        @Test("the SMS retry fixture carries the earlier round and its metadata")
        func sessionContents() throws {
            let event = try Fixtures.create("create-retry-after-wrong-code")
            #expect(event.userName == "+15555550123")
            #expect(event.request.userAttributes["phone_number"] == "+15555550123")
            #expect(event.request.session == [
                ChallengeResult(challengeName: "CUSTOM_CHALLENGE", challengeResult: false, challengeMetadata: "OTP:sms:4102444800:482913"),
            ])
            #expect(event.request.clientMetadata == [:])
            #expect(event.request.userNotFound == false)
        }

        @Test("userNotFound and empty userAttributes are read")
        func userNotFound() throws {
            let event = try Fixtures.define("define-user-not-found")
            #expect(event.request.userNotFound)
            #expect(event.request.userAttributes.isEmpty)
            #expect(event.request.session.isEmpty)
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
        static let verifyRequest = #"{"userAttributes":{"sub":"x"},"privateChallengeParameters":{},"challengeAnswer":ANSWER,"userNotFound":false}"#

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
            let text = #"{"userAttributes":{"sub":"x","custom:age":42},"session":[],"userNotFound":false}"#
            #expect(throws: DecodingError.self) { try JSON.decode(DefineAuthChallengeRequest.self, text) }
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
            let session = try JSON.decode([ChallengeResult].self,
                #"[{"challengeName":"SRP_A","challengeResult":true,"challengeMetadata":null},{"challengeName":"CUSTOM_CHALLENGE","challengeResult":false}]"#)
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
            let base = #"{"version":"1","triggerSource":"DefineAuthChallenge_Authentication","region":"r","userPoolId":"p","userName":"u","request":{"session":[]}"#
            let absent = try JSON.decode(DefineAuthChallengeEvent.self, base + "}")
            let null = try JSON.decode(DefineAuthChallengeEvent.self, base + #","response":null}"#)
            #expect(absent.response == DefineAuthChallengeResponse())
            #expect(null.response == DefineAuthChallengeResponse())
            #expect(absent.callerContext == CallerContext())
        }

        @Test("an event without userName fails to decode")
        func userNameRequired() {
            let text = #"{"version":"1","triggerSource":"DefineAuthChallenge_Authentication","region":"r","userPoolId":"p","request":{"session":[]}}"#
            #expect(throws: DecodingError.self) { try JSON.decode(DefineAuthChallengeEvent.self, text) }
        }
    }

    @Suite("Round trips")
    struct RoundTrips {
        /// A member no model knows, with a nested array holding numbers and a null.
        static let injected = JSONValue.object(["a": .array([.number(1), .number(2), .null])])

        static func roundTrip<Event: Codable>(_ tree: JSONValue, as type: Event.Type) throws -> JSONValue {
            let event = try JSONDecoder().decode(type, from: JSON.encode(tree))
            return try JSON.tree(event)
        }

        @Test("every fixture encodes back to the same document", arguments: Fixtures.allNames)
        func fixtureUnchanged(name: String) throws {
            let original = try Fixtures.json(name)
            let again: JSONValue
            switch name.prefix(while: { $0 != "-" }) {
            case "define": again = try Self.roundTrip(original, as: DefineAuthChallengeEvent.self)
            case "create": again = try Self.roundTrip(original, as: CreateAuthChallengeEvent.self)
            default: again = try Self.roundTrip(original, as: VerifyAuthChallengeEvent.self)
            }
            #expect(again == original)
        }

        @Test("unknown members at every level survive a define event round trip")
        func defineUnknownMembers() throws {
            var tree = try Fixtures.json("define-lockout")
            tree["newCognitoField"] = Self.injected
            tree["request"]?["newCognitoField"] = Self.injected
            tree["callerContext"]?["newCognitoField"] = Self.injected
            var session = try #require(tree["request"]?["session"])
            var entry = try #require(session[index: 1])
            entry["newCognitoField"] = Self.injected
            session[index: 1] = entry
            tree["request"]?["session"] = session

            let again = try Self.roundTrip(tree, as: DefineAuthChallengeEvent.self)
            #expect(again["newCognitoField"] == Self.injected)
            #expect(again["request"]?["newCognitoField"] == Self.injected)
            #expect(again["callerContext"]?["newCognitoField"] == Self.injected)
            #expect(again["request"]?["session"]?[index: 1]?["newCognitoField"] == Self.injected)
            #expect(again["request"]?["session"]?[index: 0]?["newCognitoField"] == nil)
            #expect(again == tree)
        }

        @Test("unknown members survive create and verify round trips, including in the response")
        func createVerifyUnknownMembers() throws {
            var create = try Fixtures.json("create-retry-after-wrong-code")
            create["newCognitoField"] = Self.injected
            create["request"]?["newCognitoField"] = Self.injected
            create["response"]?["newCognitoField"] = Self.injected
            #expect(try Self.roundTrip(create, as: CreateAuthChallengeEvent.self) == create)

            var verify = try Fixtures.json("verify-wrong-code")
            verify["newCognitoField"] = .string("ünïcode ✓")
            verify["request"]?["newCognitoField"] = Self.injected
            verify["callerContext"]?["newCognitoField"] = .object(["b": .bool(false), "c": .number(1.5)])
            #expect(try Self.roundTrip(verify, as: VerifyAuthChallengeEvent.self) == verify)
        }

        @Test("the unknown member keeps its numbers as numbers, not booleans")
        func unknownNumbersStayNumbers() throws {
            var tree = try Fixtures.json("define-first-round")
            tree["newCognitoField"] = Self.injected
            let event = try JSONDecoder().decode(DefineAuthChallengeEvent.self, from: JSON.encode(tree))
            #expect(event.unknown["newCognitoField"] == Self.injected)
            let text = String(decoding: try JSON.encode(event), as: UTF8.self)
            #expect(text.contains(#""newCognitoField":{"a":[1,2,null]}"#))
        }

        @Test("a filled-in response is written into the event")
        func filledResponse() throws {
            var event = try Fixtures.define("define-first-round")
            event.response = DefineAuthChallengeResponse(challengeName: "CUSTOM_CHALLENGE", issueTokens: false, failAuthentication: false)
            let tree = try JSON.tree(event)
            #expect(tree["response"] == .object([
                "challengeName": .string("CUSTOM_CHALLENGE"), "issueTokens": .bool(false), "failAuthentication": .bool(false),
            ]))
        }
    }

    @Suite("Null for unset response members")
    struct NullResponses {
        @Test("define response")
        func define() throws {
            #expect(try JSON.tree(DefineAuthChallengeResponse()) == .object([
                "challengeName": .null, "issueTokens": .null, "failAuthentication": .null,
            ]))
            // A final answer has no next challenge: that member is null, not missing.
            let done = DefineAuthChallengeResponse(challengeName: nil, issueTokens: true, failAuthentication: false)
            #expect(try JSON.tree(done)["challengeName"] == .null)
        }

        @Test("create response")
        func create() throws {
            #expect(try JSON.tree(CreateAuthChallengeResponse()) == .object([
                "publicChallengeParameters": .null, "privateChallengeParameters": .null, "challengeMetadata": .null,
            ]))
        }

        @Test("verify response")
        func verify() throws {
            #expect(try JSON.tree(VerifyAuthChallengeResponse()) == .object(["answerCorrect": .null]))
            #expect(try JSON.tree(VerifyAuthChallengeResponse(answerCorrect: false)) == .object(["answerCorrect": .bool(false)]))
        }

        @Test("a session entry without metadata writes challengeMetadata as null")
        func sessionEntry() throws {
            let entry = ChallengeResult(challengeName: "SRP_A", challengeResult: true)
            #expect(try JSON.tree(entry) == .object([
                "challengeName": .string("SRP_A"), "challengeResult": .bool(true), "challengeMetadata": .null,
            ]))
        }
    }
}
