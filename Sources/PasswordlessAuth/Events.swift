/// The part of a trigger event that `response` answers.
public protocol TriggerResponse: Codable, Sendable {
    /// An empty response, as Cognito sends it.
    init()
}

/// A Cognito user-pool trigger event: the common envelope, the trigger's request, and its response.
///
/// The models read what the triggers use, with Cognito's types. The answered event is the original
/// document with only `response` replaced, so members the models do not read are kept as they were.
public struct TriggerEvent<Request: Codable & Sendable, Response: TriggerResponse>: Codable, Sendable {
    /// The event format version, `"1"` today.
    public var version: String
    /// Which trigger and flow this is, e.g. `DefineAuthChallenge_Authentication`.
    public var triggerSource: String
    /// The user pool's region.
    public var region: String
    /// The user pool's id.
    public var userPoolId: String
    /// The user name the client signs in with.
    public var userName: String
    /// The SDK and app client that started the flow.
    public var callerContext: CallerContext
    /// What Cognito asks.
    public var request: Request
    /// What the trigger answers. Decoding leaves it empty: the trigger writes it.
    public var response: Response

    enum CodingKeys: String, CodingKey {
        case version, triggerSource, region, userPoolId, userName, callerContext, request, response
    }

    /// Creates an event with an empty response.
    public init(
        version: String, triggerSource: String, region: String, userPoolId: String, userName: String,
        callerContext: CallerContext, request: Request
    ) {
        self.version = version
        self.triggerSource = triggerSource
        self.region = region
        self.userPoolId = userPoolId
        self.userName = userName
        self.callerContext = callerContext
        self.request = request
        response = Response()
    }

    /// Decodes an event; whatever `response` holds is replaced by the trigger, so it is not read.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decode(String.self, forKey: .version)
        triggerSource = try c.decode(String.self, forKey: .triggerSource)
        region = try c.decode(String.self, forKey: .region)
        userPoolId = try c.decode(String.self, forKey: .userPoolId)
        userName = try c.decode(String.self, forKey: .userName)
        callerContext = try c.decodeIfPresent(CallerContext.self, forKey: .callerContext) ?? CallerContext()
        request = try c.decode(Request.self, forKey: .request)
        response = Response()
    }
}

/// The SDK and app client behind a request.
public struct CallerContext: Codable, Sendable, Equatable {
    /// The SDK version string the client sent.
    public var awsSdkVersion: String?
    /// The app client id.
    public var clientId: String?

    /// Creates a caller context.
    public init(awsSdkVersion: String? = nil, clientId: String? = nil) {
        self.awsSdkVersion = awsSdkVersion
        self.clientId = clientId
    }
}

/// One earlier round of the sign-in, as Cognito lists it in `request.session`.
public struct ChallengeResult: Codable, Sendable, Equatable {
    /// `CUSTOM_CHALLENGE`, `SRP_A`, `PASSWORD_VERIFIER` and so on.
    public var challengeName: String
    /// Whether the round was answered correctly.
    public var challengeResult: Bool
    /// What create-auth-challenge stored for the round; may be null.
    public var challengeMetadata: String?

    /// Creates a session entry.
    public init(challengeName: String, challengeResult: Bool, challengeMetadata: String? = nil) {
        self.challengeName = challengeName
        self.challengeResult = challengeResult
        self.challengeMetadata = challengeMetadata
    }
}

/// Request members the three triggers share.
enum RequestKeys: String, CodingKey {
    case userAttributes, challengeName, session, clientMetadata, userNotFound, privateChallengeParameters, challengeAnswer
}

/// The request of a DefineAuthChallenge event. `userAttributes` is not read: define needs only the rounds.
public struct DefineAuthChallengeRequest: Codable, Sendable {
    /// The rounds so far.
    public var session: [ChallengeResult]
    /// Client metadata from RespondToAuthChallenge; absent on InitiateAuth.
    public var clientMetadata: [String: String]?
    /// True when the user does not exist and the pool hides that.
    public var userNotFound: Bool

    /// Creates a request.
    public init(session: [ChallengeResult] = [], clientMetadata: [String: String]? = nil, userNotFound: Bool = false) {
        self.session = session
        self.clientMetadata = clientMetadata
        self.userNotFound = userNotFound
    }

    /// Decodes a request; `session` and `userNotFound` may be absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: RequestKeys.self)
        session = try c.decodeIfPresent([ChallengeResult].self, forKey: .session) ?? []
        clientMetadata = try c.decodeIfPresent([String: String].self, forKey: .clientMetadata)
        userNotFound = try c.decodeIfPresent(Bool.self, forKey: .userNotFound) ?? false
    }

    /// Encodes the request.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: RequestKeys.self)
        try c.encode(session, forKey: .session)
        try c.encodeIfPresent(clientMetadata, forKey: .clientMetadata)
        try c.encode(userNotFound, forKey: .userNotFound)
    }
}

/// The response of a DefineAuthChallenge event.
public struct DefineAuthChallengeResponse: TriggerResponse, Equatable {
    /// The next challenge, `CUSTOM_CHALLENGE`, or nil when the flow ends.
    public var challengeName: String?
    /// True to sign the user in.
    public var issueTokens: Bool?
    /// True to end the flow with an error.
    public var failAuthentication: Bool?

    /// An empty response.
    public init() {}

    /// Creates a response.
    public init(challengeName: String?, issueTokens: Bool, failAuthentication: Bool) {
        self.challengeName = challengeName
        self.issueTokens = issueTokens
        self.failAuthentication = failAuthentication
    }
}

/// The request of a CreateAuthChallenge event.
public struct CreateAuthChallengeRequest: Codable, Sendable {
    /// The user's attributes; empty for an unknown user.
    public var userAttributes: [String: String]
    /// The challenge define-auth-challenge chose.
    public var challengeName: String
    /// The rounds so far.
    public var session: [ChallengeResult]
    /// Client metadata from RespondToAuthChallenge; absent on InitiateAuth.
    public var clientMetadata: [String: String]?
    /// True when the user does not exist and the pool hides that.
    public var userNotFound: Bool

    /// Creates a request.
    public init(
        userAttributes: [String: String] = [:], challengeName: String = "CUSTOM_CHALLENGE", session: [ChallengeResult] = [],
        clientMetadata: [String: String]? = nil, userNotFound: Bool = false
    ) {
        self.userAttributes = userAttributes
        self.challengeName = challengeName
        self.session = session
        self.clientMetadata = clientMetadata
        self.userNotFound = userNotFound
    }

    /// Decodes a request; `userAttributes`, `session` and `userNotFound` may be absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: RequestKeys.self)
        userAttributes = try c.decodeIfPresent([String: String].self, forKey: .userAttributes) ?? [:]
        challengeName = try c.decode(String.self, forKey: .challengeName)
        session = try c.decodeIfPresent([ChallengeResult].self, forKey: .session) ?? []
        clientMetadata = try c.decodeIfPresent([String: String].self, forKey: .clientMetadata)
        userNotFound = try c.decodeIfPresent(Bool.self, forKey: .userNotFound) ?? false
    }

    /// Encodes the request.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: RequestKeys.self)
        try c.encode(userAttributes, forKey: .userAttributes)
        try c.encode(challengeName, forKey: .challengeName)
        try c.encode(session, forKey: .session)
        try c.encodeIfPresent(clientMetadata, forKey: .clientMetadata)
        try c.encode(userNotFound, forKey: .userNotFound)
    }
}

/// The response of a CreateAuthChallenge event.
public struct CreateAuthChallengeResponse: TriggerResponse, Equatable {
    /// Shown to the client: channel and masked destination, never the code.
    public var publicChallengeParameters: [String: String]?
    /// Passed to verify-auth-challenge only.
    public var privateChallengeParameters: [String: String]?
    /// Stored in the session for later rounds.
    public var challengeMetadata: String?

    /// An empty response.
    public init() {}

    /// Creates a response.
    public init(publicChallengeParameters: [String: String], privateChallengeParameters: [String: String], challengeMetadata: String) {
        self.publicChallengeParameters = publicChallengeParameters
        self.privateChallengeParameters = privateChallengeParameters
        self.challengeMetadata = challengeMetadata
    }
}

/// The request of a VerifyAuthChallengeResponse event. `userAttributes` is not read: verify needs only the round.
public struct VerifyAuthChallengeRequest: Codable, Sendable {
    /// What create-auth-challenge kept for this round.
    public var privateChallengeParameters: [String: String]
    /// The client's answer.
    public var challengeAnswer: String
    /// Client metadata from RespondToAuthChallenge.
    public var clientMetadata: [String: String]?
    /// True when the user does not exist and the pool hides that.
    public var userNotFound: Bool

    /// Creates a request.
    public init(
        privateChallengeParameters: [String: String] = [:], challengeAnswer: String, clientMetadata: [String: String]? = nil,
        userNotFound: Bool = false
    ) {
        self.privateChallengeParameters = privateChallengeParameters
        self.challengeAnswer = challengeAnswer
        self.clientMetadata = clientMetadata
        self.userNotFound = userNotFound
    }

    /// Decodes a request; `privateChallengeParameters` and `userNotFound` may be absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: RequestKeys.self)
        privateChallengeParameters = try c.decodeIfPresent([String: String].self, forKey: .privateChallengeParameters) ?? [:]
        challengeAnswer = try c.decode(String.self, forKey: .challengeAnswer)
        clientMetadata = try c.decodeIfPresent([String: String].self, forKey: .clientMetadata)
        userNotFound = try c.decodeIfPresent(Bool.self, forKey: .userNotFound) ?? false
    }

    /// Encodes the request.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: RequestKeys.self)
        try c.encode(privateChallengeParameters, forKey: .privateChallengeParameters)
        try c.encode(challengeAnswer, forKey: .challengeAnswer)
        try c.encodeIfPresent(clientMetadata, forKey: .clientMetadata)
        try c.encode(userNotFound, forKey: .userNotFound)
    }
}

/// The response of a VerifyAuthChallengeResponse event.
public struct VerifyAuthChallengeResponse: TriggerResponse, Equatable {
    /// Whether the answer was right.
    public var answerCorrect: Bool?

    /// An empty response.
    public init() {}

    /// Creates a response.
    public init(answerCorrect: Bool) { self.answerCorrect = answerCorrect }
}

/// A DefineAuthChallenge event.
public typealias DefineAuthChallengeEvent = TriggerEvent<DefineAuthChallengeRequest, DefineAuthChallengeResponse>
/// A CreateAuthChallenge event.
public typealias CreateAuthChallengeEvent = TriggerEvent<CreateAuthChallengeRequest, CreateAuthChallengeResponse>
/// A VerifyAuthChallengeResponse event.
public typealias VerifyAuthChallengeEvent = TriggerEvent<VerifyAuthChallengeRequest, VerifyAuthChallengeResponse>
