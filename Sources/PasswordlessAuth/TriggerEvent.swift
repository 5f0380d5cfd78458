/// The part of a trigger event that `response` answers.
package protocol TriggerResponse: Codable, Sendable {
    /// An empty response, as Cognito sends it.
    init()
}

/// A Cognito user-pool trigger event: the common envelope, the trigger's request, and its response.
///
/// The models read what the triggers use, with Cognito's types. The answered event is the original
/// document with only `response` replaced, so members the models do not read are kept as they were.
package struct TriggerEvent<Request: Codable & Sendable, Response: TriggerResponse>: Codable, Sendable {
    /// The event format version, `"1"` today.
    package var version: String
    /// Which trigger and flow this is, e.g. `DefineAuthChallenge_Authentication`.
    package var triggerSource: String
    package var region: String
    package var userPoolId: String
    /// The user name the client signs in with.
    package var userName: String
    /// The SDK and app client that started the flow.
    package var callerContext: CallerContext
    /// What Cognito asks.
    package var request: Request
    /// What the trigger answers. Decoding leaves it empty: the trigger writes it.
    package var response: Response

    enum CodingKeys: String, CodingKey {
        case version, triggerSource, region, userPoolId, userName, callerContext, request, response
    }

    /// Creates an event with an empty response.
    package init(
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
    package init(from decoder: any Decoder) throws {
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
package struct CallerContext: Codable, Sendable, Equatable {
    /// The SDK version string the client sent.
    var awsSdkVersion: String?
    var clientId: String?

    package init(awsSdkVersion: String? = nil, clientId: String? = nil) {
        self.awsSdkVersion = awsSdkVersion
        self.clientId = clientId
    }
}

/// One earlier round of the sign-in, as Cognito lists it in `request.session`.
package struct ChallengeResult: Codable, Sendable, Equatable {
    /// `CUSTOM_CHALLENGE`, `SRP_A`, `PASSWORD_VERIFIER` and so on.
    var challengeName: String
    /// Whether the round was answered correctly.
    var challengeResult: Bool
    /// What create-auth-challenge stored for the round; may be null.
    var challengeMetadata: String?

    package init(challengeName: String, challengeResult: Bool, challengeMetadata: String? = nil) {
        self.challengeName = challengeName
        self.challengeResult = challengeResult
        self.challengeMetadata = challengeMetadata
    }
}

/// Request members the three triggers share.
enum RequestKeys: String, CodingKey {
    case userAttributes, challengeName, session, clientMetadata, userNotFound, privateChallengeParameters, challengeAnswer
}

/// The request of a DefineAuthChallenge event.
package struct DefineAuthChallengeRequest: Codable, Sendable {
    /// The user's attributes, written as Cognito sends them. Never decoded: define's rules need only the rounds, and
    /// an event define accepts today must not be refused for an attribute it does not read.
    var userAttributes: [String: String]
    package var session: [ChallengeResult]
    /// Client metadata from RespondToAuthChallenge; absent on InitiateAuth.
    var clientMetadata: [String: String]?
    /// True when the user does not exist and the pool hides that.
    var userNotFound: Bool

    package init(
        userAttributes: [String: String] = [:], session: [ChallengeResult] = [], clientMetadata: [String: String]? = nil,
        userNotFound: Bool = false
    ) {
        self.userAttributes = userAttributes
        self.session = session
        self.clientMetadata = clientMetadata
        self.userNotFound = userNotFound
    }

    /// Decodes a request; `session` and `userNotFound` may be absent, and `userAttributes` is left empty.
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: RequestKeys.self)
        userAttributes = [:]
        session = try c.decodeIfPresent([ChallengeResult].self, forKey: .session) ?? []
        clientMetadata = try c.decodeIfPresent([String: String].self, forKey: .clientMetadata)
        userNotFound = try c.decodeIfPresent(Bool.self, forKey: .userNotFound) ?? false
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: RequestKeys.self)
        try c.encode(userAttributes, forKey: .userAttributes)
        try c.encode(session, forKey: .session)
        try c.encodeIfPresent(clientMetadata, forKey: .clientMetadata)
        try c.encode(userNotFound, forKey: .userNotFound)
    }
}

/// The response of a DefineAuthChallenge event.
package struct DefineAuthChallengeResponse: TriggerResponse, Equatable {
    /// The next challenge, `CUSTOM_CHALLENGE`, or nil when the flow ends.
    package var challengeName: String?
    /// True to sign the user in.
    package var issueTokens: Bool?
    /// True to end the flow with an error.
    package var failAuthentication: Bool?

    package init() {}

    init(challengeName: String?, issueTokens: Bool, failAuthentication: Bool) {
        self.challengeName = challengeName
        self.issueTokens = issueTokens
        self.failAuthentication = failAuthentication
    }
}

/// The request of a CreateAuthChallenge event.
package struct CreateAuthChallengeRequest: Codable, Sendable {
    /// The user's attributes; empty for an unknown user.
    var userAttributes: [String: String]
    /// The challenge define-auth-challenge chose.
    var challengeName: String
    var session: [ChallengeResult]
    /// Client metadata from RespondToAuthChallenge; absent on InitiateAuth.
    var clientMetadata: [String: String]?
    /// True when the user does not exist and the pool hides that.
    var userNotFound: Bool

    package init(
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
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: RequestKeys.self)
        userAttributes = try c.decodeIfPresent([String: String].self, forKey: .userAttributes) ?? [:]
        challengeName = try c.decode(String.self, forKey: .challengeName)
        session = try c.decodeIfPresent([ChallengeResult].self, forKey: .session) ?? []
        clientMetadata = try c.decodeIfPresent([String: String].self, forKey: .clientMetadata)
        userNotFound = try c.decodeIfPresent(Bool.self, forKey: .userNotFound) ?? false
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: RequestKeys.self)
        try c.encode(userAttributes, forKey: .userAttributes)
        try c.encode(challengeName, forKey: .challengeName)
        try c.encode(session, forKey: .session)
        try c.encodeIfPresent(clientMetadata, forKey: .clientMetadata)
        try c.encode(userNotFound, forKey: .userNotFound)
    }
}

/// The response of a CreateAuthChallenge event.
package struct CreateAuthChallengeResponse: TriggerResponse, Equatable {
    /// Shown to the client: channel and masked destination, never the code.
    package var publicChallengeParameters: [String: String]?
    /// Passed to verify-auth-challenge only.
    package var privateChallengeParameters: [String: String]?
    /// Stored in the session for later rounds.
    package var challengeMetadata: String?

    package init() {}

    init(publicChallengeParameters: [String: String], privateChallengeParameters: [String: String], challengeMetadata: String) {
        self.publicChallengeParameters = publicChallengeParameters
        self.privateChallengeParameters = privateChallengeParameters
        self.challengeMetadata = challengeMetadata
    }
}

/// The request of a VerifyAuthChallengeResponse event.
package struct VerifyAuthChallengeRequest: Codable, Sendable {
    /// The user's attributes now; empty for an unknown user. Read only to mark a destination verified.
    var userAttributes: [String: String]
    /// What create-auth-challenge kept for this round.
    package var privateChallengeParameters: [String: String]
    var challengeAnswer: String
    /// Client metadata from RespondToAuthChallenge.
    var clientMetadata: [String: String]?
    /// True when the user does not exist and the pool hides that.
    var userNotFound: Bool

    package init(
        userAttributes: [String: String] = [:], privateChallengeParameters: [String: String] = [:], challengeAnswer: String,
        clientMetadata: [String: String]? = nil, userNotFound: Bool = false
    ) {
        self.userAttributes = userAttributes
        self.privateChallengeParameters = privateChallengeParameters
        self.challengeAnswer = challengeAnswer
        self.clientMetadata = clientMetadata
        self.userNotFound = userNotFound
    }

    /// Decodes a request; `userAttributes`, `privateChallengeParameters` and `userNotFound` may be absent.
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: RequestKeys.self)
        userAttributes = try c.decodeIfPresent([String: String].self, forKey: .userAttributes) ?? [:]
        privateChallengeParameters = try c.decodeIfPresent([String: String].self, forKey: .privateChallengeParameters) ?? [:]
        challengeAnswer = try c.decode(String.self, forKey: .challengeAnswer)
        clientMetadata = try c.decodeIfPresent([String: String].self, forKey: .clientMetadata)
        userNotFound = try c.decodeIfPresent(Bool.self, forKey: .userNotFound) ?? false
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: RequestKeys.self)
        try c.encode(userAttributes, forKey: .userAttributes)
        try c.encode(privateChallengeParameters, forKey: .privateChallengeParameters)
        try c.encode(challengeAnswer, forKey: .challengeAnswer)
        try c.encodeIfPresent(clientMetadata, forKey: .clientMetadata)
        try c.encode(userNotFound, forKey: .userNotFound)
    }
}

/// The response of a VerifyAuthChallengeResponse event.
package struct VerifyAuthChallengeResponse: TriggerResponse, Equatable {
    /// Whether the answer was right.
    package var answerCorrect: Bool?

    package init() {}

    package init(answerCorrect: Bool) { self.answerCorrect = answerCorrect }
}

package typealias DefineAuthChallengeEvent = TriggerEvent<DefineAuthChallengeRequest, DefineAuthChallengeResponse>
package typealias CreateAuthChallengeEvent = TriggerEvent<CreateAuthChallengeRequest, CreateAuthChallengeResponse>
package typealias VerifyAuthChallengeEvent = TriggerEvent<VerifyAuthChallengeRequest, VerifyAuthChallengeResponse>
