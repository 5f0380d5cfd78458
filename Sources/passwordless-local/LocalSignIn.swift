import FoundationEssentials
import LambdaRuntime
import PasswordlessAuth
import PasswordlessTriggers
import Platform
import Settings

/// Plays Cognito's part in a sign-in on this machine: define, create, ask for the code, verify, define again.
///
/// It drives the same handlers Lambda runs, through JSON events, with console delivery.
struct LocalSignIn {
    /// The user's attributes, e.g. `phone_number` and `email`.
    var userAttributes: [String: String]
    /// The user name Cognito would pass.
    var userName: String
    /// Pretends the user does not exist.
    var userNotFound = false
    let define: any LambdaHandler
    let create: any LambdaHandler
    let verify: any LambdaHandler
    let prompt: (String) -> String?
    let say: (String) -> Void
    let logger: Logger
    private let decoder = JSONDecoder()
    private let encoder = JSONEncoder()

    /// Creates a sign-in.
    /// - Parameters:
    ///   - userAttributes: the user's attributes.
    ///   - userName: the user name.
    ///   - configuration: the passwordless settings.
    ///   - delivery: where create sends codes; the console by default.
    ///   - random: the codes' randomness.
    ///   - logger: the handlers' logger.
    ///   - prompt: shows a question and reads the answer; nil at end of input.
    ///   - say: prints a line of progress.
    init(
        userAttributes: [String: String], userName: String, configuration: PasswordlessConfiguration,
        delivery: any CodeDelivery = ConsoleDelivery(), random: any RandomSource, logger: Logger,
        prompt: @escaping (String) -> String?, say: @escaping (String) -> Void
    ) {
        self.userAttributes = userAttributes
        self.userName = userName
        define = DefineHandler(configuration: configuration)
        create = CreateHandler(configuration: configuration, delivery: delivery, random: random)
        verify = VerifyHandler()
        self.prompt = prompt
        self.say = say
        self.logger = logger
    }

    /// Runs rounds until define issues tokens (true) or fails the sign-in (false).
    func run() throws -> Bool {
        var session: [ChallengeResult] = []
        var clientMetadata: [String: String]? = nil
        while true {
            let defined = try invoke(
                define,
                DefineAuthChallengeEvent(
                    DefineHandler.triggerSource,
                    request: DefineAuthChallengeRequest(
                        session: session, clientMetadata: clientMetadata, userNotFound: userNotFound),
                    userName: userName))
            let decision = defined.response
            say(
                "define-auth-challenge: challengeName=\(decision.challengeName ?? "null") issueTokens=\(decision.issueTokens ?? false) failAuthentication=\(decision.failAuthentication ?? false)"
            )
            if decision.issueTokens == true {
                say("Signed in: Cognito would now issue tokens.")
                return true
            }
            if decision.failAuthentication == true || decision.challengeName == nil {
                say("Sign-in failed: Cognito would answer NotAuthorizedException.")
                return false
            }
            let created = try invoke(
                create,
                CreateAuthChallengeEvent(
                    CreateHandler.triggerSource,
                    request: CreateAuthChallengeRequest(
                        userAttributes: userAttributes, session: session, clientMetadata: clientMetadata, userNotFound: userNotFound),
                    userName: userName)
            ).response
            let publicParameters = created.publicChallengeParameters ?? [:]
            say(
                "create-auth-challenge: "
                    + publicParameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
            let answer: String
            // Cognito hands each RespondToAuthChallenge's clientMetadata to that round's verify, define and create.
            clientMetadata = nil
            if publicParameters[CreateAuthChallenge.PublicKey.step] == "channel" {
                guard let choice = prompt("Choose a channel (\(publicParameters[CreateAuthChallenge.PublicKey.channels] ?? "")): ") else {
                    return false
                }
                clientMetadata = [CreateAuthChallenge.channelMetadataKey: choice.trimmingWhitespace()]
                answer = "-"
            } else {
                let destination = publicParameters[CreateAuthChallenge.PublicKey.destination] ?? "you"
                guard let typed = prompt("Enter the code sent to \(destination) (or resend, or resend sms|email): ") else {
                    return false
                }
                let words = typed.trimmingWhitespace().lowercased().split(separator: " ")
                if words.first == "resend" {
                    clientMetadata = [ResendRequest.actionKey: ResendRequest.resendAction]
                    if words.count > 1 { clientMetadata?[CreateAuthChallenge.channelMetadataKey] = String(words[1]) }
                    answer = "-"
                } else {
                    answer = typed
                }
            }
            let verified = try invoke(
                verify,
                VerifyAuthChallengeEvent(
                    VerifyHandler.triggerSource,
                    request: VerifyAuthChallengeRequest(
                        privateChallengeParameters: created.privateChallengeParameters ?? [:],
                        challengeAnswer: answer, clientMetadata: clientMetadata, userNotFound: userNotFound),
                    userName: userName))
            let correct = verified.response.answerCorrect == true
            say("verify-auth-challenge: answerCorrect=\(correct)")
            session.append(
                ChallengeResult(
                    challengeName: DefineAuthChallenge.customChallenge, challengeResult: correct,
                    challengeMetadata: created.challengeMetadata))
        }
    }

    /// The part of an answered event the sign-in reads.
    private struct Answered<Response: Decodable>: Decodable {
        var response: Response
    }

    private func invoke<Request, Response>(
        _ handler: any LambdaHandler, _ event: TriggerEvent<Request, Response>
    ) throws -> Answered<Response> {
        var logger = logger
        logger.requestID = "local-sign-in"
        let context = InvocationContext(
            metadata: InvocationMetadata(requestID: "local-sign-in", deadlineEpochMs: SystemClock.nowEpochMilliseconds() + 5_000),
            logger: logger)
        let output = try handler.handle([UInt8](try encoder.encode(event)), context: context)
        return try decoder.decode(Answered<Response>.self, from: Data(output))
    }
}

extension TriggerEvent {
    /// An event as Cognito would send it for a test pool.
    init(_ triggerSource: String, request: Request, userName: String) {
        self.init(
            version: "1", triggerSource: triggerSource, region: "us-east-1", userPoolId: "us-east-1_LOCAL",
            userName: userName, callerContext: CallerContext(awsSdkVersion: "local", clientId: "local"),
            request: request)
    }
}
