import Foundation

/// Passwordless sign-up, sign-in, tokens and sign-out against a Cognito user pool, over either of its flows: this
/// project's custom authentication (`CUSTOM_AUTH`, any tier) or Cognito's own one-time passwords (`USER_AUTH`,
/// Essentials). Which one is configuration, or found out on the first sign-in; the app's code is the same.
///
/// One sign-in at a time: each call answers the step the previous one returned. The client never logs; its errors
/// and `Tokens` never show a code or a token.
public actor PasswordlessClient {
    private let configuration: PasswordlessConfiguration
    private let store: any TokenStore
    private let service: CognitoService
    private var flow: ResolvedFlow?
    private var pending: PendingSignIn?
    private var refreshing: Task<Result<Tokens, PasswordlessError>, Never>?

    public init(configuration: PasswordlessConfiguration, tokenStore: any TokenStore) {
        self.configuration = configuration
        store = tokenStore
        service = CognitoService(endpoint: configuration.endpoint, timeout: configuration.timeout)
        flow =
            switch configuration.flow {
            case .customAuth: .custom
            case .userAuth: .user
            case .discover: nil
            }
    }

    // MARK: Sign-up

    /// Makes an account for a phone number (E.164, `+` and digits) or an email address, as typed, through the sign-up
    /// app client, with a random password nobody will know (Cognito requires one; neither flow uses it).
    /// `attributes` are profile attributes (`name`, `locale`, …). An existing account is `.alreadyExists`: sign in.
    /// A refusal of this project's pre-sign-up is `.invalidInput` with the sentence to show in `userMessage`.
    public func signUp(
        _ typed: String, attributes: [String: String] = [:], clientMetadata: [String: String] = [:]
    ) async throws(PasswordlessError) -> SignUpResult {
        let identifier = try TypedIdentifier(typed)
        let attribute: String
        switch identifier {
        case .phone: attribute = "phone_number"
        case .email: attribute = "email"
        case .username: throw PasswordlessError(.invalidInput, detail: "sign up with a phone number or an email address")
        }
        var userAttributes = [["Name": attribute, "Value": identifier.value]]
        for (name, value) in attributes.sorted(by: { $0.key < $1.key }) { userAttributes.append(["Name": name, "Value": value]) }
        var request: [String: Any] = [
            "ClientId": configuration.signUpClientID ?? configuration.clientID, "Username": identifier.value,
            "Password": Self.throwawayPassword(), "UserAttributes": userAttributes,
        ]
        if !clientMetadata.isEmpty { request["ClientMetadata"] = clientMetadata }
        do throws(CognitoService.Failure) {
            let answer: SignUpAnswer = try await call("SignUp", request)
            return answer.userConfirmed == false ? .awaitingConfirmation : .created
        } catch {
            if error.cognitoType == "UsernameExistsException" { return .alreadyExists }
            throw error.publicError
        }
    }

    // MARK: Sign-in

    /// Starts a sign-in with what the user typed: a phone number, an email address or a user name. A sign-in in
    /// progress is dropped. `clientMetadata` goes with every call of this sign-in, to the pool's triggers.
    public func signIn(_ typed: String, clientMetadata: [String: String] = [:]) async throws(PasswordlessError) -> SignInStep {
        let identifier = try TypedIdentifier(typed)
        pending = nil
        let start = PendingSignIn(identifier, metadata: clientMetadata)
        switch flow {
        case .custom:
            return try await startCustom(start)
        case .user:
            return try await startUser(start, preferring: identifier.channel)
        case nil:
            do throws(PasswordlessError) {
                let step = try await startCustom(start)
                flow = .custom
                return step
            } catch  where error.cognitoType == "InvalidParameterException" && error.code == .misconfigured {
                // The app client does not allow CUSTOM_AUTH, or the pool has no custom triggers: Cognito's own codes.
                let step = try await startUser(start, preferring: identifier.channel)
                flow = .user
                return step
            }
        }
    }

    /// Answers the code the user typed (spaces are dropped).
    public func answer(_ code: String) async throws(PasswordlessError) -> SignInStep {
        guard var signIn = pending, case .code(let channel) = signIn.waiting else { throw Self.nothingWaiting("a code") }
        let code = code.filter { !$0.isWhitespace }
        guard !code.isEmpty else { throw PasswordlessError(.invalidInput, detail: "no code was typed") }
        let challenge: String
        var responses = ["USERNAME": signIn.username]
        switch signIn.flow {
        case .custom:
            challenge = Self.customChallenge
            responses["ANSWER"] = code
        case .user:
            challenge = signIn.challengeName
            responses[channel == .email ? "EMAIL_OTP_CODE" : "SMS_OTP_CODE"] = code
        }
        pending = nil
        let answer: AuthAnswer
        do throws(CognitoService.Failure) {
            answer = try await respond(challenge, signIn, responses, metadata: signIn.metadata)
        } catch {
            if case .network = error {
                pending = signIn  // the answer may not have arrived: the same session can be tried again
                throw error.publicError
            }
            switch error.cognitoType {
            case "CodeMismatchException":
                // Cognito's own codes: the same session takes another try.
                signIn.wrongAnswers += 1
                pending = signIn
                return .wrongCode(signIn.prompt(channel, configuration))
            case "ExpiredCodeException":
                return .ended(.expired)
            case "NotAuthorizedException":
                return .ended(Self.ending(error.message))
            default:
                throw error.publicError
            }
        }
        return try await proceed(answer, signIn, after: .answer)
    }

    /// Asks for another code, by `channel` or the same one. A new code makes the old one stop working.
    public func resend(channel: Channel? = nil) async throws(PasswordlessError) -> SignInStep {
        guard let signIn = pending, case .code(let current) = signIn.waiting else { throw Self.nothingWaiting("a code") }
        pending = nil
        switch signIn.flow {
        case .custom:
            var metadata = signIn.metadata
            metadata["action"] = "resend"
            if let channel { metadata["channel"] = channel.rawValue }
            let answer: AuthAnswer
            do throws(CognitoService.Failure) {
                answer = try await respond(
                    Self.customChallenge, signIn, ["USERNAME": signIn.username, "ANSWER": "resend"], metadata: metadata)
            } catch {
                if case .cognito(let type, let message) = error, TriggerFailure(type: type, message: message)?.endsSignIn == true {
                    return .ended(.noMoreCodes)
                }
                if error.cognitoType == "NotAuthorizedException" { return .ended(Self.ending(error.message)) }
                throw error.publicError
            }
            return try await proceed(answer, signIn, after: .resend)
        case .user:
            // Cognito's own codes have no resend: a new sign-in sends a new code.
            var again = PendingSignIn(signIn.typed, metadata: signIn.metadata)
            again.resends = signIn.resends + 1
            again.channels = signIn.channels
            return try await startUser(again, preferring: channel ?? current)
        }
    }

    /// Picks the channel of a `.chooseChannel` step.
    public func choose(_ channel: Channel) async throws(PasswordlessError) -> SignInStep {
        guard let signIn = pending, case .choice = signIn.waiting else { throw Self.nothingWaiting("a channel") }
        pending = nil
        let answer: AuthAnswer
        do throws(CognitoService.Failure) {
            switch signIn.flow {
            case .custom:
                var metadata = signIn.metadata
                metadata["channel"] = channel.rawValue
                answer = try await respond(
                    Self.customChallenge, signIn, ["USERNAME": signIn.username, "ANSWER": channel.rawValue], metadata: metadata)
            case .user:
                answer = try await respond(
                    "SELECT_CHALLENGE", signIn, ["USERNAME": signIn.username, "ANSWER": channel.userAuthChallenge],
                    metadata: signIn.metadata)
            }
        } catch {
            if error.cognitoType == "NotAuthorizedException" { return .ended(Self.ending(error.message)) }
            throw error.publicError
        }
        return try await proceed(answer, signIn, after: .choice)
    }

    // MARK: Tokens

    /// The stored tokens, refreshed first when they expire within `refreshMargin` (or always, with `forceRefresh`).
    /// Offline, tokens that have not expired yet are returned as they are. Revoked or expired refresh tokens are
    /// forgotten: `.notSignedIn`.
    public func tokens(forceRefresh: Bool = false) async throws(PasswordlessError) -> Tokens {
        if let refreshing { return try await refreshing.value.get() }
        guard let current = try load() else { throw PasswordlessError(.notSignedIn, detail: "no tokens are stored") }
        if !forceRefresh, current.expiresAt.timeIntervalSinceNow > configuration.refreshMargin { return current }
        let task = Task { await self.refresh(current) }
        refreshing = task
        let result = await task.value
        refreshing = nil
        return try result.get()
    }

    /// Signs out: `RevokeToken` revokes this device's refresh token and the access tokens issued with it; with
    /// `everywhere`, `GlobalSignOut` revokes every refresh token of the user. The device forgets the tokens either
    /// way; an error says the pool did not hear of it.
    public func signOut(everywhere: Bool = false) async throws(PasswordlessError) {
        pending = nil
        guard var current = try load() else { return }
        var failure: CognitoService.Failure?
        if everywhere {
            if current.expiresAt.timeIntervalSinceNow <= 0, let fresh = try? await tokens() { current = fresh }
            do throws(CognitoService.Failure) {
                let _: EmptyAnswer = try await call("GlobalSignOut", ["AccessToken": current.accessToken])
            } catch {
                failure = error
            }
        } else {
            do throws(CognitoService.Failure) {
                let _: EmptyAnswer = try await call(
                    "RevokeToken", ["ClientId": configuration.clientID, "Token": current.refreshToken])
            } catch {
                failure = error
            }
        }
        do {
            try store.remove()
        } catch {
            throw PasswordlessError(.storage, detail: String(describing: error))
        }
        // Tokens the pool no longer takes were signed out already.
        if let failure, failure.cognitoType != "NotAuthorizedException" { throw failure.publicError }
    }

    // MARK: The flows

    static let customChallenge = "CUSTOM_CHALLENGE"

    private func startCustom(_ signIn: PendingSignIn) async throws(PasswordlessError) -> SignInStep {
        var request: [String: Any] = [
            "ClientId": configuration.clientID, "AuthFlow": "CUSTOM_AUTH", "AuthParameters": ["USERNAME": signIn.typed.value],
        ]
        if !signIn.metadata.isEmpty { request["ClientMetadata"] = signIn.metadata }
        return try await proceed(try await initiate(request), signIn, after: .start)
    }

    /// `USER_AUTH`, preferring the channel the user typed: Cognito sends that code at once when the user has it,
    /// and answers `SELECT_CHALLENGE` otherwise (authentication-flows-selection-sdk.html).
    private func startUser(_ signIn: PendingSignIn, preferring channel: Channel?) async throws(PasswordlessError) -> SignInStep {
        var parameters = ["USERNAME": signIn.typed.value]
        if let channel { parameters["PREFERRED_CHALLENGE"] = channel.userAuthChallenge }
        var request: [String: Any] = ["ClientId": configuration.clientID, "AuthFlow": "USER_AUTH", "AuthParameters": parameters]
        if !signIn.metadata.isEmpty { request["ClientMetadata"] = signIn.metadata }
        var signIn = signIn
        signIn.flow = .user
        return try await proceed(try await initiate(request), signIn, after: .start)
    }

    private func initiate(_ request: [String: Any]) async throws(PasswordlessError) -> AuthAnswer {
        do throws(CognitoService.Failure) {
            return try await call("InitiateAuth", request)
        } catch {
            throw error.publicError
        }
    }

    /// What the call just made led to.
    private enum Action {
        case start, answer, resend, choice, newPassword
    }

    /// The step an answer leads to; keeps the sign-in waiting for it.
    private func proceed(
        _ answer: AuthAnswer, _ before: PendingSignIn, after action: Action
    ) async throws(PasswordlessError)
        -> SignInStep
    {
        if let result = answer.authenticationResult {
            pending = nil
            try save(result, keeping: nil)
            return .signedIn
        }
        guard let name = answer.challengeName, let session = answer.session else {
            throw PasswordlessError(.misconfigured, detail: "an answer with neither tokens nor a challenge")
        }
        let parameters = answer.challengeParameters ?? [:]
        var signIn = before
        signIn.session = session
        signIn.challengeName = name
        if let username = parameters["USERNAME"], !username.isEmpty { signIn.username = username }
        switch (signIn.flow, name) {
        case (.custom, Self.customChallenge) where parameters["step"] == "channel":
            let channels = (parameters["channels"] ?? "").split(separator: ",").compactMap { Channel(rawValue: String($0)) }
            guard !channels.isEmpty else { throw PasswordlessError(.misconfigured, detail: "a channel choice without channels") }
            signIn.channels = channels
            signIn.waiting = .choice
            pending = signIn
            return .chooseChannel(channels.map { ChannelOption(channel: $0, destination: parameters["\($0.rawValue)Destination"]) })
        case (.custom, Self.customChallenge):
            guard let channel = parameters["channel"].flatMap(Channel.init(rawValue:)) else {
                throw PasswordlessError(.misconfigured, detail: "a CUSTOM_CHALLENGE without a channel: not this project's triggers")
            }
            signIn.codeLength = parameters["codeLength"].flatMap { Int($0) }
            signIn.destination = parameters["destination"]
            return waitForCode(&signIn, channel, after: action)
        case (.user, "SELECT_CHALLENGE"):
            let channels = (answer.availableChallenges ?? []).compactMap(Channel.init(userAuthChallenge:))
            guard !channels.isEmpty else {
                throw PasswordlessError(.misconfigured, detail: "USER_AUTH offers this user no EMAIL_OTP or SMS_OTP")
            }
            signIn.channels = channels
            signIn.waiting = .choice
            pending = signIn
            if channels.count == 1 { return try await choose(channels[0]) }
            return .chooseChannel(channels.map { ChannelOption(channel: $0, destination: nil) })
        case (.user, "EMAIL_OTP"), (.user, "SMS_OTP"):
            let channel: Channel = name == "EMAIL_OTP" ? .email : .sms
            let offered = (answer.availableChallenges ?? []).compactMap(Channel.init(userAuthChallenge:))
            if !offered.isEmpty { signIn.channels = offered }
            if !signIn.channels.contains(channel) { signIn.channels.append(channel) }
            signIn.codeLength = Self.userAuthCodeLength
            signIn.destination = parameters["CODE_DELIVERY_DESTINATION"]
            return waitForCode(&signIn, channel, after: action)
        case (_, "NEW_PASSWORD_REQUIRED") where action != .newPassword:
            // An account an administrator made without a permanent password: Cognito asks for one after the code.
            // The user has no password and needs none; a random one ends the challenge.
            let next: AuthAnswer
            do throws(CognitoService.Failure) {
                next = try await respond(
                    name, signIn, ["USERNAME": signIn.username, "NEW_PASSWORD": Self.throwawayPassword()], metadata: signIn.metadata)
            } catch {
                throw error.publicError
            }
            return try await proceed(next, signIn, after: .newPassword)
        default:
            throw PasswordlessError(.misconfigured, detail: "the pool asks for \(name), which this library does not answer")
        }
    }

    private func waitForCode(_ signIn: inout PendingSignIn, _ channel: Channel, after action: Action) -> SignInStep {
        signIn.waiting = .code(channel)
        switch action {
        case .answer: signIn.wrongAnswers += 1
        case .resend: signIn.resends += 1
        case .start, .choice, .newPassword: break
        }
        pending = signIn
        let prompt = signIn.prompt(channel, configuration)
        return action == .answer ? .wrongCode(prompt) : .enterCode(prompt)
    }

    private func respond(
        _ challenge: String, _ signIn: PendingSignIn, _ responses: [String: String], metadata: [String: String]
    ) async throws(CognitoService.Failure) -> AuthAnswer {
        var request: [String: Any] = [
            "ClientId": configuration.clientID, "ChallengeName": challenge, "Session": signIn.session,
            "ChallengeResponses": responses,
        ]
        if !metadata.isEmpty { request["ClientMetadata"] = metadata }
        return try await call("RespondToAuthChallenge", request)
    }

    // MARK: Tokens kept

    private func refresh(_ current: Tokens) async -> Result<Tokens, PasswordlessError> {
        let request: [String: Any] = [
            "ClientId": configuration.clientID, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": ["REFRESH_TOKEN": current.refreshToken],
        ]
        do throws(CognitoService.Failure) {
            let answer: AuthAnswer = try await call("InitiateAuth", request)
            guard let result = answer.authenticationResult else {
                return .failure(PasswordlessError(.misconfigured, detail: "a refresh answered without tokens"))
            }
            do {
                return .success(try save(result, keeping: current.refreshToken))
            } catch {
                return .failure(error)
            }
        } catch {
            switch error {
            case .cognito("NotAuthorizedException", _), .cognito("UserNotFoundException", _):
                try? store.remove()
                return .failure(PasswordlessError(.notSignedIn, cognitoType: error.cognitoType, detail: error.message))
            case .network where current.expiresAt.timeIntervalSinceNow > 0:
                return .success(current)
            default:
                return .failure(error.publicError)
            }
        }
    }

    @discardableResult
    private func save(_ result: AuthenticationResult, keeping refreshToken: String?) throws(PasswordlessError) -> Tokens {
        guard let id = result.idToken, let access = result.accessToken, let refresh = result.refreshToken ?? refreshToken else {
            throw PasswordlessError(.misconfigured, detail: "an AuthenticationResult without its tokens")
        }
        // Whole seconds, which a store keeps exactly.
        let expiresAt = (Date().timeIntervalSince1970 + TimeInterval(result.expiresIn ?? 3600)).rounded(.down)
        let tokens = Tokens(
            idToken: id, accessToken: access, refreshToken: refresh, expiresAt: Date(timeIntervalSince1970: expiresAt))
        do {
            try store.save(tokens)
        } catch {
            throw PasswordlessError(.storage, detail: String(describing: error))
        }
        return tokens
    }

    private func load() throws(PasswordlessError) -> Tokens? {
        do {
            return try store.load()
        } catch {
            throw PasswordlessError(.storage, detail: String(describing: error))
        }
    }

    private func call<Answer: Decodable & Sendable>(
        _ operation: String, _ request: [String: Any]
    ) async throws(CognitoService.Failure)
        -> Answer
    {
        try await service.call(operation, CognitoService.body(request))
    }

    // MARK: Helpers

    /// Cognito's own one-time passwords have 8 digits, not configurable: the passwordless section of
    /// https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html,
    /// and the Amplify maintainers in https://github.com/aws-amplify/amplify-js/issues/14428.
    static let userAuthCodeLength = 8

    /// A `NotAuthorizedException` that ends a sign-in: an expired session, a disabled account, or (the trigger
    /// failed the sign-in) too many wrong codes.
    private static func ending(_ message: String) -> SignInEnd {
        if message.localizedCaseInsensitiveContains("expired") { return .expired }
        if message.localizedCaseInsensitiveContains("disabled") { return .refused }
        return .tooManyWrongCodes
    }

    private static func nothingWaiting(_ what: String) -> PasswordlessError {
        PasswordlessError(.noSignInInProgress, detail: "no sign-in is waiting for \(what)")
    }

    /// 32 random bytes from the system's secure generator, base64, and one of each kind a password policy asks for:
    /// sent once, never kept, never shown.
    static func throwawayPassword() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString() + "Aa1-"
    }
}

/// The flow a client speaks, once known.
enum ResolvedFlow: Equatable {
    case custom, user
}

/// A sign-in waiting for the user.
struct PendingSignIn {
    enum Waiting: Equatable {
        case code(Channel)
        case choice
    }

    var flow = ResolvedFlow.custom
    let typed: TypedIdentifier
    /// `USERNAME` for challenge responses: the pool's name for the user once a challenge has said it.
    var username: String
    var session = ""
    var challengeName = ""
    var waiting = Waiting.choice
    var wrongAnswers = 0
    var resends = 0
    /// The user's channels, as far as the pool has said.
    var channels: [Channel] = []
    var codeLength: Int?
    var destination: String?
    let metadata: [String: String]

    init(_ typed: TypedIdentifier, metadata: [String: String]) {
        self.typed = typed
        username = typed.value
        self.metadata = metadata
    }

    func prompt(_ channel: Channel, _ configuration: PasswordlessConfiguration) -> CodePrompt {
        let custom = flow == .custom
        return CodePrompt(
            channel: channel, destination: destination, codeLength: codeLength,
            attemptsLeft: custom ? configuration.maxAttempts.map { max(0, $0 - wrongAnswers) } : nil,
            resendsLeft: custom ? configuration.maxResends.map { max(0, $0 - resends) } : nil,
            otherChannels: channels.filter { $0 != channel })
    }
}

extension Channel {
    /// The `USER_AUTH` challenge that sends a code by this channel.
    var userAuthChallenge: String { self == .email ? "EMAIL_OTP" : "SMS_OTP" }

    init?(userAuthChallenge: String) {
        switch userAuthChallenge {
        case "EMAIL_OTP": self = .email
        case "SMS_OTP": self = .sms
        default: return nil
        }
    }
}
