import Dispatch
import Foundation
import JSON
import PasswordlessAuth
import Synchronization
import Testing

@testable import CognitoEndpoint
@testable import TestSupport

/// Cognito Essentials' own passwordless sign-in in this process, through the router: `USER_AUTH` with
/// `PREFERRED_CHALLENGE` or `SELECT_CHALLENGE`, 8-digit `EMAIL_OTP`/`SMS_OTP` codes in the outbox, their answers, their
/// refusals, and the pool settings (options and template) that turn it on. The custom-auth stand-ins stay wired, so
/// both flows share one pool.
@Suite("CognitoService in-process: Essentials' choice-based passwordless sign-in")
struct EssentialsTests {
    final class Pool: Sendable {
        let stand = TriggerEventTests()
        let clock = MovableClock(seconds: 1_800_000_000)
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("essentials-\(UUID().uuidString)").path
        var outboxPath: String { state + "/outbox.jsonl" }
        let service: CognitoService

        init(
            factors: Set<String> = ["PASSWORD", "EMAIL_OTP", "SMS_OTP"], signInWithDestination: Bool = true,
            random: sending any RandomSource = KernelCodeSource(), messages: OneTimePasswordMessages = .init()
        ) throws {
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
            var options = UserPoolServices.Options(
                poolID: "us-east-1_LocalPool", clientID: "client1", signUpClientID: "signup1", region: "us-east-1",
                issuerBase: "http://127.0.0.1:1", sessionMinutes: 3)
            options.firstFactors = factors
            options.otpMessages = messages
            service = CognitoService(
                options: options,
                pool: try UserPool(statePath: state + "/users.json", signInWithDestination: signInWithDestination),
                signer: try TokenSigner(keyPath: state + "/signing-key.pem"),
                triggers: Triggers(functions: [.define: stand.define, .create: stand.create, .verify: stand.verify]), clock: clock,
                outbox: Outbox(path: state + "/outbox.jsonl"), random: random)
        }

        deinit { try? FileManager.default.removeItem(atPath: state) }

        func call(_ operation: String, _ input: JSONValue) -> (status: Int, body: JSONValue) {
            var headers = [("X-Amz-Target", "AWSCognitoIdentityProviderService." + operation)]
            if operation.hasPrefix("Admin") { headers.append(("Authorization", "AWS4-HMAC-SHA256 Credential=x")) }
            let response = service.handle(HTTPRequest(method: "POST", path: "/", headers: headers, body: input.bytes))
            return (response.status, JSONValue.parse(response.body) ?? .null)
        }

        /// An account made as the seed articles make it: AdminCreateUser, no password, no invitation.
        @discardableResult
        func created(_ name: String, _ attributes: [String: String] = [:]) throws -> JSONValue {
            let list = JSONValue.array(attributes.map { ["Name": .string($0.key), "Value": .string($0.value)] })
            let made = call(
                "AdminCreateUser",
                ["UserPoolId": "us-east-1_LocalPool", "Username": .string(name), "MessageAction": "SUPPRESS", "UserAttributes": list])
            return try #require(made.body["User"], "\(made.body)")
        }

        func start(_ name: String, preferred: String? = nil, client: String = "client1") -> (status: Int, body: JSONValue) {
            var parameters: [String: JSONValue] = ["USERNAME": .string(name)]
            if let preferred { parameters["PREFERRED_CHALLENGE"] = .string(preferred) }
            return call("InitiateAuth", ["ClientId": .string(client), "AuthFlow": "USER_AUTH", "AuthParameters": .object(parameters)])
        }

        func respond(_ challenge: String, _ session: JSONValue?, _ responses: [String: JSONValue]) -> (status: Int, body: JSONValue) {
            call(
                "RespondToAuthChallenge",
                [
                    "ClientId": "client1", "ChallengeName": .string(challenge), "Session": session ?? .null,
                    "ChallengeResponses": .object(responses),
                ])
        }

        /// The `EMAIL_OTP_CODE` or `SMS_OTP_CODE` answer to a challenge, naming its user.
        func answer(_ challenge: JSONValue, _ code: String) -> (status: Int, body: JSONValue) {
            let name = challenge["ChallengeName"]?.string ?? ""
            return respond(
                name, challenge["Session"],
                ["USERNAME": challenge["ChallengeParameters"]?["USERNAME"] ?? .null, name + "_CODE": .string(code)])
        }

        /// Every message in the outbox, oldest first.
        var sent: [JSONValue] {
            guard let text = try? String(contentsOfFile: outboxPath, encoding: .utf8) else { return [] }
            return text.split(separator: "\n").compactMap { JSONValue.parse(Array($0.utf8)) }
        }

        /// The code of the last message to `destination`: the digits after "is ".
        func code(to destination: String) throws -> String {
            let message = try #require(
                sent.last { $0["destination"]?.string == destination }?["message"]?.string, "no message to \(destination)")
            return String(message.split(separator: " is ").last?.prefix { $0.isNumber } ?? "")
        }

        func tokens(_ answer: (status: Int, body: JSONValue)) -> [String: JSONValue]? {
            guard answer.status == 200, let claims = service.signer.verify(answer.body["AuthenticationResult"]?["IdToken"]?.string ?? "")
            else {
                return nil
            }
            return claims.object
        }
    }

    static func refused(_ answer: (status: Int, body: JSONValue), _ type: String, _ message: String) -> Bool {
        answer.status == 400 && answer.body["__type"]?.string == type && answer.body["message"]?.string == message
    }

    @Test("the seed articles' calls: AdminCreateUser SUPPRESS, USER_AUTH with PREFERRED_CHALLENGE=EMAIL_OTP, EMAIL_OTP_CODE: tokens")
    func emailCode() throws {
        let pool = try Pool()
        let user = try pool.created("ada@example.com", ["email_verified": "true"])
        #expect(user["UserStatus"] == "CONFIRMED", "no password in a passwordless pool: nothing to change")
        let challenge = pool.start("ada@example.com", preferred: "EMAIL_OTP")
        #expect(challenge.status == 200 && challenge.body["ChallengeName"] == "EMAIL_OTP", "\(challenge.body)")
        #expect(
            challenge.body["ChallengeParameters"] == [
                "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL", "CODE_DELIVERY_DESTINATION": "a***@e***", "USERNAME": user["Username"] ?? .null,
            ])
        #expect(challenge.body["AvailableChallenges"] == nil && (challenge.body["Session"]?.string?.count ?? 0) >= 20)
        let sent = try #require(pool.sent.last)
        #expect(sent["channel"] == "email" && sent["destination"] == "ada@example.com")
        let code = try pool.code(to: "ada@example.com")
        #expect(code.count == 8 && code.allSatisfy(\.isNumber), "Cognito's 8 digits")
        #expect(sent["message"]?.string == "Subject: Your authentication code\n\nYour authentication code is \(code).")
        #expect(!String(decoding: challenge.body.bytes, as: UTF8.self).contains(code), "the code is only in the outbox")
        // The seed articles answer with the email they typed, not the generated user name: both name the user.
        let done = pool.respond(
            "EMAIL_OTP", challenge.body["Session"], ["USERNAME": "ada@example.com", "EMAIL_OTP_CODE": .string(code)])
        let claims = try #require(pool.tokens(done), "\(done.body)")
        #expect(claims["email"] == "ada@example.com" && claims["cognito:username"] == user["Username"])
        #expect(done.body["ChallengeParameters"] == [:] && done.body["AuthenticationResult"]?["RefreshToken"]?.string != nil)
        let again = pool.answer(challenge.body, code)
        #expect(Self.refused(again, "NotAuthorizedException", "Incorrect username or password."), "a session works once: \(again.body)")
    }

    @Test("SMS_OTP: the code to the phone number, masked to its last four digits, answered as SMS_OTP_CODE")
    func smsCode() throws {
        let pool = try Pool()
        let user = try pool.created("+15555550100")
        let challenge = pool.start("+15555550100", preferred: "SMS_OTP")
        #expect(challenge.body["ChallengeName"] == "SMS_OTP", "\(challenge.body)")
        #expect(challenge.body["ChallengeParameters"]?["CODE_DELIVERY_DELIVERY_MEDIUM"] == "SMS")
        #expect(challenge.body["ChallengeParameters"]?["CODE_DELIVERY_DESTINATION"] == "+*******0100")
        let sent = try #require(pool.sent.last)
        let code = try pool.code(to: "+15555550100")
        #expect(sent["channel"] == "sms" && sent["message"]?.string == "Your authentication code is \(code).")
        let claims = try #require(pool.tokens(pool.answer(challenge.body, code)))
        #expect(claims["cognito:username"] == user["Username"] && claims["phone_number"] == "+15555550100")
    }

    @Test("no PREFERRED_CHALLENGE: SELECT_CHALLENGE with the factors this user has; ANSWER sends that code; nothing sent before")
    func selectChallenge() throws {
        let pool = try Pool()
        try pool.created("+15555550101", ["email": "both@example.com"])
        try pool.created("only@example.com")
        let both = pool.start("+15555550101")
        #expect(both.body["ChallengeName"] == "SELECT_CHALLENGE" && both.body["AvailableChallenges"] == ["EMAIL_OTP", "SMS_OTP"])
        #expect(pool.sent.isEmpty, "a choice sends nothing")
        #expect(pool.start("only@example.com").body["AvailableChallenges"] == ["EMAIL_OTP"], "no phone number: no SMS_OTP")
        let name = both.body["ChallengeParameters"]?["USERNAME"] ?? .null
        // Refusals: no ANSWER (the session is not spent), then a factor not offered (it is).
        let missing = pool.respond("SELECT_CHALLENGE", both.body["Session"], ["USERNAME": name])
        #expect(Self.refused(missing, "InvalidParameterException", "Missing required parameter ANSWER"))
        let other = pool.start("only@example.com")
        let notOffered = pool.respond(
            "SELECT_CHALLENGE", other.body["Session"], ["USERNAME": "only@example.com", "ANSWER": "SMS_OTP"])
        #expect(
            Self.refused(notOffered, "InvalidParameterException", "SMS_OTP is not one of the AvailableChallenges of this sign-in."),
            "\(notOffered.body)")
        let chosen = pool.respond("SELECT_CHALLENGE", both.body["Session"], ["USERNAME": name, "ANSWER": "SMS_OTP"])
        #expect(chosen.body["ChallengeName"] == "SMS_OTP" && chosen.body["Session"] != both.body["Session"], "\(chosen.body)")
        #expect(pool.sent.count == 1 && pool.sent.last?["destination"] == "+15555550101")
        #expect(pool.tokens(pool.answer(chosen.body, try pool.code(to: "+15555550101"))) != nil)
    }

    @Test(
        "a PREFERRED_CHALLENGE this user cannot have is answered with the choice",
        arguments: ["SMS_OTP", "PASSWORD", "PASSWORD_SRP", "WEB_AUTHN", "NOT_A_FACTOR"])
    func unavailablePreference(preferred: String) throws {
        let pool = try Pool()
        try pool.created("only@example.com")
        let answer = pool.start("only@example.com", preferred: preferred)
        #expect(answer.body["ChallengeName"] == "SELECT_CHALLENGE" && answer.body["AvailableChallenges"] == ["EMAIL_OTP"])
        #expect(pool.sent.isEmpty)
    }

    @Test("a wrong code is CodeMismatchException and the session stays for the right one; the third wrong code spends it")
    func wrongCodes() throws {
        // Foreseen codes: 11111111, then 22222222.
        let pool = try Pool(random: Words([111_111_111, 222_222_222]))
        try pool.created("ada@example.com")
        let first = pool.start("ada@example.com", preferred: "EMAIL_OTP")
        #expect(try pool.code(to: "ada@example.com") == "11111111")
        let mismatch = ("CodeMismatchException", "Invalid code or auth state for the user.")
        for wrong in ["00000000", "111111111"] {
            #expect(Self.refused(pool.answer(first.body, wrong), mismatch.0, mismatch.1))
        }
        #expect(pool.tokens(pool.answer(first.body, "11111111")) != nil, "after two wrong codes the right one still signs in")
        let second = pool.start("ada@example.com", preferred: "EMAIL_OTP")
        #expect(try pool.code(to: "ada@example.com") == "22222222", "each sign-in sends its own code")
        #expect(Self.refused(pool.answer(second.body, "11111111"), mismatch.0, mismatch.1), "the first sign-in's code")
        #expect(Self.refused(pool.answer(second.body, "22222223"), mismatch.0, mismatch.1))
        #expect(Self.refused(pool.answer(second.body, "2222222"), "NotAuthorizedException", "Incorrect username or password."), "the third")
        #expect(Self.refused(pool.answer(second.body, "22222222"), "NotAuthorizedException", "Incorrect username or password."), "spent")
        #expect(pool.sent.count == 2, "a wrong code sends nothing")
    }

    @Test("the session lasts AuthSessionValidity from its issue, wrong codes or not; a code does not outlive it")
    func expiry() throws {
        let pool = try Pool()
        try pool.created("ada@example.com")
        let challenge = pool.start("ada@example.com", preferred: "EMAIL_OTP")
        let code = try pool.code(to: "ada@example.com")
        pool.clock.advance(seconds: 170)
        #expect(pool.answer(challenge.body, "1").status == 400)
        pool.clock.advance(seconds: 10)
        let late = pool.answer(challenge.body, code)
        #expect(Self.refused(late, "NotAuthorizedException", "Invalid session for the user, session is expired."), "\(late.body)")
        #expect(Self.refused(pool.answer(challenge.body, code), "NotAuthorizedException", "Incorrect username or password."))
        // SELECT_CHALLENGE's session too.
        let choice = pool.start("ada@example.com")
        pool.clock.advance(seconds: 180)
        let select = pool.respond(
            "SELECT_CHALLENGE", choice.body["Session"], ["USERNAME": "ada@example.com", "ANSWER": "EMAIL_OTP"])
        #expect(Self.refused(select, "NotAuthorizedException", "Invalid session for the user, session is expired."))
    }

    @Test("USERNAME: missing is refused with the session kept; another user's spends it; another challenge name spends it")
    func names() throws {
        let pool = try Pool()
        try pool.created("ada@example.com")
        try pool.created("bob@example.com")
        let challenge = pool.start("ada@example.com", preferred: "EMAIL_OTP")
        let code = try pool.code(to: "ada@example.com")
        let missing = pool.respond("EMAIL_OTP", challenge.body["Session"], ["EMAIL_OTP_CODE": .string(code)])
        #expect(Self.refused(missing, "InvalidParameterException", "Missing required parameter USERNAME"))
        let noCode = pool.respond("EMAIL_OTP", challenge.body["Session"], ["USERNAME": "ada@example.com", "SMS_OTP_CODE": .string(code)])
        #expect(Self.refused(noCode, "InvalidParameterException", "Missing required parameter EMAIL_OTP_CODE"))
        let other = pool.respond("EMAIL_OTP", challenge.body["Session"], ["USERNAME": "bob@example.com", "EMAIL_OTP_CODE": .string(code)])
        #expect(Self.refused(other, "NotAuthorizedException", "Invalid session provided for the user."))
        #expect(Self.refused(pool.answer(challenge.body, code), "NotAuthorizedException", "Incorrect username or password."))
        for answeredAs in ["SMS_OTP", "CUSTOM_CHALLENGE", "SELECT_CHALLENGE"] {
            let fresh = pool.start("ada@example.com", preferred: "EMAIL_OTP")
            let answer = pool.respond(
                answeredAs, fresh.body["Session"], ["USERNAME": "ada@example.com", "SMS_OTP_CODE": "1", "ANSWER": "EMAIL_OTP"])
            #expect(Self.refused(answer, "NotAuthorizedException", "Invalid session for the user."), "\(answeredAs): \(answer.body)")
            #expect(
                Self.refused(
                    pool.answer(fresh.body, try pool.code(to: "ada@example.com")), "NotAuthorizedException",
                    "Incorrect username or password."))
        }
    }

    @Test("two answers racing on one session: one signs in, never both")
    func racingAnswers() throws {
        let pool = try Pool()
        try pool.created("ada@example.com")
        let challenge = pool.start("ada@example.com", preferred: "EMAIL_OTP")
        let code = try pool.code(to: "ada@example.com")
        let signedIn = Atomic(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            if pool.answer(challenge.body, code).status == 200 { _ = signedIn.add(1, ordering: .relaxed) }
        }
        #expect(signedIn.load(ordering: .relaxed) == 1)
    }

    @Test("a user that does not exist gets the same shapes, and nothing is sent; no code signs them in")
    func unknownUser() throws {
        let pool = try Pool()
        let choice = pool.start("nobody@example.com")
        #expect(choice.body["ChallengeName"] == "SELECT_CHALLENGE" && choice.body["AvailableChallenges"] == ["EMAIL_OTP", "SMS_OTP"])
        let challenge = pool.start("nobody@example.com", preferred: "EMAIL_OTP")
        #expect(challenge.body["ChallengeParameters"]?["CODE_DELIVERY_DESTINATION"] == "n***@e***", "\(challenge.body)")
        #expect(pool.sent.isEmpty)
        #expect(Self.refused(pool.answer(challenge.body, "12345678"), "CodeMismatchException", "Invalid code or auth state for the user."))
    }

    @Test("disabled, unconfirmed, FORCE_CHANGE_PASSWORD: refused, refused, NEW_PASSWORD_REQUIRED after the code")
    func accountStates() throws {
        let pool = try Pool()
        try pool.created("off@example.com")
        #expect(pool.call("AdminDisableUser", ["UserPoolId": "us-east-1_LocalPool", "Username": "off@example.com"]).status == 200)
        #expect(Self.refused(pool.start("off@example.com", preferred: "EMAIL_OTP"), "NotAuthorizedException", "User is disabled."))
        // A self sign-up that no pre-sign-up confirmed (none is wired here) stays UNCONFIRMED.
        let signedUp = pool.call("SignUp", ["ClientId": "signup1", "Username": "new@example.com", "Password": "Thr0w-away!"])
        #expect(signedUp.body["UserConfirmed"] == false, "\(signedUp.body)")
        #expect(Self.refused(pool.start("new@example.com", preferred: "EMAIL_OTP"), "UserNotConfirmedException", "User is not confirmed."))
        #expect(pool.sent.isEmpty)
        let made = pool.call(
            "AdminCreateUser", ["UserPoolId": "us-east-1_LocalPool", "Username": "temp@example.com", "TemporaryPassword": "Temp0rary!"])
        #expect(made.body["User"]?["UserStatus"] == "FORCE_CHANGE_PASSWORD", "a password given: changed at first sign-in")
        let challenge = pool.start("temp@example.com", preferred: "EMAIL_OTP")
        let asked = pool.answer(challenge.body, try pool.code(to: "temp@example.com"))
        #expect(asked.body["ChallengeName"] == "NEW_PASSWORD_REQUIRED", "\(asked.body)")
        let done = pool.respond(
            "NEW_PASSWORD_REQUIRED", asked.body["Session"], ["USERNAME": "temp@example.com", "NEW_PASSWORD": "N3w-passw0rd!"])
        #expect(pool.tokens(done) != nil, "\(done.body)")
    }

    @Test("AdminInitiateAuth and AdminRespondToAuthChallenge take USER_AUTH the same way")
    func adminForm() throws {
        let pool = try Pool()
        try pool.created("ada@example.com")
        let challenge = pool.call(
            "AdminInitiateAuth",
            [
                "UserPoolId": "us-east-1_LocalPool", "ClientId": "client1", "AuthFlow": "USER_AUTH",
                "AuthParameters": ["USERNAME": "ada@example.com", "PREFERRED_CHALLENGE": "EMAIL_OTP"],
            ])
        #expect(challenge.body["ChallengeName"] == "EMAIL_OTP", "\(challenge.body)")
        let done = pool.call(
            "AdminRespondToAuthChallenge",
            [
                "UserPoolId": "us-east-1_LocalPool", "ClientId": "client1", "ChallengeName": "EMAIL_OTP",
                "Session": challenge.body["Session"] ?? .null,
                "ChallengeResponses": ["USERNAME": "ada@example.com", "EMAIL_OTP_CODE": .string(try pool.code(to: "ada@example.com"))],
            ])
        #expect(pool.tokens(done) != nil, "\(done.body)")
    }

    @Test("a pool without a one-time password factor, and a client without ALLOW_USER_AUTH, refuse USER_AUTH as Cognito does")
    func notEnabled() throws {
        let plain = try Pool(factors: ["PASSWORD"])
        try plain.created("ada@example.com")
        let refused = plain.start("ada@example.com", preferred: "EMAIL_OTP")
        #expect(Self.refused(refused, "InvalidParameterException", "USER_AUTH flow not enabled for this client"))
        let respond = plain.respond(
            "EMAIL_OTP", .string(String(repeating: "s", count: 40)), ["USERNAME": "ada@example.com", "EMAIL_OTP_CODE": "1"])
        #expect(Self.refused(respond, "InvalidParameterException", "USER_AUTH flow not enabled for this client"))
        #expect(
            plain.call("AdminCreateUser", ["UserPoolId": "us-east-1_LocalPool", "Username": "b@example.com"]).body["User"]?["UserStatus"]
                == "FORCE_CHANGE_PASSWORD", "no passwordless options: a password is made")
        let essentials = try Pool()
        try essentials.created("ada@example.com")
        #expect(
            Self.refused(
                essentials.start("ada@example.com", client: "signup1"), "InvalidParameterException",
                "USER_AUTH flow not enabled for this client"))
        // The custom-auth path is untouched beside it.
        let custom = essentials.call(
            "InitiateAuth", ["ClientId": "client1", "AuthFlow": "CUSTOM_AUTH", "AuthParameters": ["USERNAME": "ada@example.com"]])
        #expect(custom.body["ChallengeName"] == "CUSTOM_CHALLENGE")
    }

    @Test("a user-name pool: a passwordless account needs an email or a phone number to sign in with")
    func userNamePool() throws {
        let pool = try Pool(signInWithDestination: false)
        let none = pool.call("AdminCreateUser", ["UserPoolId": "us-east-1_LocalPool", "Username": "ada", "MessageAction": "SUPPRESS"])
        #expect(
            Self.refused(
                none, "InvalidParameterException", "A user without a password needs an email address or a phone number to sign in with."))
        try pool.created("ada", ["email": "ada@example.com"])
        let challenge = pool.start("ada", preferred: "EMAIL_OTP")
        #expect(challenge.body["ChallengeParameters"]?["USERNAME"] == "ada")
        #expect(pool.tokens(pool.answer(challenge.body, try pool.code(to: "ada@example.com")))?["cognito:username"] == "ada")
    }

    @Test("the pool's messages: {####} is the code")
    func messages() throws {
        let pool = try Pool(messages: .init(emailSubject: "Sign in to Demo", email: "Code: {####} (Demo)", sms: "Demo {####}"))
        try pool.created("ada@example.com")
        _ = pool.start("ada@example.com", preferred: "EMAIL_OTP")
        let message = try #require(pool.sent.last?["message"]?.string)
        let (head, tail) = ("Subject: Sign in to Demo\n\nCode: ", " (Demo)")
        #expect(message.hasPrefix(head) && message.hasSuffix(tail) && message.count == head.count + 8 + tail.count, "\(message)")
        #expect(message.dropFirst(head.count).prefix(8).allSatisfy { $0.isNumber })
    }

    /// Words given in order, for codes a test can foresee.
    final class Words: RandomSource {
        private var words: [UInt64]
        init(_ words: [UInt64]) { self.words = words }
        func next() throws -> UInt64 {
            guard !words.isEmpty else { throw PasswordlessError.randomSourceFailed }
            return words.removeFirst()
        }
    }

    @Test("codes: 8 digits with their leading zeros, the biased low words drawn again, from the injected source")
    func codes() throws {
        // 2^64 mod 10^8 = 9,551,616: words below it would make codes under 09551616 likelier, and are drawn again.
        let threshold: UInt64 = 9_551_616
        #expect((0 &- UInt64(100_000_000)) % 100_000_000 == threshold)
        #expect(try OneTimeCode.generate(length: 8, using: Words([threshold])) == "09551616")
        #expect(try OneTimeCode.generate(length: 8, using: Words([0, threshold - 1, 100_000_042])) == "00000042", "drawn again twice")
        #expect(try OneTimeCode.generate(length: 8, using: Words([UInt64.max])) == "09551615")
        #expect(try OneTimeCode.generate(length: 8, using: Words([199_999_999])) == "99999999")
        #expect(OneTimeCode.matches(answer: "01234567", code: "01234567"))
        #expect(!OneTimeCode.matches(answer: "0123456", code: "01234567") && !OneTimeCode.matches(answer: "", code: ""))
        // The endpoint draws from the source it is given: a seeded one foretells the first code.
        let expected = try OneTimeCode.generate(length: 8, using: seededSource(77))
        let pool = try Pool(random: seededSource(77))
        try pool.created("ada@example.com")
        _ = pool.start("ada@example.com", preferred: "EMAIL_OTP")
        #expect(try pool.code(to: "ada@example.com") == expected)
        // A source that fails sends nothing and signs nobody in.
        let broken = try Pool(random: Words([]))
        try broken.created("ada@example.com")
        #expect(broken.start("ada@example.com", preferred: "EMAIL_OTP").body["__type"] == "InternalErrorException")
        #expect(broken.sent.isEmpty)
    }
}

/// The settings that turn Essentials' sign-in on: the command line and the template form.
@Suite("Essentials: --first-factors, --user-pool-tier and the template's UserPoolTier, SignInPolicy and ALLOW_USER_AUTH")
struct EssentialsSettingsTests {
    @Test("--first-factors and --user-pool-tier: parsed, checked, and refused beside a template")
    func arguments() throws {
        let parsed = try EndpointCommand.parse(["--no-template", "--first-factors", "EMAIL_OTP,SMS_OTP"])
        #expect(parsed.firstFactors == ["EMAIL_OTP", "SMS_OTP"] && parsed.tier == "ESSENTIALS")
        #expect(try EndpointCommand.parse(["--no-template"]).firstFactors == ["PASSWORD"])
        for (arguments, named) in [
            (["--first-factors", "EMAIL_OTP", "--user-pool-tier", "LITE"], "needs --user-pool-tier ESSENTIALS or PLUS"),
            (["--first-factors", "EMAIL_OTP,WEB_AUTHN"], "WEB_AUTHN: the endpoint has PASSWORD, EMAIL_OTP and SMS_OTP (no passkeys here)"),
            (["--user-pool-tier", "GOLD"], "--user-pool-tier is LITE, ESSENTIALS or PLUS"),
        ] {
            #expect(throws: EndpointError.self) { try EndpointCommand.parse(["--no-template"] + arguments) }
            do {
                _ = try EndpointCommand.parse(["--no-template"] + arguments)
            } catch {
                #expect(error.description.contains(named), "\(error)")
            }
        }
        #expect(throws: EndpointError.self) {
            try EndpointCommand.parse(["--first-factors", "EMAIL_OTP"], defaultTemplate: PoolTemplateTests.templateYAML)
        }
    }

    /// An Essentials pool with one-time codes by email, custom message texts and an ALLOW_USER_AUTH client; the same
    /// file client_test.py's `essentials` scenario serves.
    static let essentials =
        (try? String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("essentials-pool.yaml"),
            encoding: .utf8)) ?? ""

    @Test("a template with UserPoolTier, SignInPolicy and an ALLOW_USER_AUTH client, and no custom-auth triggers: read and served")
    func template() throws {
        let pool = try PoolTemplateTests.read(Self.essentials)
        #expect(pool.tier == "ESSENTIALS" && pool.firstFactors == ["PASSWORD", "EMAIL_OTP"] && pool.functions.isEmpty)
        #expect(pool.signIn.flows == ["USER_AUTH", "REFRESH_TOKEN_AUTH"] && pool.signUp == nil)
        #expect(
            pool.otpMessages == .init(emailSubject: "Your Demo code", email: "Your Demo code is {####}", sms: OneTimePasswordMessages().sms)
        )
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("essentials-template-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: state) }
        var options = UserPoolServices.Options(
            poolID: "us-east-1_LocalPool", clientID: "client1", signUpClientID: "signup1", region: "us-east-1",
            issuerBase: "http://127.0.0.1:1", sessionMinutes: 3)
        options.apply(pool)
        let service = CognitoService(
            options: options, pool: try UserPool(statePath: state + "/users.json", signInWithDestination: true),
            signer: try TokenSigner(keyPath: state + "/signing-key.pem"), triggers: Triggers(functions: [:]),
            outbox: Outbox(path: state + "/outbox.jsonl"))
        let call = TriggerEventTests().call
        _ = call(
            service, "AdminCreateUser", ["UserPoolId": "us-east-1_LocalPool", "Username": "ada@example.com", "MessageAction": "SUPPRESS"])
        let challenge = call(
            service, "InitiateAuth",
            [
                "ClientId": "client1", "AuthFlow": "USER_AUTH",
                "AuthParameters": ["USERNAME": "ada@example.com", "PREFERRED_CHALLENGE": "EMAIL_OTP"],
            ])
        #expect(challenge["ChallengeName"] == "EMAIL_OTP", "\(challenge)")
        let line = try String(contentsOfFile: state + "/outbox.jsonl", encoding: .utf8)
        let message = try #require(JSONValue.parse(Array(line.utf8))?["message"]?.string)
        #expect(message.hasPrefix("Subject: Your Demo code\n\nYour Demo code is "))
        let code = String(message.suffix(8))
        let done = call(
            service, "RespondToAuthChallenge",
            [
                "ClientId": "client1", "ChallengeName": "EMAIL_OTP", "Session": challenge["Session"] ?? .null,
                "ChallengeResponses": ["USERNAME": "ada@example.com", "EMAIL_OTP_CODE": .string(code)],
            ])
        #expect(done["AuthenticationResult"]?["AccessToken"]?.string != nil, "\(done)")
        let custom = call(
            service, "InitiateAuth", ["ClientId": "client1", "AuthFlow": "CUSTOM_AUTH", "AuthParameters": ["USERNAME": "ada@example.com"]])
        #expect(custom == ["__type": "InvalidParameterException", "message": "CUSTOM_AUTH flow not enabled for this client"])
    }

    @Test(
        "what the endpoint cannot honour, or Cognito would not deploy, is refused by name",
        arguments: [
            ("UserPoolTier: ESSENTIALS", "UserPoolTier: LITE", "Pool Policies.SignInPolicy: needs UserPoolTier ESSENTIALS or PLUS"),
            ("UserPoolTier: ESSENTIALS", "UserPoolTier: GOLD", "Pool UserPoolTier GOLD: LITE, ESSENTIALS or PLUS"),
            (
                "[PASSWORD, EMAIL_OTP]", "[PASSWORD, WEB_AUTHN]",
                "AllowedFirstAuthFactors WEB_AUTHN: the endpoint has PASSWORD, EMAIL_OTP and SMS_OTP (no passkeys here)"
            ),
            (
                "[PASSWORD, EMAIL_OTP]", "[PASSWORD]",
                "Client ExplicitAuthFlows ALLOW_USER_AUTH: the pool's AllowedFirstAuthFactors need EMAIL_OTP or SMS_OTP"
            ),
            ("\"Your Demo code is {####}\"", "Your Demo code", "Pool EmailAuthenticationMessage: must contain {####}"),
            (
                "      Policies:\n", "      Policies:\n        PasswordPolicy: { MinimumLength: 8 }\n",
                "Pool Policies PasswordPolicy: not honoured"
            ),
            (
                "[ALLOW_USER_AUTH, ALLOW_REFRESH_TOKEN_AUTH]", "[ALLOW_REFRESH_TOKEN_AUTH]",
                "no app client with ALLOW_CUSTOM_AUTH or ALLOW_USER_AUTH"
            ),
        ])
    func refusals(original: String, replacement: String, named: String) {
        #expect(Self.essentials.contains(original))
        let refused = PoolTemplateTests.refusal(Self.essentials.replacingOccurrences(of: original, with: replacement))
        #expect(refused?.contains(named) == true, "\(refused ?? "accepted")")
    }

    @Test("ALLOW_USER_AUTH in a Lite pool is refused; template.yaml, which declares neither, keeps Cognito's defaults")
    func lite() throws {
        let lite = Self.essentials.replacingOccurrences(of: "UserPoolTier: ESSENTIALS", with: "UserPoolTier: LITE")
            .replacingOccurrences(
                of: "      Policies:\n        SignInPolicy:\n          AllowedFirstAuthFactors: [PASSWORD, EMAIL_OTP]\n", with: "")
        #expect(
            PoolTemplateTests.refusal(lite)?.contains("Client ExplicitAuthFlows ALLOW_USER_AUTH: needs UserPoolTier ESSENTIALS or PLUS")
                == true, "\(PoolTemplateTests.refusal(lite) ?? "accepted")")
        let project = try PoolTemplateTests.load()
        #expect(project.tier == "ESSENTIALS" && project.firstFactors == ["PASSWORD"] && !project.signIn.flows.contains("USER_AUTH"))
    }
}
