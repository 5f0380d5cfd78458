import JSON
import PasswordlessAuth
import Platform
import SignInDriver
import Synchronization

/// What Cognito's operations are handed: the pool's settings and accounts, its triggers (through the sign-in
/// driver), the sign-ins in progress, the tokens, and the clock.
final class UserPoolServices: Sendable {
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
        /// The app clients by ID, as a template declares them; nil: the two clients as template.yaml has them with
        /// self sign-up (`clientID` signs in, `signUpClientID` signs up).
        var clients: [String: AppClientSettings]? = nil
        /// `AdminCreateUserConfig.AllowAdminCreateUserOnly`: SignUp refused.
        var allowAdminCreateUserOnly = false
        /// `UserPoolTier`: `LITE`, `ESSENTIALS` (Cognito's default) or `PLUS`.
        var tier = "ESSENTIALS"
        /// `Policies.SignInPolicy.AllowedFirstAuthFactors` (Cognito's default: `PASSWORD` alone). With `EMAIL_OTP` or
        /// `SMS_OTP` the pool signs in without passwords, and the default sign-in client allows `USER_AUTH`.
        var firstFactors: Set<String> = ["PASSWORD"]
        /// The texts of the one-time passwords of choice-based sign-in.
        var otpMessages = OneTimePasswordMessages()

        /// Whether passwordless sign-in is active: a one-time password among the first factors.
        var passwordless: Bool { !firstFactors.isDisjoint(with: UserPoolServices.passwordlessFactors) }

        static let profileAttributes: Set = [
            "name", "given_name", "family_name", "middle_name", "nickname", "locale", "zoneinfo", "picture", "profile", "website",
            "gender", "birthdate", "address",
        ]

        /// The app client with this ID, if the pool has it.
        func client(_ id: String) -> AppClientSettings? {
            if let clients { return clients[id] }
            switch id {
            case clientID:
                return AppClientSettings(
                    name: "UserPoolClient", flows: Set(["CUSTOM_AUTH", "REFRESH_TOKEN_AUTH"] + (passwordless ? ["USER_AUTH"] : [])),
                    writeAttributes: Self.profileAttributes, readAttributes: nil)
            case signUpClientID:
                return AppClientSettings(
                    name: "SignUpClient", flows: ["REFRESH_TOKEN_AUTH"],
                    writeAttributes: Self.profileAttributes.union(["email", "phone_number"]),
                    readAttributes: nil)
            default: return nil
            }
        }
    }

    let options: Options
    let pool: UserPool
    let triggers: Triggers
    let flow: CustomAuthFlow<Triggers>
    let sessions: SessionStore
    let tokens: Tokens
    let clock: any WallClock
    /// Where the endpoint's own messages go (the one-time passwords of choice-based sign-in), as the functions' do.
    let outbox: Outbox
    /// The words codes are drawn from: the kernel's CSPRNG, or a seeded source in tests.
    private let codeSource: Mutex<any RandomSource>

    init(
        options: Options, pool: UserPool, signer: TokenSigner, triggers: Triggers, clock: any WallClock, outbox: Outbox,
        random: sending any RandomSource
    ) {
        self.options = options
        self.pool = pool
        self.triggers = triggers
        self.clock = clock
        self.outbox = outbox
        codeSource = Mutex(random)
        flow = CustomAuthFlow(
            runner: triggers,
            envelope: EventEnvelope(
                region: options.region, userPoolId: options.poolID,
                callerContext: CallerContext(awsSdkVersion: "aws-sdk-unknown-unknown", clientId: options.clientID)))
        sessions = SessionStore(minutes: options.sessionMinutes)
        tokens = Tokens(signer: signer, issuer: options.issuerBase + "/" + options.poolID, clientID: options.clientID)
    }

    /// Milliseconds since 1970.
    var now: Int64 { clock.nowEpochMilliseconds() }

    /// A new one-time password; a random source that fails is an internal error, never a weak code.
    func newCode() throws(CognitoError) -> String {
        do {
            return try codeSource.withLock { try OneTimeCode.generate(length: 8, using: $0) }
        } catch {
            throw CognitoError("InternalErrorException", "Amazon Cognito could not make a code.")
        }
    }

    /// The attributes the triggers see for a sign-in's user: none for a user that does not exist.
    func eventAttributes(_ session: CustomAuthSession) -> [String: String] {
        guard !session.userNotFound, let user = pool.find(session.userName) else { return [:] }
        return user.eventAttributes(aliases: pool.signInWithDestination)
    }
}

/// The checks several operations share, worded as Cognito words them.
extension UserPoolServices {
    /// The app client a call names, either of the pool's.
    func appClient(_ input: JSONValue) throws(CognitoError) -> String {
        guard let client = input["ClientId"]?.string else {
            throw .invalidParameter(
                "1 validation error detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null")
        }
        guard options.client(client) != nil else {
            throw CognitoError("ResourceNotFoundException", "User pool client \(client) does not exist.")
        }
        return client
    }

    /// Each client's `ExplicitAuthFlows` (template.yaml's: the sign-in client `ALLOW_CUSTOM_AUTH` and
    /// `ALLOW_REFRESH_TOKEN_AUTH`, the sign-up client `ALLOW_REFRESH_TOKEN_AUTH` alone, and it never issues tokens).
    /// `REFRESH_TOKEN` is the older name of `REFRESH_TOKEN_AUTH`.
    func checkFlow(_ flow: String, client: String) throws(CognitoError) {
        let allowed = options.client(client)?.flows ?? []
        guard allowed.contains(flow == "REFRESH_TOKEN" ? "REFRESH_TOKEN_AUTH" : flow) else {
            throw .invalidParameter("\(flow) flow not enabled for this client")
        }
    }

    /// What each app client may write (its `WriteAttributes`; template.yaml's sign-in client the profile attributes,
    /// never where codes go; its sign-up client those and email and phone_number).
    static let profileAttributes: Set = Options.profileAttributes

    func writable(by client: String) -> Set<String> { options.client(client)?.writeAttributes ?? [] }

    /// The account as `client` may read it (its `ReadAttributes`; `sub` always).
    func readable(_ user: PoolUser, by client: String) -> PoolUser {
        guard let read = options.client(client)?.readAttributes else { return user }
        var shown = user
        shown.attributes = user.attributes.filter { read.contains($0.key) || $0.key == "sub" }
        return shown
    }

    func required(_ input: JSONValue, _ member: String) throws(CognitoError) -> String {
        guard let value = input[member]?.string, !value.isEmpty else { throw .invalidParameter("Missing required parameter \(member)") }
        return value
    }

    /// The account `Username` names.
    func user(_ input: JSONValue) throws(CognitoError) -> PoolUser {
        guard let user = pool.find(try required(input, "Username")) else {
            throw CognitoError("UserNotFoundException", "User does not exist.")
        }
        return user
    }

    /// A `[{Name, Value}]` list as a map; absent is empty.
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

    /// `ClientMetadata`, a map of strings; nil when the call has none.
    func clientMetadata(_ input: JSONValue) throws(CognitoError) -> [String: String]? {
        guard let given = input["ClientMetadata"], given != .null else { return nil }
        guard let map = given.stringMap else {
            throw CognitoError("SerializationException", "ClientMetadata must be a map of strings.")
        }
        return map
    }
}

/// Cognito's own checks on who an account is, made before any trigger runs.
extension UserPoolServices {
    /// With sign-in by email or phone, a new account's user name must be one, well formed: Cognito answers
    /// `InvalidParameterException` before pre-sign-up sees it.
    func checkSignInName(_ typed: String) throws(CognitoError) {
        guard pool.signInWithDestination else { return }
        let name = typed.trimmingWhitespace()
        if name.contains("@") {
            guard AttributeFormat.isEmail(name) else { throw .invalidParameter("Invalid email address format.") }
        } else if name.hasPrefix("+") {
            guard AttributeFormat.isPhoneNumber(name) else { throw .invalidParameter("Invalid phone number format.") }
        } else {
            throw .invalidParameter("Username should be either an email or a phone number.")
        }
    }

    /// Where the pool signs in with email or phone, another account's is `AliasExistsException`.
    func checkAliases(_ changes: [String: String], of target: PoolUser) throws(CognitoError) {
        guard pool.signInWithDestination else { return }
        for name in ["email", "phone_number"] {
            guard let value = changes[name], !value.isEmpty, let other = pool.find(value), other.userName != target.userName else {
                continue
            }
            throw CognitoError("AliasExistsException", "An account with the given \(name) already exists.")
        }
    }
}

extension CognitoError {
    static let unauthorizedAttribute = CognitoError("NotAuthorizedException", "A client attempted to write unauthorized attribute")
}
