import PasswordlessAuth

/// What Cognito writes around every trigger event of one pool and app client.
package struct EventEnvelope: Sendable {
    let region: String
    let userPoolId: String
    let callerContext: CallerContext

    package init(region: String, userPoolId: String, callerContext: CallerContext) {
        self.region = region
        self.userPoolId = userPoolId
        self.callerContext = callerContext
    }

    func event<Request: Codable & Sendable, Response: TriggerResponse>(
        _ source: TriggerSource, userName: String, _ request: Request
    ) -> TriggerEvent<Request, Response> {
        TriggerEvent(
            version: "1", triggerSource: source.rawValue, region: region, userPoolId: userPoolId, userName: userName,
            callerContext: callerContext, request: request)
    }
}

/// A custom-auth sign-in in progress: who, the rounds so far, and what create kept for the challenge now asked.
package struct CustomAuthSession: Sendable {
    package var userName: String
    package var userNotFound: Bool
    var rounds: [ChallengeResult] = []
    var privateParameters: [String: String] = [:]
    var metadata: String?

    package init(userName: String, userNotFound: Bool) {
        self.userName = userName
        self.userNotFound = userNotFound
    }
}

/// Plays Cognito's part in `CUSTOM_AUTH` (define, create, the client's answer, verify, define again) and in SignUp
/// (pre-sign-up), over the typed events, with the triggers a runner runs.
package struct CustomAuthFlow<Runner: TriggerRunner> {
    let runner: Runner
    let envelope: EventEnvelope

    package init(runner: Runner, envelope: EventEnvelope) {
        self.runner = runner
        self.envelope = envelope
    }

    /// What define decided: a challenge (with create's public parameters), tokens, or the end of the sign-in.
    package enum Step: Sendable, Equatable {
        case challenge(publicParameters: [String: String])
        case tokens
        case failed
    }

    /// Runs define and, when it asks for a custom challenge, create; keeps what verify will need in `session`.
    /// Cognito issues no tokens to a user that does not exist, whatever define says.
    /// - Parameters:
    ///   - attributes: the user's attributes now (none for an unknown user).
    ///   - clientMetadata: the ClientMetadata of the RespondToAuthChallenge that led here; nil on InitiateAuth.
    ///   - decided: sees define's decision before create runs.
    package func nextStep(
        _ session: inout CustomAuthSession, attributes: [String: String], clientMetadata: [String: String]?,
        decided: (DefineAuthChallengeResponse) -> Void = { _ in }
    ) throws(CustomAuthError) -> Step {
        let decision = try run(
            .defineAuthChallenge, userName: session.userName,
            DefineAuthChallengeRequest(
                userAttributes: attributes, session: session.rounds, clientMetadata: clientMetadata, userNotFound: session.userNotFound),
            as: DefineAuthChallengeResponse.self)
        decided(decision)
        if decision.issueTokens == true, !session.userNotFound { return .tokens }
        guard decision.failAuthentication != true, decision.challengeName == DefineAuthChallenge.customChallenge else { return .failed }
        let created = try run(
            .createAuthChallenge, userName: session.userName,
            CreateAuthChallengeRequest(
                userAttributes: attributes, challengeName: DefineAuthChallenge.customChallenge, session: session.rounds,
                clientMetadata: clientMetadata, userNotFound: session.userNotFound),
            as: CreateAuthChallengeResponse.self)
        session.privateParameters = created.privateChallengeParameters ?? [:]
        session.metadata = created.challengeMetadata
        return .challenge(publicParameters: created.publicChallengeParameters ?? [:])
    }

    /// Runs verify on the client's answer and adds the round to `session`; whether the answer was right.
    /// - Parameter clientMetadata: the RespondToAuthChallenge's ClientMetadata; verify gets an empty map without one.
    package func answer(
        _ session: inout CustomAuthSession, _ answer: String, attributes: [String: String], clientMetadata: [String: String]?
    ) throws(CustomAuthError) -> Bool {
        let verified = try run(
            .verifyAuthChallenge, userName: session.userName,
            VerifyAuthChallengeRequest(
                userAttributes: attributes, privateChallengeParameters: session.privateParameters, challengeAnswer: answer,
                clientMetadata: clientMetadata ?? [:], userNotFound: session.userNotFound),
            as: VerifyAuthChallengeResponse.self)
        let correct = verified.answerCorrect == true
        session.rounds.append(
            ChallengeResult(
                challengeName: DefineAuthChallenge.customChallenge, challengeResult: correct, challengeMetadata: session.metadata))
        return correct
    }

    /// Runs pre-sign-up as SignUp does; its response (all false when the pool has no pre-sign-up function).
    package func signUp(userName: String, _ request: PreSignUpRequest) throws(CustomAuthError) -> PreSignUpResponse {
        var event: PreSignUpEvent = envelope.event(.preSignUp, userName: userName, request)
        // Cognito sends the three flags false, not null.
        event.response = PreSignUpResponse(autoConfirmUser: false)
        return try run(event, .preSignUp)
    }

    private func run<Request: Codable & Sendable, Response: TriggerResponse>(
        _ source: TriggerSource, userName: String, _ request: Request, as: Response.Type
    ) throws(CustomAuthError) -> Response {
        try run(envelope.event(source, userName: userName, request) as TriggerEvent<Request, Response>, source)
    }

    private func run<Request: Codable & Sendable, Response: TriggerResponse>(
        _ event: TriggerEvent<Request, Response>, _ source: TriggerSource
    ) throws(CustomAuthError) -> Response {
        switch runner.run(source, event: EventJSON.encode(event)) {
        case .answered(let bytes):
            guard let response = EventJSON.response(Response.self, from: bytes) else { throw .invalidResponse(source) }
            return response
        case .failed(let type, let message): throw .triggerFailed(source, type: type, message: message)
        }
    }
}

extension CustomAuthFlow: Sendable where Runner: Sendable {}
