import Foundation
import JSON
import Synchronization
import Testing

@testable import CognitoEndpoint

/// The events the endpoint hands its triggers, as Cognito makes them, recorded by stand-in functions that answer as
/// a passwordless define, create and verify would.
@Suite("CognitoService in-process: the trigger events Cognito would send")
struct TriggerEventTests {
    /// Records every event and answers it by a rule.
    final class Recorder: Invocable {
        let events = Mutex<[JSONValue]>([])
        let rule: @Sendable (JSONValue) -> JSONValue

        init(_ rule: @escaping @Sendable (JSONValue) -> JSONValue) { self.rule = rule }

        func invoke(_ event: [UInt8]) -> TriggerFunction.Answer {
            let parsed = JSONValue.parse(event) ?? .null
            events.withLock { $0.append(parsed) }
            return .response(rule(parsed).bytes)
        }

        func stop() {}
        var all: [JSONValue] { events.withLock { $0 } }
    }

    static func responding(_ event: JSONValue, _ response: JSONValue) -> JSONValue {
        guard case .object(var members) = event else { return event }
        members["response"] = response
        return .object(members)
    }

    let define = Recorder { event in
        // A code, then tokens after one right answer; three wrong answers fail.
        var passed = false
        if case .array(let rounds)? = event["request"]?["session"] { passed = rounds.last?["challengeResult"]?.bool == true }
        return responding(event, ["challengeName": "CUSTOM_CHALLENGE", "issueTokens": .bool(passed), "failAuthentication": false])
    }
    let create = Recorder { event in
        responding(
            event,
            [
                "publicChallengeParameters": ["channel": "sms"], "privateChallengeParameters": ["code": "123456"],
                "challengeMetadata": "CODE-1",
            ])
    }
    let verify = Recorder { event in
        responding(event, ["answerCorrect": .bool(event["request"]?["challengeAnswer"]?.string == "123456")])
    }

    func service() throws -> (CognitoService, String) {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("events-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let service = CognitoService(
            options: .init(
                poolID: "us-east-1_LocalPool", clientID: "client1", signUpClientID: "signup1", region: "us-east-1",
                issuerBase: "http://127.0.0.1:1",
                sessionMinutes: 3),
            pool: try UserPool(statePath: state + "/users.json", signInWithDestination: true),
            signer: try TokenSigner(keyPath: state + "/signing-key.pem"),
            triggers: Triggers(functions: [.define: define, .create: create, .verify: verify]))
        return (service, state)
    }

    func call(_ service: CognitoService, _ operation: String, _ input: JSONValue) -> JSONValue {
        var headers = [("X-Amz-Target", "AWSCognitoIdentityProviderService." + operation)]
        if operation.hasPrefix("Admin") { headers.append(("Authorization", "AWS4-HMAC-SHA256 Credential=x")) }
        return JSONValue.parse(service.handle(HTTPRequest(method: "POST", path: "/", headers: headers, body: input.bytes)).body) ?? .null
    }

    @Test("envelope, attributes with sub, status and alias, session rounds, clientMetadata only from RespondToAuthChallenge")
    func events() throws {
        let (service, state) = try service()
        defer { try? FileManager.default.removeItem(atPath: state) }
        let made = call(
            service, "AdminCreateUser",
            [
                "UserPoolId": "us-east-1_LocalPool", "Username": "+15555550100",
                "UserAttributes": [["Name": "phone_number_verified", "Value": "true"]],
            ])
        let userName = try #require(made["User"]?["Username"]?.string)
        let setPassword: JSONValue = [
            "UserPoolId": "us-east-1_LocalPool", "Username": .string(userName), "Password": "Perm4nent!", "Permanent": true,
        ]
        #expect(call(service, "AdminSetUserPassword", setPassword) == [:])
        let first = call(
            service, "InitiateAuth",
            [
                "ClientId": "client1", "AuthFlow": "CUSTOM_AUTH", "AuthParameters": ["USERNAME": "+15555550100"],
                "ClientMetadata": ["from": "initiate"],
            ])
        #expect(first["ChallengeParameters"] == ["channel": "sms", "USERNAME": .string(userName)])
        let opening = try #require(define.all.first)
        #expect(opening["version"] == "1" && opening["region"] == "us-east-1" && opening["userPoolId"] == "us-east-1_LocalPool")
        #expect(opening["userName"]?.string == userName && opening["triggerSource"] == "DefineAuthChallenge_Authentication")
        #expect(opening["callerContext"]?["clientId"] == "client1" && opening["callerContext"]?["awsSdkVersion"] != nil)
        let attributes = try #require(opening["request"]?["userAttributes"])
        #expect(attributes["sub"]?.string == userName && attributes["cognito:user_status"] == "CONFIRMED")
        #expect(attributes["phone_number"] == "+15555550100" && attributes["phone_number_verified"] == "true")
        #expect(attributes["cognito:phone_number_alias"] == "+15555550100")
        #expect(opening["request"]?["session"] == JSONValue.array([]) && opening["request"]?["userNotFound"] == false)
        #expect(opening["request"]?["clientMetadata"] == nil, "InitiateAuth's ClientMetadata goes to no challenge trigger")
        #expect(create.all.first?["request"]?["challengeName"] == "CUSTOM_CHALLENGE")
        #expect(create.all.first?["request"]?["clientMetadata"] == nil)
        #expect(create.all.first?["triggerSource"] == "CreateAuthChallenge_Authentication")

        let session = try #require(first["Session"]?.string)
        let wrong = call(
            service, "RespondToAuthChallenge",
            [
                "ClientId": "client1", "ChallengeName": "CUSTOM_CHALLENGE", "Session": .string(session),
                "ChallengeResponses": ["USERNAME": .string(userName), "ANSWER": "000000"], "ClientMetadata": ["from": "respond"],
            ])
        let checked = try #require(verify.all.first)
        #expect(checked["triggerSource"] == "VerifyAuthChallengeResponse_Authentication")
        #expect(checked["request"]?["privateChallengeParameters"] == ["code": "123456"])
        #expect(checked["request"]?["challengeAnswer"] == "000000" && checked["request"]?["clientMetadata"] == ["from": "respond"])
        let second = try #require(define.all.last)
        #expect(second["request"]?["clientMetadata"] == ["from": "respond"])
        #expect(
            second["request"]?["session"]
                == [["challengeName": "CUSTOM_CHALLENGE", "challengeResult": false, "challengeMetadata": "CODE-1"]])
        #expect(create.all.last?["request"]?["clientMetadata"] == ["from": "respond"])

        let right = call(
            service, "RespondToAuthChallenge",
            [
                "ClientId": "client1", "ChallengeName": "CUSTOM_CHALLENGE", "Session": .string(wrong["Session"]?.string ?? ""),
                "ChallengeResponses": ["USERNAME": .string(userName), "ANSWER": "123456"],
            ])
        #expect(right["AuthenticationResult"]?["IdToken"]?.string != nil)
        #expect(verify.all.last?["request"]?["clientMetadata"] == JSONValue.object([:]), "verify gets an empty map without ClientMetadata")
    }

    @Test("an unknown name: userNotFound, no attributes, the typed name; tokens never, whatever define says")
    func unknownUser() throws {
        let (service, state) = try service()
        defer { try? FileManager.default.removeItem(atPath: state) }
        let first = call(
            service, "InitiateAuth", ["ClientId": "client1", "AuthFlow": "CUSTOM_AUTH", "AuthParameters": ["USERNAME": "+15555550199"]])
        let opening = try #require(define.all.first)
        #expect(opening["userName"] == "+15555550199" && opening["request"]?["userNotFound"] == true)
        #expect(opening["request"]?["userAttributes"] == JSONValue.object([:]))
        #expect(first["ChallengeParameters"]?["USERNAME"] == "+15555550199")
        // The stand-in verify says the right code is right and define then asks for tokens: still no tokens.
        let answered = call(
            service, "RespondToAuthChallenge",
            [
                "ClientId": "client1", "ChallengeName": "CUSTOM_CHALLENGE", "Session": .string(first["Session"]?.string ?? ""),
                "ChallengeResponses": ["USERNAME": "+15555550199", "ANSWER": "123456"],
            ])
        #expect(answered["AuthenticationResult"] == nil)
    }
}
