import JSON
import Platform
import Synchronization

/// Cognito's JSON API for one user pool and one app client: the operations a passwordless sign-in and its tests
/// use, with Cognito's error types and messages.
final class CognitoService: Sendable {
    struct Options: Sendable {
        var poolID: String
        var clientID: String
        /// The app client for SignUp alone, as the template's `SignUpClient`: it may write email and phone_number,
        /// and signs nobody in.
        var signUpClientID: String
        var region: String
        var issuerBase: String
        /// The `Host` values a request may carry (`127.0.0.1:9229`, `localhost:9229`, ...), or nil for any: a web page
        /// whose name an attacker rebinds to 127.0.0.1 reaches the endpoint under its own name, and is refused.
        var allowedHosts: Set<String>? = nil
        var sessionMinutes: Int
    }

    let options: Options
    let pool: UserPool
    let signer: TokenSigner
    let flow: SignInFlow
    /// Session tokens in use, each with when it was issued: every answer gets a new token with its own validity
    /// (`AuthSessionValidity`), and a token works once.
    private let sessions = Mutex<[String: (session: SignInSession, issuedAt: Int64)]>([:])
    /// The clock: milliseconds since the epoch (the tests move it).
    let now: @Sendable () -> Int64
    static let targetPrefix = "AWSCognitoIdentityProviderService."

    init(
        options: Options, pool: UserPool, signer: TokenSigner, triggers: Triggers,
        now: @escaping @Sendable () -> Int64 = SystemClock.nowEpochMilliseconds
    ) {
        self.options = options
        self.now = now
        self.pool = pool
        self.signer = signer
        flow = SignInFlow(
            triggers: triggers, pool: pool,
            envelope: EventEnvelope(region: options.region, poolID: options.poolID, clientID: options.clientID))
    }

    var issuer: String { options.issuerBase + "/" + options.poolID }

    /// Headers a web page's requests may carry, as the AWS SDKs for JavaScript send them. `Authorization` is left
    /// out, so a page in a browser can make the public calls a sign-in screen makes, never the admin calls.
    static let corsHeaders = "content-type, x-amz-target, x-amz-user-agent, amz-sdk-invocation-id, amz-sdk-request, cache-control"

    /// Answers one HTTP request, with the headers a browser needs to let a web app read the answer.
    func handle(_ request: HTTPRequest) -> HTTPResponse {
        var response: HTTPResponse
        if let allowed = options.allowedHosts, !allowed.contains((request.header("Host") ?? "").lowercased()) {
            response = .json(
                403, ["__type": "AccessDeniedException", "message": .string("Host not allowed: use \(options.issuerBase)")])
        } else {
            response = answer(request)
        }
        response.headers += [
            ("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", "x-amzn-requestid, x-amzn-errortype"),
            ("x-amzn-RequestId", RandomID.uuid()),
        ]
        if request.method == "OPTIONS" {
            response.headers += [
                ("Access-Control-Allow-Methods", "POST, GET, OPTIONS"), ("Access-Control-Allow-Headers", Self.corsHeaders),
                ("Access-Control-Max-Age", "600"),
            ]
        }
        return response
    }

    /// The JWKS on GET, an empty answer to a browser's preflight, an operation on POST.
    private func answer(_ request: HTTPRequest) -> HTTPResponse {
        if request.method == "OPTIONS" { return HTTPResponse(status: 200) }
        if request.method == "GET" {
            guard request.path == "/\(options.poolID)/.well-known/jwks.json" else { return HTTPResponse(status: 404) }
            return .json(200, signer.jwks, contentType: "application/json")
        }
        guard request.method == "POST", let target = request.header("X-Amz-Target"), target.hasPrefix(Self.targetPrefix) else {
            return CognitoError("UnknownOperationException", "").response
        }
        guard let body = JSONValue.parse(request.body), let input = body.object else {
            return CognitoError("SerializationException", "Start of structure or map found where not expected.").response
        }
        let operation = String(target.dropFirst(Self.targetPrefix.count))
        do {
            return .json(
                200,
                try perform(
                    operation, JSONValue.object(input), signed: request.header("Authorization")?.hasPrefix("AWS4-HMAC-SHA256 ") == true))
        } catch {
            return error.response
        }
    }

    private func perform(_ operation: String, _ input: JSONValue, signed: Bool) throws(CognitoError) -> JSONValue {
        if operation.hasPrefix("Admin") || operation == "ListUsers" {
            guard signed else { throw CognitoError("MissingAuthenticationTokenException", "Missing Authentication Token") }
            guard input["UserPoolId"]?.string == options.poolID else {
                throw CognitoError("ResourceNotFoundException", "User pool \(input["UserPoolId"]?.string ?? "") does not exist.")
            }
        }
        switch operation {
        case "InitiateAuth": return try initiateAuth(input)
        case "RespondToAuthChallenge": return try respondToAuthChallenge(input)
        case "SignUp": return try signUp(input)
        case "GetUser": return try getUser(input)
        case "AdminCreateUser": return try adminCreateUser(input)
        case "AdminGetUser": return try user(input).apiDescription(userNameKey: "Username", attributesKey: "UserAttributes")
        case "AdminUpdateUserAttributes": return try adminUpdateUserAttributes(input)
        case "AdminDeleteUser":
            _ = pool.delete(try user(input).userName)
            return [:]
        case "ListUsers": return try listUsers(input)
        default: throw CognitoError("UnknownOperationException", "")
        }
    }

    /// The app client a call names; only the sign-in client unless `signUp` is true.
    @discardableResult
    private func checkClient(_ input: JSONValue, signUp: Bool = false) throws(CognitoError) -> String {
        guard let client = input["ClientId"]?.string else {
            throw .invalidParameter(
                "1 validation error detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null")
        }
        guard client == options.clientID || client == options.signUpClientID else {
            throw CognitoError("ResourceNotFoundException", "User pool client \(client) does not exist.")
        }
        // The sign-up client allows no flow that signs in (ExplicitAuthFlows is refresh alone).
        if client == options.signUpClientID, !signUp { throw .invalidParameter("CUSTOM_AUTH flow not enabled for this client") }
        return client
    }

    /// What each app client may write (its `WriteAttributes`, as template.yaml declares them): the sign-in client the
    /// profile attributes, never where codes go; the sign-up client those and email and phone_number.
    static let profileAttributes: Set = [
        "name", "given_name", "family_name", "middle_name", "nickname", "locale", "zoneinfo", "picture", "profile", "website",
        "gender", "birthdate", "address",
    ]

    func writable(by client: String) -> Set<String> {
        client == options.signUpClientID ? Self.profileAttributes.union(["email", "phone_number"]) : Self.profileAttributes
    }

    func required(_ input: JSONValue, _ member: String) throws(CognitoError) -> String {
        guard let value = input[member]?.string, !value.isEmpty else { throw .invalidParameter("Missing required parameter \(member)") }
        return value
    }

    func user(_ input: JSONValue) throws(CognitoError) -> PoolUser {
        guard let user = pool.find(try required(input, "Username")) else {
            throw CognitoError("UserNotFoundException", "User does not exist.")
        }
        return user
    }

    private func initiateAuth(_ input: JSONValue) throws(CognitoError) -> JSONValue {
        try checkClient(input)
        let flowName = try required(input, "AuthFlow")
        guard flowName == "CUSTOM_AUTH" else { throw .invalidParameter("\(flowName) flow not enabled for this client") }
        guard let typed = input["AuthParameters"]?["USERNAME"]?.string, !typed.isEmpty else {
            throw .invalidParameter("Missing required parameter USERNAME")
        }
        let found = pool.find(typed)
        if let found, found.status != "CONFIRMED" { throw CognitoError("UserNotConfirmedException", "User is not confirmed.") }
        var session = SignInSession(userName: found?.userName ?? typed, userNotFound: found == nil)
        return try advance(&session, clientMetadata: nil)
    }

    private func respondToAuthChallenge(_ input: JSONValue) throws(CognitoError) -> JSONValue {
        try checkClient(input)
        guard try required(input, "ChallengeName") == "CUSTOM_CHALLENGE" else { throw .invalidParameter("Invalid challenge name.") }
        let token = try required(input, "Session")
        guard let (saved, issuedAt) = sessions.withLock({ $0.removeValue(forKey: token) }) else { throw .notAuthorized }
        guard now() - issuedAt < validityMs else { throw .sessionExpired }
        var session = saved
        guard let answer = input["ChallengeResponses"]?["ANSWER"]?.string else {
            throw .invalidParameter("Missing required parameter ANSWER")
        }
        let metadata = input["ClientMetadata"]
        try flow.answer(&session, answer: answer, clientMetadata: metadata)
        return try advance(&session, clientMetadata: metadata)
    }

    /// The next challenge with a new session token, or the tokens.
    private func advance(_ session: inout SignInSession, clientMetadata: JSONValue?) throws(CognitoError) -> JSONValue {
        switch try flow.nextStep(&session, clientMetadata: clientMetadata) {
        case .challenge(let parameters):
            let token = RandomID.token()
            let saved = session
            let issuedAt = now()
            sessions.withLock { sessions in
                // Abandoned sign-ins do not pile up: expired tokens go when the table grows.
                if sessions.count >= 256, sessions.count.isMultiple(of: 256) {
                    sessions = sessions.filter { issuedAt - $0.value.issuedAt < validityMs }
                }
                sessions[token] = (saved, issuedAt)
            }
            return ["ChallengeName": "CUSTOM_CHALLENGE", "Session": .string(token), "ChallengeParameters": .object(parameters)]
        case .tokens:
            guard let user = pool.find(session.userName) else { throw .notAuthorized }
            return ["ChallengeParameters": [:], "AuthenticationResult": tokens(for: user)]
        }
    }

    private var validityMs: Int64 { Int64(options.sessionMinutes) * 60_000 }

    private func tokens(for user: PoolUser) -> JSONValue {
        let now = now() / 1000
        let origin = RandomID.uuid()
        var id: [String: JSONValue] = [
            "sub": .string(user.attributes["sub"] ?? user.userName), "iss": .string(issuer), "aud": .string(options.clientID),
            "cognito:username": .string(user.userName), "token_use": "id", "auth_time": .number(Double(now)),
            "iat": .number(Double(now)), "exp": .number(Double(now + 3600)), "jti": .string(RandomID.uuid()),
            "origin_jti": .string(origin), "event_id": .string(RandomID.uuid()),
        ]
        for name in ["email", "phone_number"] where user.attributes[name] != nil {
            id[name] = .string(user.attributes[name]!)
            id[name + "_verified"] = .bool(user.attributes[name + "_verified"] == "true")
        }
        let access: JSONValue = [
            "sub": .string(user.attributes["sub"] ?? user.userName), "iss": .string(issuer), "client_id": .string(options.clientID),
            "username": .string(user.userName), "token_use": "access", "scope": "aws.cognito.signin.user.admin",
            "auth_time": .number(Double(now)), "iat": .number(Double(now)), "exp": .number(Double(now + 3600)),
            "jti": .string(RandomID.uuid()), "origin_jti": .string(origin), "event_id": .string(RandomID.uuid()),
        ]
        return [
            "IdToken": .string(signer.sign(.object(id))), "AccessToken": .string(signer.sign(access)),
            "RefreshToken": .string(RandomID.token(96)), "ExpiresIn": .number(3600), "TokenType": "Bearer",
        ]
    }

    private func getUser(_ input: JSONValue) throws(CognitoError) -> JSONValue {
        let token = try required(input, "AccessToken")
        guard let claims = signer.verify(token), claims["token_use"]?.string == "access",
            let name = claims["username"]?.string, let user = pool.find(name),
            let expires = claims["exp"].flatMap({ if case .number(let n) = $0 { n } else { nil } }),
            Double(now() / 1000) < expires
        else { throw CognitoError("NotAuthorizedException", "Invalid Access Token") }
        return user.apiDescription(userNameKey: "Username", attributesKey: "UserAttributes")
    }

    func attributes(_ input: JSONValue, _ member: String) throws(CognitoError) -> [String: String] {
        guard case .array(let list)? = input[member] else { return [:] }
        var map: [String: String] = [:]
        for item in list {
            guard let name = item["Name"]?.string, let value = item["Value"]?.string else {
                throw .invalidParameter("Each attribute needs a Name and a Value.")
            }
            map[name] = value
        }
        return map
    }

    private func adminCreateUser(_ input: JSONValue) throws(CognitoError) -> JSONValue {
        let created = try pool.create(
            typedName: try required(input, "Username"), attributes: try attributes(input, "UserAttributes"), status: "CONFIRMED",
            now: now() / 1000)
        return ["User": created.apiDescription(userNameKey: "Username", attributesKey: "Attributes")]
    }

    private func signUp(_ input: JSONValue) throws(CognitoError) -> JSONValue {
        let client = try checkClient(input, signUp: true)
        let typed = try required(input, "Username")
        _ = try required(input, "Password")
        var attributes = try attributes(input, "UserAttributes")
        // Cognito checks SignUp's attributes against the client's WriteAttributes. Whether it also checks the one it
        // fills from a user name that is an email or a phone number, AWS does not say: here it does (the safe side).
        let filled = pool.signInWithDestination ? [typed.contains("@") ? "email" : "phone_number"] : []
        guard Set(attributes.keys).union(filled).isSubset(of: writable(by: client)) else {
            throw CognitoError("NotAuthorizedException", "A client attempted to write unauthorized attribute")
        }
        // With sign-in by email or phone, Cognito hands the trigger the user name as that attribute.
        if pool.signInWithDestination {
            attributes[typed.contains("@") ? "email" : "phone_number"] = attributes[typed.contains("@") ? "email" : "phone_number"] ?? typed
        }
        guard pool.find(typed) == nil else { throw CognitoError("UsernameExistsException", "User already exists") }
        let event = flow.envelope.event(
            .preSignUp, userName: typed,
            request: [
                "userAttributes": .object(attributes.mapValues { .string($0) }), "validationData": .null,
                "clientMetadata": input["ClientMetadata"] ?? [:],
            ],
            response: ["autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false])
        let answer = try flow.triggers.run(.preSignUp, event)
        let confirmed = answer["response"]?["autoConfirmUser"]?.bool == true
        let user = try pool.create(
            typedName: typed, attributes: attributes, status: confirmed ? "CONFIRMED" : "UNCONFIRMED",
            now: now() / 1000)
        return ["UserConfirmed": .bool(confirmed), "UserSub": .string(user.attributes["sub"] ?? "")]
    }
}
