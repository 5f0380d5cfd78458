/// The part of a trigger event that `response` answers.
public protocol TriggerResponse: Codable, Sendable {
    /// An empty response, as Cognito sends it.
    init()
}

/// A Cognito user-pool trigger event: the common envelope, the trigger's request, and its response.
///
/// Members the model does not know are kept and written back, so the answer is the same document
/// with only `response` filled in.
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
    /// What the trigger answers.
    public var response: Response
    var unknown: [String: JSONValue]

    /// Creates an event with an empty response.
    public init(version: String, triggerSource: String, region: String, userPoolId: String, userName: String,
                callerContext: CallerContext, request: Request) {
        self.version = version
        self.triggerSource = triggerSource
        self.region = region
        self.userPoolId = userPoolId
        self.userName = userName
        self.callerContext = callerContext
        self.request = request
        response = Response()
        unknown = [:]
    }

    private static var known: Set<String> {
        ["version", "triggerSource", "region", "userPoolId", "userName", "callerContext", "request", "response"]
    }

    /// Decodes an event; `response` may be absent or null.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        version = try c.required(String.self, "version")
        triggerSource = try c.required(String.self, "triggerSource")
        region = try c.required(String.self, "region")
        userPoolId = try c.required(String.self, "userPoolId")
        userName = try c.required(String.self, "userName")
        callerContext = try c.optional(CallerContext.self, "callerContext") ?? CallerContext()
        request = try c.required(Request.self, "request")
        response = try c.optional(Response.self, "response") ?? Response()
        unknown = try c.unknownMembers(excluding: Self.known)
    }

    /// Encodes the event with every member it was read with.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.put(version, "version")
        try c.put(triggerSource, "triggerSource")
        try c.put(region, "region")
        try c.put(userPoolId, "userPoolId")
        try c.put(userName, "userName")
        try c.put(callerContext, "callerContext")
        try c.put(request, "request")
        try c.put(response, "response")
        try c.putUnknown(unknown)
    }
}

/// The SDK and app client behind a request.
public struct CallerContext: Codable, Sendable, Equatable {
    /// The SDK version string the client sent.
    public var awsSdkVersion: String?
    /// The app client id.
    public var clientId: String?
    var unknown: [String: JSONValue] = [:]

    /// Creates a caller context.
    public init(awsSdkVersion: String? = nil, clientId: String? = nil) {
        self.awsSdkVersion = awsSdkVersion
        self.clientId = clientId
    }

    /// Decodes a caller context, keeping unknown members.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        awsSdkVersion = try c.optional(String.self, "awsSdkVersion")
        clientId = try c.optional(String.self, "clientId")
        unknown = try c.unknownMembers(excluding: ["awsSdkVersion", "clientId"])
    }

    /// Encodes the caller context.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        if let awsSdkVersion { try c.put(awsSdkVersion, "awsSdkVersion") }
        if let clientId { try c.put(clientId, "clientId") }
        try c.putUnknown(unknown)
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
    var unknown: [String: JSONValue] = [:]

    /// Creates a session entry.
    public init(challengeName: String, challengeResult: Bool, challengeMetadata: String? = nil) {
        self.challengeName = challengeName
        self.challengeResult = challengeResult
        self.challengeMetadata = challengeMetadata
    }

    /// Decodes a session entry, keeping unknown members.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        challengeName = try c.required(String.self, "challengeName")
        challengeResult = try c.required(Bool.self, "challengeResult")
        challengeMetadata = try c.optional(String.self, "challengeMetadata")
        unknown = try c.unknownMembers(excluding: ["challengeName", "challengeResult", "challengeMetadata"])
    }

    /// Encodes the session entry.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.put(challengeName, "challengeName")
        try c.put(challengeResult, "challengeResult")
        try c.putOrNull(challengeMetadata, "challengeMetadata")
        try c.putUnknown(unknown)
    }
}

/// The request of a DefineAuthChallenge event.
public struct DefineAuthChallengeRequest: Codable, Sendable {
    /// The user's attributes; empty for an unknown user.
    public var userAttributes: [String: String]
    /// The rounds so far.
    public var session: [ChallengeResult]
    /// Client metadata from RespondToAuthChallenge; absent on InitiateAuth.
    public var clientMetadata: [String: String]?
    /// True when the user does not exist and the pool hides that.
    public var userNotFound: Bool
    var unknown: [String: JSONValue] = [:]

    /// Creates a request.
    public init(userAttributes: [String: String] = [:], session: [ChallengeResult] = [], clientMetadata: [String: String]? = nil, userNotFound: Bool = false) {
        self.userAttributes = userAttributes
        self.session = session
        self.clientMetadata = clientMetadata
        self.userNotFound = userNotFound
    }

    /// Decodes a request, keeping unknown members.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        userAttributes = try c.optional([String: String].self, "userAttributes") ?? [:]
        session = try c.optional([ChallengeResult].self, "session") ?? []
        clientMetadata = try c.optional([String: String].self, "clientMetadata")
        userNotFound = try c.optional(Bool.self, "userNotFound") ?? false
        unknown = try c.unknownMembers(excluding: ["userAttributes", "session", "clientMetadata", "userNotFound"])
    }

    /// Encodes the request.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.put(userAttributes, "userAttributes")
        try c.put(session, "session")
        if let clientMetadata { try c.put(clientMetadata, "clientMetadata") }
        try c.put(userNotFound, "userNotFound")
        try c.putUnknown(unknown)
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
    var unknown: [String: JSONValue] = [:]

    /// An empty response.
    public init() {}

    /// Creates a response.
    public init(challengeName: String?, issueTokens: Bool, failAuthentication: Bool) {
        self.challengeName = challengeName
        self.issueTokens = issueTokens
        self.failAuthentication = failAuthentication
    }

    /// Decodes a response.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        challengeName = try c.optional(String.self, "challengeName")
        issueTokens = try c.optional(Bool.self, "issueTokens")
        failAuthentication = try c.optional(Bool.self, "failAuthentication")
        unknown = try c.unknownMembers(excluding: ["challengeName", "issueTokens", "failAuthentication"])
    }

    /// Encodes the response; unset members are null, as in Cognito's events.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.putOrNull(challengeName, "challengeName")
        try c.putOrNull(issueTokens, "issueTokens")
        try c.putOrNull(failAuthentication, "failAuthentication")
        try c.putUnknown(unknown)
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.challengeName == b.challengeName && a.issueTokens == b.issueTokens && a.failAuthentication == b.failAuthentication
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
    var unknown: [String: JSONValue] = [:]

    /// Creates a request.
    public init(userAttributes: [String: String] = [:], challengeName: String = "CUSTOM_CHALLENGE", session: [ChallengeResult] = [], clientMetadata: [String: String]? = nil, userNotFound: Bool = false) {
        self.userAttributes = userAttributes
        self.challengeName = challengeName
        self.session = session
        self.clientMetadata = clientMetadata
        self.userNotFound = userNotFound
    }

    /// Decodes a request, keeping unknown members.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        userAttributes = try c.optional([String: String].self, "userAttributes") ?? [:]
        challengeName = try c.required(String.self, "challengeName")
        session = try c.optional([ChallengeResult].self, "session") ?? []
        clientMetadata = try c.optional([String: String].self, "clientMetadata")
        userNotFound = try c.optional(Bool.self, "userNotFound") ?? false
        unknown = try c.unknownMembers(excluding: ["userAttributes", "challengeName", "session", "clientMetadata", "userNotFound"])
    }

    /// Encodes the request.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.put(userAttributes, "userAttributes")
        try c.put(challengeName, "challengeName")
        try c.put(session, "session")
        if let clientMetadata { try c.put(clientMetadata, "clientMetadata") }
        try c.put(userNotFound, "userNotFound")
        try c.putUnknown(unknown)
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
    var unknown: [String: JSONValue] = [:]

    /// An empty response.
    public init() {}

    /// Creates a response.
    public init(publicChallengeParameters: [String: String], privateChallengeParameters: [String: String], challengeMetadata: String) {
        self.publicChallengeParameters = publicChallengeParameters
        self.privateChallengeParameters = privateChallengeParameters
        self.challengeMetadata = challengeMetadata
    }

    /// Decodes a response.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        publicChallengeParameters = try c.optional([String: String].self, "publicChallengeParameters")
        privateChallengeParameters = try c.optional([String: String].self, "privateChallengeParameters")
        challengeMetadata = try c.optional(String.self, "challengeMetadata")
        unknown = try c.unknownMembers(excluding: ["publicChallengeParameters", "privateChallengeParameters", "challengeMetadata"])
    }

    /// Encodes the response; unset members are null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.putOrNull(publicChallengeParameters, "publicChallengeParameters")
        try c.putOrNull(privateChallengeParameters, "privateChallengeParameters")
        try c.putOrNull(challengeMetadata, "challengeMetadata")
        try c.putUnknown(unknown)
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.publicChallengeParameters == b.publicChallengeParameters
            && a.privateChallengeParameters == b.privateChallengeParameters
            && a.challengeMetadata == b.challengeMetadata
    }
}

/// The request of a VerifyAuthChallengeResponse event.
public struct VerifyAuthChallengeRequest: Codable, Sendable {
    /// The user's attributes; empty for an unknown user.
    public var userAttributes: [String: String]
    /// What create-auth-challenge kept for this round.
    public var privateChallengeParameters: [String: String]
    /// The client's answer.
    public var challengeAnswer: String
    /// Client metadata from RespondToAuthChallenge.
    public var clientMetadata: [String: String]?
    /// True when the user does not exist and the pool hides that.
    public var userNotFound: Bool
    var unknown: [String: JSONValue] = [:]

    /// Creates a request.
    public init(userAttributes: [String: String] = [:], privateChallengeParameters: [String: String] = [:], challengeAnswer: String, clientMetadata: [String: String]? = nil, userNotFound: Bool = false) {
        self.userAttributes = userAttributes
        self.privateChallengeParameters = privateChallengeParameters
        self.challengeAnswer = challengeAnswer
        self.clientMetadata = clientMetadata
        self.userNotFound = userNotFound
    }

    /// Decodes a request, keeping unknown members.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        userAttributes = try c.optional([String: String].self, "userAttributes") ?? [:]
        privateChallengeParameters = try c.optional([String: String].self, "privateChallengeParameters") ?? [:]
        challengeAnswer = try c.required(String.self, "challengeAnswer")
        clientMetadata = try c.optional([String: String].self, "clientMetadata")
        userNotFound = try c.optional(Bool.self, "userNotFound") ?? false
        unknown = try c.unknownMembers(excluding: ["userAttributes", "privateChallengeParameters", "challengeAnswer", "clientMetadata", "userNotFound"])
    }

    /// Encodes the request.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.put(userAttributes, "userAttributes")
        try c.put(privateChallengeParameters, "privateChallengeParameters")
        try c.put(challengeAnswer, "challengeAnswer")
        if let clientMetadata { try c.put(clientMetadata, "clientMetadata") }
        try c.put(userNotFound, "userNotFound")
        try c.putUnknown(unknown)
    }
}

/// The response of a VerifyAuthChallengeResponse event.
public struct VerifyAuthChallengeResponse: TriggerResponse, Equatable {
    /// Whether the answer was right.
    public var answerCorrect: Bool?
    var unknown: [String: JSONValue] = [:]

    /// An empty response.
    public init() {}

    /// Creates a response.
    public init(answerCorrect: Bool) { self.answerCorrect = answerCorrect }

    /// Decodes a response.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        answerCorrect = try c.optional(Bool.self, "answerCorrect")
        unknown = try c.unknownMembers(excluding: ["answerCorrect"])
    }

    /// Encodes the response.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.putOrNull(answerCorrect, "answerCorrect")
        try c.putUnknown(unknown)
    }

    public static func == (a: Self, b: Self) -> Bool { a.answerCorrect == b.answerCorrect }
}

/// A DefineAuthChallenge event.
public typealias DefineAuthChallengeEvent = TriggerEvent<DefineAuthChallengeRequest, DefineAuthChallengeResponse>
/// A CreateAuthChallenge event.
public typealias CreateAuthChallengeEvent = TriggerEvent<CreateAuthChallengeRequest, CreateAuthChallengeResponse>
/// A VerifyAuthChallengeResponse event.
public typealias VerifyAuthChallengeEvent = TriggerEvent<VerifyAuthChallengeRequest, VerifyAuthChallengeResponse>
