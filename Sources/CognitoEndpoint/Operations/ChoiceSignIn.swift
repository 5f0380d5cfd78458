import JSON
import PasswordlessAuth
import Platform
import SignInDriver

/// A choice-based sign-in in progress: whose it is, the first factors it offered, and the code it sent.
struct ChoiceSession: Sendable {
    /// The account's user name; for a user that does not exist, the name typed at `InitiateAuth`.
    var userName: String
    var userNotFound: Bool
    /// `AvailableChallenges`, as offered at `InitiateAuth`.
    var available: [String]
    /// The one-time password sent; empty (no answer matches it) until one is sent, and for a user that does not exist.
    var code = ""
}

/// The texts Cognito sends one-time passwords in; `{####}` is the code.
struct OneTimePasswordMessages: Sendable, Equatable {
    var emailSubject = "Your authentication code"
    var email = "Your authentication code is {####}."
    var sms = "Your authentication code is {####}."
}

/// Cognito's own passwordless sign-in, as the Essentials tier has it: `InitiateAuth` with `USER_AUTH` answers the
/// `PREFERRED_CHALLENGE` when the user has it, else `SELECT_CHALLENGE` with `AvailableChallenges`; `EMAIL_OTP` and
/// `SMS_OTP` send an 8-digit code (to the outbox here, never to a log) and take it back as `EMAIL_OTP_CODE` or
/// `SMS_OTP_CODE`. No trigger runs. The rules and their sources are in docs/local-endpoint.md.
extension UserPoolServices {
    /// The one-time password factors, in the order `AvailableChallenges` lists them.
    static let passwordlessFactors = ["EMAIL_OTP", "SMS_OTP"]
    /// Wrong codes a session takes before it is spent (ours: AWS does not say).
    static let codeTries = 3

    /// `InitiateAuth` with `USER_AUTH`: the preferred challenge, or the choice.
    func startChoiceSignIn(_ input: JSONValue) throws(CognitoError) -> JSONValue {
        guard let typed = input["AuthParameters"]?["USERNAME"]?.string, !typed.isEmpty else {
            throw .invalidParameter("Missing required parameter USERNAME")
        }
        let found = pool.find(typed)
        if let found, !found.enabled { throw .userDisabled }
        if let found, found.status != "CONFIRMED", found.status != "FORCE_CHANGE_PASSWORD" {
            throw CognitoError("UserNotConfirmedException", "User is not confirmed.")
        }
        // A user that does not exist is offered what the pool offers (PreventUserExistenceErrors): the answer does not
        // tell who has an account. Nothing is sent to them, and no code they type matches.
        let available = Self.passwordlessFactors.filter { factor in
            options.firstFactors.contains(factor) && (found.map { Self.destination(of: $0, for: factor) != nil } ?? true)
        }
        var session = ChoiceSession(
            userName: found?.userName ?? typed.trimmingWhitespace(), userNotFound: found == nil, available: available)
        if let preferred = input["AuthParameters"]?["PREFERRED_CHALLENGE"]?.string, available.contains(preferred) {
            return try sendCode(preferred, &session)
        }
        // Passwords are not kept here, so PASSWORD and PASSWORD_SRP are never offered: an account with neither an
        // email nor a phone number has nothing to choose from.
        guard !available.isEmpty else { throw .notAuthorized }
        return [
            "ChallengeName": "SELECT_CHALLENGE",
            "Session": .string(sessions.issue(.choice(session), now: now, challenge: "SELECT_CHALLENGE")),
            "ChallengeParameters": ["USERNAME": .string(session.userName)], "AvailableChallenges": .array(available.map { .string($0) }),
        ]
    }

    /// `RespondToAuthChallenge` with `SELECT_CHALLENGE` (`ANSWER` a factor offered: its code is sent) or with
    /// `EMAIL_OTP`/`SMS_OTP` (`EMAIL_OTP_CODE`/`SMS_OTP_CODE`: the tokens, or NEW_PASSWORD_REQUIRED). `named` is the
    /// `USERNAME` of the challenge responses.
    func respondToChoice(_ input: JSONValue, challenge: String, named: String) throws(CognitoError) -> JSONValue {
        let token = try required(input, "Session")
        if challenge == "SELECT_CHALLENGE" {
            guard let answer = input["ChallengeResponses"]?["ANSWER"]?.string, !answer.isEmpty else {
                throw .invalidParameter("Missing required parameter ANSWER")
            }
            var session = try sessions.takeChoice(token, now: now, challenge: challenge)
            guard names(named, userName: session.userName, userNotFound: session.userNotFound) else { throw .invalidSessionForUser }
            guard session.available.contains(answer) else {
                throw .invalidParameter("\(answer) is not one of the AvailableChallenges of this sign-in.")
            }
            return try sendCode(answer, &session)
        }
        let member = challenge + "_CODE"
        guard let code = input["ChallengeResponses"]?[member]?.string, !code.isEmpty else {
            throw .invalidParameter("Missing required parameter \(member)")
        }
        let session = try sessions.answerCode(
            token, now: now, challenge: challenge, tries: Self.codeTries,
            names: { names(named, userName: $0.userName, userNotFound: $0.userNotFound) }, code: code)
        guard !session.userNotFound, let user = pool.find(session.userName) else { throw .notAuthorized }
        guard user.enabled else { throw .userDisabled }
        if user.status == "FORCE_CHANGE_PASSWORD" {
            return ChallengeAnswer.newPasswordRequired(CustomAuthSession(userName: user.userName, userNotFound: false), user, self)
        }
        return ["ChallengeParameters": [:], "AuthenticationResult": issueTokens(for: user, client: options.clientID)]
    }

    /// Sends a new code for `challenge` (`EMAIL_OTP` or `SMS_OTP`) and answers that challenge under a new session.
    private func sendCode(_ challenge: String, _ session: inout ChoiceSession) throws(CognitoError) -> JSONValue {
        // Drawn for everyone, so an unknown user's answer takes the same work.
        let code = try newCode()
        let user = session.userNotFound ? nil : pool.find(session.userName)
        let destination = user.flatMap { Self.destination(of: $0, for: challenge) }
        if let destination {
            deliver(code, by: challenge, to: destination)
            session.code = code
        }
        let shown = destination ?? session.userName
        return [
            "ChallengeName": .string(challenge),
            "Session": .string(sessions.issue(.choice(session), now: now, challenge: challenge)),
            "ChallengeParameters": [
                "CODE_DELIVERY_DELIVERY_MEDIUM": challenge == "EMAIL_OTP" ? "EMAIL" : "SMS",
                "CODE_DELIVERY_DESTINATION": .string(challenge == "EMAIL_OTP" ? Self.maskEmail(shown) : Self.maskPhone(shown)),
                "USERNAME": .string(session.userName),
            ],
        ]
    }

    /// Where `factor` sends an account's code: its email or its phone number.
    static func destination(of user: PoolUser, for factor: String) -> String? {
        let value = user.attributes[factor == "EMAIL_OTP" ? "email" : "phone_number"]
        return value?.isEmpty == false ? value : nil
    }

    /// The message, written to the outbox as the functions' console delivery writes theirs.
    private func deliver(_ code: String, by challenge: String, to destination: String) {
        let messages = options.otpMessages
        if challenge == "EMAIL_OTP" {
            let body = messages.email.replacing("{####}", with: code)
            outbox.append(channel: "email", destination: destination, message: "Subject: \(messages.emailSubject)\n\n\(body)")
        } else {
            outbox.append(channel: "sms", destination: destination, message: messages.sms.replacing("{####}", with: code))
        }
    }

    /// `a***@e***`: the first character of the address and of its domain.
    static func maskEmail(_ address: String) -> String {
        let parts = address.split(separator: "@", maxSplits: 1)
        guard parts.count == 2 else { return "***@***" }
        return "\(parts[0].prefix(1))***@\(parts[1].prefix(1))***"
    }

    /// `+*******0100`: the last four digits.
    static func maskPhone(_ number: String) -> String {
        guard number.hasPrefix("+"), number.count > 5 else { return "+**********" }
        return "+" + String(repeating: "*", count: number.count - 5) + number.suffix(4)
    }
}

/// Words from the kernel's CSPRNG for the endpoint's codes; a failure is an error, never a weak code.
final class KernelCodeSource: RandomSource {
    func next() throws -> UInt64 {
        var bytes = [UInt8](repeating: 0, count: 8)
        try SystemRandom.fill(&bytes)
        return bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}
