import LambdaRuntime
import PasswordlessAuth
import PasswordlessTriggers
import Platform
import Settings
import SignInDriver
import Synchronization

/// Plays Cognito's part in a sign-in on this machine: define, create, ask for the code, verify, define again; and
/// before it, for a sign-up, pre-sign-up.
///
/// It drives the same handlers Lambda runs, through JSON events (the sign-in driver the endpoint uses too), with
/// console delivery.
struct LocalSignIn {
    /// The user, whose attributes the events carry.
    let user: LocalUser
    /// The user name Cognito would pass.
    var userName: String
    /// Pretends the user does not exist.
    var userNotFound = false
    /// The pool id the events name, which the marker acts on.
    var userPoolID = LocalUser.poolID
    let triggers: InProcessTriggers
    let prompt: (String) -> String?
    let say: (String) -> Void

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
    ///   - clock: the invocations' deadlines.
    ///   - prompt: shows a question and reads the answer; nil at end of input.
    ///   - say: prints a line of progress.
    init(
        user: LocalUser, userName: String, configuration: PasswordlessConfiguration, signUpPolicy: SignUpPolicy = SignUpPolicy(),
        delivery: any CodeDelivery = ConsoleDelivery(), marker: (any VerificationMarker)? = nil, random: any RandomSource,
        logger: Logger, clock: any WallClock = SystemClock(), prompt: @escaping (String) -> String?,
        say: @escaping (String) -> Void
    ) {
        self.user = user
        self.userName = userName
        triggers = InProcessTriggers(
            define: DefineHandler(configuration: configuration),
            create: CreateHandler(configuration: configuration, delivery: delivery, random: random),
            verify: VerifyHandler(marker: marker ?? user), preSignUp: PreSignUpHandler(policy: signUpPolicy), logger: logger,
            clock: clock)
        self.prompt = prompt
        self.say = say
    }

    /// The driver over this process's handlers, with the envelope of the local pool.
    private var flow: CustomAuthFlow<InProcessTriggers> {
        CustomAuthFlow(
            runner: triggers,
            envelope: EventEnvelope(
                region: "us-east-1", userPoolId: userPoolID, callerContext: CallerContext(awsSdkVersion: "local", clientId: "local")))
    }

    /// Runs pre-sign-up on the user's attributes, as Cognito's SignUp would; returns whether it was accepted.
    func signUp() throws -> Bool {
        // What a client's SignUp carries: the destination, not the `sub` or a `*_verified` flag the local user keeps.
        let sent = user.attributes.filter { !$0.key.hasSuffix("_verified") && $0.key != "sub" }
        let flow = flow
        let response: PreSignUpResponse
        do {
            response = try triggers.handlerErrors { () throws(CustomAuthError) in
                try flow.signUp(userName: userName, PreSignUpRequest(userAttributes: sent))
            }
        } catch let error as PasswordlessError {
            say("pre-sign-up: refused (\(error.errorType)): \(error.description)")
            say("Sign-up failed: Cognito would answer UserLambdaValidationException: PreSignUp failed with error \(error.description)")
            return false
        }
        say(
            "pre-sign-up: autoConfirmUser=\(response.autoConfirmUser ?? false) autoVerifyEmail=\(response.autoVerifyEmail ?? false) autoVerifyPhone=\(response.autoVerifyPhone ?? false)"
        )
        say("Signed up: \(user.describeDestinations())")
        return response.autoConfirmUser == true
    }

    /// Runs rounds until define issues tokens (true) or fails the sign-in (false).
    func run() throws -> Bool {
        let flow = flow
        var session = CustomAuthSession(userName: userName, userNotFound: userNotFound)
        var clientMetadata: [String: String]? = nil
        while true {
            let step = try triggers.handlerErrors { () throws(CustomAuthError) in
                try flow.nextStep(&session, attributes: attributes, clientMetadata: clientMetadata) { decision in
                    say(
                        "define-auth-challenge: challengeName=\(decision.challengeName ?? "null") issueTokens=\(decision.issueTokens ?? false) failAuthentication=\(decision.failAuthentication ?? false)"
                    )
                }
            }
            let publicParameters: [String: String]
            switch step {
            case .tokens:
                say("Signed in: Cognito would now issue tokens.")
                return true
            case .failed:
                say("Sign-in failed: Cognito would answer NotAuthorizedException.")
                return false
            case .challenge(let parameters): publicParameters = parameters
            }
            say(
                "create-auth-challenge: "
                    + publicParameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
            // Cognito hands each RespondToAuthChallenge's clientMetadata to that round's verify, define and create.
            guard let (answer, metadata) = ask(publicParameters) else { return false }
            clientMetadata = metadata
            let correct = try triggers.handlerErrors { () throws(CustomAuthError) in
                try flow.answer(&session, answer, attributes: attributes, clientMetadata: clientMetadata)
            }
            say("verify-auth-challenge: answerCorrect=\(correct)")
        }
    }

    /// The attributes the events carry now; none for an unknown user.
    private var attributes: [String: String] { userNotFound ? [:] : user.attributes }

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
}

/// The handlers in this process as the sign-in's triggers, each invocation with Cognito's 5 s deadline.
final class InProcessTriggers: TriggerRunner {
    let define: any LambdaHandler
    let create: any LambdaHandler
    let verify: any LambdaHandler
    let preSignUp: any LambdaHandler
    let logger: Logger
    let clock: any WallClock
    /// The error the last failing handler threw, which the terminal reports as it is.
    private let lastError = Mutex<(any Error)?>(nil)

    init(
        define: any LambdaHandler, create: any LambdaHandler, verify: any LambdaHandler, preSignUp: any LambdaHandler, logger: Logger,
        clock: any WallClock
    ) {
        self.define = define
        self.create = create
        self.verify = verify
        self.preSignUp = preSignUp
        self.logger = logger
        self.clock = clock
    }

    /// Runs a step of the sign-in; a trigger that fails it ends it with the handler's own error, as the handlers
    /// threw before the driver stood between.
    func handlerErrors<T>(_ step: () throws(CustomAuthError) -> T) throws -> T {
        do {
            return try step()
        } catch {
            if case .triggerFailed = error, let thrown = lastError.withLock({ $0 }) { throw thrown }
            throw error
        }
    }

    func run(_ source: TriggerSource, event: [UInt8]) -> TriggerOutcome {
        let handler: any LambdaHandler =
            switch source {
            case .defineAuthChallenge: define
            case .createAuthChallenge: create
            case .verifyAuthChallenge: verify
            case .preSignUp, .preSignUpAdminCreateUser, .preSignUpExternalProvider: preSignUp
            }
        var logger = logger
        logger.requestID = "local-sign-in"
        let deadline = clock.nowEpochMilliseconds() + TriggerSource.cognitoWaitMilliseconds
        let context = InvocationContext(
            metadata: InvocationMetadata(requestID: "local-sign-in", deadlineEpochMs: deadline), logger: logger)
        do {
            return .answered(try handler.handle(event, context: context))
        } catch {
            lastError.withLock { $0 = error }
            let report = ErrorReport(error)
            return .failed(type: report.errorType, message: report.errorMessage)
        }
    }
}
