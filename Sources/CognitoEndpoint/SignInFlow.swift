import JSON
import Platform
import Synchronization

/// A custom-auth sign-in in progress: who, the rounds so far, and the challenge now asked.
struct SignInSession: Sendable {
    var userName: String
    var userNotFound: Bool
    var rounds: [JSONValue] = []
    var privateParameters: JSONValue = .null
    var metadata: JSONValue = .null
}

/// Runs define, create and verify as Cognito does for `CUSTOM_AUTH`, round after round.
struct SignInFlow: Sendable {
    let triggers: Triggers
    let pool: UserPool
    let envelope: EventEnvelope

    /// What define decided, and the next challenge when it asks for one.
    enum Step {
        case challenge(publicParameters: [String: JSONValue])
        case tokens
    }

    /// Runs define and, when it asks for a challenge, create; updates `session` with the new challenge.
    func nextStep(_ session: inout SignInSession, clientMetadata: JSONValue?) throws(CognitoError) -> Step {
        let user = session.userNotFound ? nil : pool.find(session.userName)
        let attributes = JSONValue.object((user?.eventAttributes(aliases: pool.signInWithDestination) ?? [:]).mapValues { .string($0) })
        var common: [String: JSONValue] = [
            "userAttributes": attributes, "session": .array(session.rounds), "userNotFound": .bool(session.userNotFound),
        ]
        // Cognito passes RespondToAuthChallenge's ClientMetadata to define and create; InitiateAuth's to neither.
        if let clientMetadata { common["clientMetadata"] = clientMetadata }
        let defined = try triggers.run(
            .define,
            envelope.event(
                .define, userName: session.userName, request: .object(common),
                response: ["challengeName": .null, "issueTokens": .null, "failAuthentication": .null]))
        let decision = defined["response"]
        if decision?["issueTokens"]?.bool == true, !session.userNotFound { return .tokens }
        guard decision?["failAuthentication"]?.bool != true, decision?["challengeName"]?.string == "CUSTOM_CHALLENGE" else {
            throw .notAuthorized
        }
        var request = common
        request["challengeName"] = "CUSTOM_CHALLENGE"
        let created = try triggers.run(
            .create,
            envelope.event(
                .create, userName: session.userName, request: .object(request),
                response: ["publicChallengeParameters": .null, "privateChallengeParameters": .null, "challengeMetadata": .null]))
        let response = created["response"]
        session.privateParameters = response?["privateChallengeParameters"] ?? .null
        session.metadata = response?["challengeMetadata"] ?? .null
        var publicParameters = response?["publicChallengeParameters"]?.object ?? [:]
        publicParameters["USERNAME"] = .string(user?.userName ?? session.userName)
        return .challenge(publicParameters: publicParameters)
    }

    /// Runs verify on an answer and adds the round's result to the session.
    func answer(_ session: inout SignInSession, answer: String, clientMetadata: JSONValue?) throws(CognitoError) {
        let user = session.userNotFound ? nil : pool.find(session.userName)
        let request: JSONValue = [
            "userAttributes": .object((user?.eventAttributes(aliases: pool.signInWithDestination) ?? [:]).mapValues { .string($0) }),
            "privateChallengeParameters": session.privateParameters, "challengeAnswer": .string(answer),
            "clientMetadata": clientMetadata ?? [:], "userNotFound": .bool(session.userNotFound),
        ]
        let verified = try triggers.run(
            .verify, envelope.event(.verify, userName: session.userName, request: request, response: ["answerCorrect": .null]))
        let correct = verified["response"]?["answerCorrect"]?.bool == true
        session.rounds.append([
            "challengeName": "CUSTOM_CHALLENGE", "challengeResult": .bool(correct), "challengeMetadata": session.metadata,
        ])
    }
}

/// The envelope Cognito puts around every trigger event.
struct EventEnvelope: Sendable {
    let region: String
    let poolID: String
    let clientID: String

    func event(_ trigger: Triggers.Kind, userName: String, request: JSONValue, response: JSONValue) -> JSONValue {
        [
            "version": "1", "region": .string(region), "userPoolId": .string(poolID), "userName": .string(userName),
            "callerContext": ["awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": .string(clientID)],
            "triggerSource": .string(trigger.triggerSource), "request": request, "response": response,
        ]
    }
}

/// The trigger executables of the pool.
struct Triggers: Sendable {
    enum Kind: String, CaseIterable, Sendable {
        case define = "define-auth-challenge"
        case create = "create-auth-challenge"
        case verify = "verify-auth-challenge"
        case preSignUp = "pre-sign-up"

        var triggerSource: String {
            switch self {
            case .define: "DefineAuthChallenge_Authentication"
            case .create: "CreateAuthChallenge_Authentication"
            case .verify: "VerifyAuthChallengeResponse_Authentication"
            case .preSignUp: "PreSignUp_SignUp"
            }
        }

        /// The trigger's name in Cognito's error messages.
        var cognitoName: String {
            switch self {
            case .define: "DefineAuthChallenge"
            case .create: "CreateAuthChallenge"
            case .verify: "VerifyAuthChallengeResponse"
            case .preSignUp: "PreSignUp"
            }
        }
    }

    let functions: [Kind: any Invocable]

    func stop() { functions.values.forEach { $0.stop() } }

    /// Invokes a trigger; an error, a timeout or an answer that is not JSON is Cognito's
    /// `UserLambdaValidationException`.
    func run(_ kind: Kind, _ event: JSONValue) throws(CognitoError) -> JSONValue {
        guard let function = functions[kind] else { return event }
        let failure = { (text: String) in CognitoError("UserLambdaValidationException", "\(kind.cognitoName) failed with error \(text).") }
        switch function.invoke(event.bytes) {
        case .response(let bytes):
            guard let answer = JSONValue.parse(bytes), answer.object != nil else { throw failure("Invalid lambda response") }
            return answer
        case .error(_, let message): throw failure(message)
        case .timedOut: throw failure("Task timed out after 5.00 seconds")
        }
    }
}
