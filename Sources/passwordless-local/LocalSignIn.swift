import JSON
import LambdaRuntime
import PasswordlessAuth
import PasswordlessTriggers
import Platform
import Settings

/// Plays Cognito's part in a sign-in on this machine: define, create, ask for the code, verify, define again; and
/// before it, for a sign-up, pre-sign-up.
///
/// It drives the same handlers Lambda runs, through JSON events, with console delivery.
struct LocalSignIn {
    /// The user, whose attributes the events carry.
    let user: LocalUser
    /// The user name Cognito would pass.
    var userName: String
    /// Pretends the user does not exist.
    var userNotFound = false
    /// The pool id the events name, which the marker acts on.
    var userPoolID = LocalUser.poolID
    let define: any LambdaHandler
    let create: any LambdaHandler
    let verify: any LambdaHandler
    let preSignUp: any LambdaHandler
    let prompt: (String) -> String?
    let say: (String) -> Void
    let logger: Logger

    /// Creates a sign-in.
    /// - Parameters:
    ///   - user: the user and its attributes.
    ///   - userName: the user name.
    ///   - configuration: the passwordless settings.
    ///   - signUpPolicy: pre-sign-up's settings.
    ///   - delivery: where create sends codes; the console by default.
    ///   - marker: marks a destination verified after the first right code; the local user by default.
    ///   - random: the codes' randomness.
    ///   - logger: the handlers' logger.
    ///   - prompt: shows a question and reads the answer; nil at end of input.
    ///   - say: prints a line of progress.
    init(
        user: LocalUser, userName: String, configuration: PasswordlessConfiguration, signUpPolicy: SignUpPolicy = SignUpPolicy(),
        delivery: any CodeDelivery = ConsoleDelivery(), marker: (any VerificationMarker)? = nil, random: any RandomSource,
        logger: Logger, prompt: @escaping (String) -> String?, say: @escaping (String) -> Void
    ) {
        self.user = user
        self.userName = userName
        define = DefineHandler(configuration: configuration)
        create = CreateHandler(configuration: configuration, delivery: delivery, random: random)
        verify = VerifyHandler(marker: marker ?? user)
        preSignUp = PreSignUpHandler(policy: signUpPolicy)
        self.prompt = prompt
        self.say = say
        self.logger = logger
    }

    /// Runs pre-sign-up on the user's attributes, as Cognito's SignUp would; returns whether it was accepted.
    func signUp() throws -> Bool {
        // What a client's SignUp carries: the destination, not the `sub` or a `*_verified` flag the local user keeps.
        let sent = user.attributes.filter { !$0.key.hasSuffix("_verified") && $0.key != "sub" }
        let event = PreSignUpEvent(PreSignUp.signUp, request: PreSignUpRequest(userAttributes: sent), userName: userName)
        let answered: Answered<PreSignUpResponse>
        do {
            answered = try invoke(preSignUp, event)
        } catch let error as PasswordlessError {
            say("pre-sign-up: refused (\(error.errorType)): \(error.description)")
            say("Sign-up failed: Cognito would answer UserLambdaValidationException: PreSignUp failed with error \(error.description)")
            return false
        }
        let response = answered.response
        say(
            "pre-sign-up: autoConfirmUser=\(response.autoConfirmUser ?? false) autoVerifyEmail=\(response.autoVerifyEmail ?? false) autoVerifyPhone=\(response.autoVerifyPhone ?? false)"
        )
        say("Signed up: \(user.describeDestinations())")
        return response.autoConfirmUser == true
    }

    /// Runs rounds until define issues tokens (true) or fails the sign-in (false).
    func run() throws -> Bool {
        var session: [ChallengeResult] = []
        var clientMetadata: [String: String]? = nil
        while true {
            if let ended = try defineStep(session, clientMetadata) { return ended }
            let created = try invoke(
                create,
                CreateAuthChallengeEvent(
                    CreateHandler.triggerSource,
                    request: CreateAuthChallengeRequest(
                        userAttributes: attributes, session: session, clientMetadata: clientMetadata, userNotFound: userNotFound),
                    userName: userName)
            ).response
            let publicParameters = created.publicChallengeParameters ?? [:]
            say(
                "create-auth-challenge: "
                    + publicParameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
            // Cognito hands each RespondToAuthChallenge's clientMetadata to that round's verify, define and create.
            guard let (answer, metadata) = ask(publicParameters) else { return false }
            clientMetadata = metadata
            let verified = try invoke(
                verify,
                VerifyAuthChallengeEvent(
                    VerifyHandler.triggerSource,
                    request: VerifyAuthChallengeRequest(
                        userAttributes: attributes, privateChallengeParameters: created.privateChallengeParameters ?? [:],
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

    /// The attributes the events carry now; none for an unknown user.
    private var attributes: [String: String] { userNotFound ? [:] : user.attributes }

    /// Runs define; true or false when the sign-in has ended, nil when it goes on.
    private func defineStep(_ session: [ChallengeResult], _ clientMetadata: [String: String]?) throws -> Bool? {
        let defined = try invoke(
            define,
            DefineAuthChallengeEvent(
                DefineHandler.triggerSource,
                request: DefineAuthChallengeRequest(session: session, clientMetadata: clientMetadata, userNotFound: userNotFound),
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
        return nil
    }

    /// Asks for a channel or the code; the answer and the client metadata, or nil at end of input.
    private func ask(_ publicParameters: [String: String]) -> (String, [String: String]?)? {
        if publicParameters[CreateAuthChallenge.PublicKey.step] == "channel" {
            guard let choice = prompt("Choose a channel (\(publicParameters[CreateAuthChallenge.PublicKey.channels] ?? "")): ") else {
                return nil
            }
            return ("-", [CreateAuthChallenge.channelMetadataKey: choice.trimmingWhitespace()])
        }
        let destination = publicParameters[CreateAuthChallenge.PublicKey.destination] ?? "you"
        guard let typed = prompt("Enter the code sent to \(destination) (or resend, or resend sms|email): ") else { return nil }
        let words = typed.trimmingWhitespace().lowercased().split(separator: " ")
        guard words.first == "resend" else { return (typed, nil) }
        var metadata = [ResendRequest.actionKey: ResendRequest.resendAction]
        if words.count > 1 { metadata[CreateAuthChallenge.channelMetadataKey] = String(words[1]) }
        return ("-", metadata)
    }

    /// The part of an answered event the sign-in reads.
    private struct Answered<Response: Decodable>: Decodable {
        var response: Response
    }

    private func invoke<Request, Response>(
        _ handler: any LambdaHandler, _ event: TriggerEvent<Request, Response>
    ) throws -> Answered<Response> {
        var event = event
        event.userPoolId = userPoolID
        var logger = logger
        logger.requestID = "local-sign-in"
        let context = InvocationContext(
            metadata: InvocationMetadata(requestID: "local-sign-in", deadlineEpochMs: SystemClock.nowEpochMilliseconds() + 5_000),
            logger: logger)
        let output = try handler.handle(try JSONValue.encode(event), context: context)
        return try JSONValue.decode(Answered<Response>.self, from: output)
    }
}

extension TriggerEvent {
    /// An event as Cognito would send it for a test pool.
    init(_ triggerSource: String, request: Request, userName: String) {
        self.init(
            version: "1", triggerSource: triggerSource, region: "us-east-1", userPoolId: LocalUser.poolID,
            userName: userName, callerContext: CallerContext(awsSdkVersion: "local", clientId: "local"),
            request: request)
    }
}
