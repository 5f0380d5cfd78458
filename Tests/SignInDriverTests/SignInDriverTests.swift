import Foundation
import JSON
import LambdaRuntime
import PasswordlessAuth
import Synchronization
import Testing

@testable import CognitoEndpoint
@testable import SignInDriver
@testable import TestSupport
@testable import passwordless_local

/// A stand-in trigger: answers each event by a rule, as a passwordless define, create or verify would, and keeps
/// every event it was sent.
final class ScriptedHandler: LambdaHandler, Sendable {
    let events = Mutex<[JSONValue]>([])
    let rule: @Sendable (JSONValue) throws -> JSONValue

    init(_ rule: @escaping @Sendable (JSONValue) throws -> JSONValue) { self.rule = rule }

    func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8] {
        let parsed = try #require(JSONValue.parse(event))
        events.withLock { $0.append(parsed) }
        guard case .object(var members) = parsed else { return event }
        members["response"] = try rule(parsed)
        return JSONValue.object(members).bytes
    }

    var all: [JSONValue] { events.withLock { $0 } }
}

/// The handler as the endpoint sees a function: bytes in, an answer or the error report its runtime would post.
struct HandlerFunction: Invocable {
    let handler: ScriptedHandler

    func invoke(_ event: [UInt8]) -> TriggerFunction.Answer {
        do {
            return .response(try handler.handle(event, context: testContext()))
        } catch {
            let report = ErrorReport(error)
            return .error(type: report.errorType, message: report.errorMessage)
        }
    }

    func stop() {}
}

struct Boom: Error, CustomStringConvertible {
    var description: String { "boom" }
}

/// Four stand-in triggers: a code, tokens after one right answer; the code is 123456.
struct Script {
    let define = ScriptedHandler { event in
        var passed = false
        if case .array(let rounds)? = event["request"]?["session"] { passed = rounds.last?["challengeResult"]?.bool == true }
        return ["challengeName": "CUSTOM_CHALLENGE", "issueTokens": .bool(passed), "failAuthentication": false]
    }
    let create = ScriptedHandler { event in
        let round = JSONValue.string("CODE-\(event["request"]?["session"]?.arrayCount ?? -1)")
        return [
            "publicChallengeParameters": ["channel": "sms"], "privateChallengeParameters": ["code": "123456"], "challengeMetadata": round,
        ]
    }
    let verify = ScriptedHandler { event in
        ["answerCorrect": .bool(event["request"]?["challengeAnswer"]?.string == "123456")]
    }
    let preSignUp = ScriptedHandler { event in
        guard event["request"]?["userAttributes"]?["email"] != nil else { throw Boom() }
        return ["autoConfirmUser": true, "autoVerifyEmail": false, "autoVerifyPhone": false]
    }

    var inProcess: InProcessTriggers {
        InProcessTriggers(
            define: define, create: create, verify: verify, preSignUp: preSignUp, logger: testContext().logger,
            clock: MovableClock(seconds: 1_800_000_000))
    }

    var functions: Triggers {
        Triggers(functions: [
            .define: HandlerFunction(handler: define), .create: HandlerFunction(handler: create),
            .verify: HandlerFunction(handler: verify), .preSignUp: HandlerFunction(handler: preSignUp),
        ])
    }

    var events: [JSONValue] { define.all + create.all + verify.all + preSignUp.all }
}

let envelope = EventEnvelope(
    region: "us-east-1", userPoolId: "us-east-1_Test", callerContext: CallerContext(awsSdkVersion: "t", clientId: "c"))

/// One sign-in with a wrong code then the right one, and a sign-up; every step the flow reported, and the rounds.
func signIn<Runner: TriggerRunner>(_ runner: Runner) throws -> (steps: [String], rounds: [ChallengeResult], signUp: PreSignUpResponse) {
    let flow = CustomAuthFlow(runner: runner, envelope: envelope)
    let attributes = ["email": "a@example.com", "email_verified": "true", "sub": "u-1"]
    var session = CustomAuthSession(userName: "u-1", userNotFound: false)
    var steps: [String] = []
    steps.append("\(try flow.nextStep(&session, attributes: attributes, clientMetadata: nil))")
    steps.append("\(try flow.answer(&session, "000000", attributes: attributes, clientMetadata: nil))")
    steps.append("\(try flow.nextStep(&session, attributes: attributes, clientMetadata: ["k": "v"]))")
    steps.append("\(try flow.answer(&session, "123456", attributes: attributes, clientMetadata: ["k": "v"]))")
    steps.append("\(try flow.nextStep(&session, attributes: attributes, clientMetadata: ["k": "v"]))")
    let signUp = try flow.signUp(userName: "a@example.com", PreSignUpRequest(userAttributes: ["email": "a@example.com"]))
    return (steps, session.rounds, signUp)
}

@Suite("The sign-in driver through both runners: passwordless-local's handlers and the endpoint's functions")
struct SignInDriverTests {
    @Test("the same events give the same steps, rounds and trigger events in process and through the endpoint's functions")
    func sameRounds() throws {
        let local = Script()
        let endpoint = Script()
        let byLocal = try signIn(local.inProcess)
        let byEndpoint = try signIn(endpoint.functions)
        #expect(
            byLocal.steps == [
                "challenge(publicParameters: [\"channel\": \"sms\"])", "false", "challenge(publicParameters: [\"channel\": \"sms\"])",
                "true", "tokens",
            ])
        #expect(
            byLocal.rounds == [
                ChallengeResult(challengeName: "CUSTOM_CHALLENGE", challengeResult: false, challengeMetadata: "CODE-0"),
                ChallengeResult(challengeName: "CUSTOM_CHALLENGE", challengeResult: true, challengeMetadata: "CODE-1"),
            ])
        #expect(byLocal.signUp == PreSignUpResponse(autoConfirmUser: true))
        #expect(byEndpoint.steps == byLocal.steps && byEndpoint.rounds == byLocal.rounds && byEndpoint.signUp == byLocal.signUp)
        #expect(local.events.count == 8 && local.events == endpoint.events, "3 define, 2 create, 2 verify, 1 pre-sign-up")
    }

    @Test("the events as Cognito sends them: the envelope, define with the attributes, responses null until answered")
    func events() throws {
        let script = Script()
        _ = try signIn(script.functions)
        let opening = try #require(script.define.all.first)
        #expect(opening["triggerSource"] == "DefineAuthChallenge_Authentication" && opening["userPoolId"] == "us-east-1_Test")
        #expect(opening["callerContext"] == ["awsSdkVersion": "t", "clientId": "c"] && opening["version"] == "1")
        #expect(opening["request"]?["userAttributes"]?["sub"] == "u-1" && opening["request"]?["clientMetadata"] == nil)
        #expect(opening["response"] == ["challengeName": .null, "issueTokens": .null, "failAuthentication": .null])
        #expect(script.define.all.last?["request"]?["clientMetadata"] == ["k": "v"])
        #expect(
            script.create.all.first?["response"] == [
                "publicChallengeParameters": .null, "privateChallengeParameters": .null, "challengeMetadata": .null,
            ])
        #expect(script.verify.all.first?["request"]?["clientMetadata"] == JSONValue.object([:]), "verify gets an empty map")
        #expect(script.verify.all.first?["request"]?["privateChallengeParameters"] == ["code": "123456"])
        #expect(script.verify.all.first?["response"] == ["answerCorrect": .null])
        #expect(script.preSignUp.all.first?["triggerSource"] == "PreSignUp_SignUp")
        #expect(script.preSignUp.all.first?["response"] == ["autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false])
    }

    @Test("a trigger that fails is Cognito's sentence, the same through both runners")
    func failure() throws {
        #expect(throws: CustomAuthError.triggerFailed(.preSignUp, type: "Boom", message: "boom")) {
            try Self.refusedSignUp(Script().inProcess)
        }
        #expect(throws: CustomAuthError.triggerFailed(.preSignUp, type: "Boom", message: "boom")) {
            try Self.refusedSignUp(Script().functions)
        }
        #expect(CustomAuthError.triggerFailed(.preSignUp, type: "Boom", message: "boom").description == "PreSignUp failed with error boom.")
    }

    static func refusedSignUp<Runner: TriggerRunner>(_ runner: Runner) throws {
        let flow = CustomAuthFlow(runner: runner, envelope: envelope)
        _ = try flow.signUp(userName: "+15555550100", PreSignUpRequest(userAttributes: ["phone_number": "+15555550100"]))
    }

    @Test("the endpoint's functions: a timeout in Cognito's words, an answer that is no event refused, no pre-sign-up all false")
    func endpointAnswers() throws {
        struct Fixed: Invocable {
            let answer: TriggerFunction.Answer
            func invoke(_ event: [UInt8]) -> TriggerFunction.Answer { answer }
            func stop() {}
        }
        var session = CustomAuthSession(userName: "u", userNotFound: true)
        let late = CustomAuthFlow(runner: Triggers(functions: [.define: Fixed(answer: .timedOut)]), envelope: envelope)
        #expect(
            throws: CustomAuthError.triggerFailed(
                .defineAuthChallenge, type: "Sandbox.Timedout", message: "Task timed out after 5.00 seconds")
        ) {
            try late.nextStep(&session, attributes: [:], clientMetadata: nil)
        }
        let strange = CustomAuthFlow(
            runner: Triggers(functions: [.define: Fixed(answer: .response(Array("[1]".utf8)))]), envelope: envelope)
        #expect(throws: CustomAuthError.invalidResponse(.defineAuthChallenge)) {
            try strange.nextStep(&session, attributes: [:], clientMetadata: nil)
        }
        #expect(
            CustomAuthError.invalidResponse(.defineAuthChallenge).description
                == "DefineAuthChallenge failed with error Invalid lambda response.")
        let none = CustomAuthFlow(runner: Triggers(functions: [:]), envelope: envelope)
        #expect(try none.signUp(userName: "x", PreSignUpRequest(userAttributes: [:])) == PreSignUpResponse(autoConfirmUser: false))
    }

    @Test("an unknown user gets no tokens, whatever define says")
    func unknownUser() throws {
        let yes = ScriptedHandler { _ in ["challengeName": .null, "issueTokens": true, "failAuthentication": false] }
        let flow = CustomAuthFlow(runner: Triggers(functions: [.define: HandlerFunction(handler: yes)]), envelope: envelope)
        var stranger = CustomAuthSession(userName: "u", userNotFound: true)
        #expect(try flow.nextStep(&stranger, attributes: [:], clientMetadata: nil) == .failed)
        var known = CustomAuthSession(userName: "u", userNotFound: false)
        #expect(try flow.nextStep(&known, attributes: [:], clientMetadata: nil) == .tokens)
    }
}

extension JSONValue {
    var arrayCount: Int? { if case .array(let items) = self { items.count } else { nil } }
}
