import Foundation
import PasswordlessClient
import TestSupport
import Testing

/// The custom-auth flow (this project's triggers) through the library's public API, against the built endpoint and
/// functions: what an app's screens see at each step.
@Suite("PasswordlessClient: custom authentication against passwordless-endpoint")
struct CustomAuthTests {
    @Test("the whole journey: sign up by phone, a wrong code, the right one, tokens, refresh, sign out")
    func journey() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let client = makeClient(endpoint)
        let phone = "+15555550100"
        #expect(try await client.signUp("+1 555-555-0100") == .created)
        #expect(try await client.signUp(phone) == .alreadyExists)
        let first = try await client.signIn("+1 (555) 555 0100")
        #expect(first == .enterCode(smsPrompt()))
        #expect(endpoint.count(to: phone) == 1)
        let code = try #require(endpoint.code(to: phone))
        // A wrong code is a value that says so, and nothing is sent again (amplify-js#10097, amplify-android#2352).
        #expect(try await client.answer(wrong(code)) == .wrongCode(smsPrompt(attemptsLeft: 2)))
        #expect(endpoint.count(to: phone) == 1, "a wrong code sends nothing")
        // The right code after a wrong one signs in: the newest session answers (amplify-js#5834).
        #expect(try await client.answer(" \(code) ") == .signedIn)

        let tokens = try await client.tokens()
        #expect(tokens.expiresAt.timeIntervalSinceNow > 3500 && tokens.expiresAt.timeIntervalSinceNow <= 3600)
        #expect(try await endpoint.call("GetUser", ["AccessToken": tokens.accessToken]).status == 200)
        #expect(try await client.tokens() == tokens, "not due: the stored tokens, as they are")

        let refreshed = try await client.tokens(forceRefresh: true)
        #expect(refreshed.accessToken != tokens.accessToken && refreshed.idToken != tokens.idToken)
        #expect(refreshed.refreshToken == tokens.refreshToken, "no rotation: the refresh token stays")
        #expect(try await endpoint.call("GetUser", ["AccessToken": refreshed.accessToken]).status == 200)

        try await client.signOut()
        let error = await #expect(throws: PasswordlessError.self) { try await client.tokens() }
        #expect(error?.code == .notSignedIn)
        let refresh = try await endpoint.call(
            "InitiateAuth",
            [
                "ClientId": "passwordlesslocalclient", "AuthFlow": "REFRESH_TOKEN_AUTH",
                "AuthParameters": ["REFRESH_TOKEN": tokens.refreshToken],
            ])
        #expect(refresh.status == 400 && refresh.answer["message"] as? String == "Refresh Token has been revoked", "\(refresh)")
        #expect(try await endpoint.call("GetUser", ["AccessToken": refreshed.accessToken]).status == 400)
        #expect(!FileManager.default.fileExists(atPath: endpoint.work + "/app/tokens.json"))
    }

    @Test("MaxAttempts wrong codes end the sign-in as a value; then nothing is waiting")
    func lockout() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let phone = "+15555550101"
        try await endpoint.makeAccount(phone, ["phone_number_verified": "true"])
        let client = makeClient(endpoint, flow: .customAuth)
        _ = try await client.signIn(phone)
        let code = try #require(endpoint.code(to: phone))
        #expect(try await client.answer(wrong(code)) == .wrongCode(smsPrompt(attemptsLeft: 2)))
        #expect(try await client.answer(wrong(code)) == .wrongCode(smsPrompt(attemptsLeft: 1)))
        #expect(try await client.answer(wrong(code)) == .ended(.tooManyWrongCodes))
        let error = await #expect(throws: PasswordlessError.self) { try await client.answer(code) }
        #expect(error?.code == .noSignInInProgress)
        #expect(endpoint.count(to: phone) == 1)
    }

    @Test("resend: a new code, the old one wrong; MaxResends of them, then the sign-in ends as a value")
    func resend() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let phone = "+15555550102"
        try await endpoint.makeAccount(phone, ["phone_number_verified": "true"])
        let client = makeClient(endpoint)
        _ = try await client.signIn(phone)
        let old = try #require(endpoint.code(to: phone))
        #expect(try await client.resend() == .enterCode(smsPrompt(resendsLeft: 1)))
        #expect(endpoint.count(to: phone) == 2)
        let new = try #require(endpoint.code(to: phone))
        if new != old {
            #expect(try await client.answer(old) == .wrongCode(smsPrompt(attemptsLeft: 2, resendsLeft: 1)), "the old code stopped working")
        }
        let last = try await client.resend()
        #expect(prompt(last)?.resendsLeft == 0 && prompt(last)?.canResend == false)
        #expect(endpoint.count(to: phone) == 3)
        #expect(try await client.resend() == .ended(.noMoreCodes))
        #expect(endpoint.count(to: phone) == 3, "nothing more was sent")
        _ = try await client.signIn(phone)
        #expect(try await client.answer(try #require(endpoint.code(to: phone))) == .signedIn, "a new sign-in gets a new code")
    }

    @Test("a resend to another channel: the code goes by email, and signs in")
    func switchChannel() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let (phone, email) = ("+15555550103", "both@example.com")
        try await endpoint.makeAccount(
            phone, ["phone_number_verified": "true", "email": email, "email_verified": "true"])
        let client = makeClient(endpoint)
        #expect(try await client.signIn(phone) == .enterCode(smsPrompt()))
        #expect(try await client.resend(channel: .email) == .enterCode(emailPrompt(resendsLeft: 1)))
        #expect(endpoint.count(to: email) == 1 && endpoint.count(to: phone) == 1)
        #expect(try await client.answer(try #require(endpoint.code(to: email))) == .signedIn)
    }

    @Test("channel choice: the user picks, the code goes there, and the prompt offers the other channel")
    func channelChoice() async throws {
        let endpoint = try await LocalEndpoint.start(environment: ["OTP_CHANNEL_CHOICE": "true"])
        defer { endpoint.stop() }
        let (phone, email) = ("+15555550104", "choice@example.com")
        try await endpoint.makeAccount(
            phone, ["phone_number_verified": "true", "email": email, "email_verified": "true"])
        let client = makeClient(endpoint)
        let first = try await client.signIn(email)
        #expect(
            first == .chooseChannel([.init(channel: .sms, destination: "+**********"), .init(channel: .email, destination: "***@***")]))
        #expect(endpoint.messages().isEmpty, "the choice round sends nothing")
        let step = try await client.choose(.email)
        #expect(step == .enterCode(emailPrompt(otherChannels: [.sms])))
        #expect(prompt(step)?.canSwitchChannel == true)
        #expect(endpoint.count(to: email) == 1 && endpoint.count(to: phone) == 0)
        #expect(try await client.answer(try #require(endpoint.code(to: email))) == .signedIn)
    }

    @Test("the app's clientMetadata goes with every answer to the triggers (amplify-js#5106)")
    func clientMetadata() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let (phone, email) = ("+15555550105", "metadata@example.com")
        try await endpoint.makeAccount(
            phone, ["phone_number_verified": "true", "email": email, "email_verified": "true"])
        let client = makeClient(endpoint)
        // Cognito passes InitiateAuth's ClientMetadata to no challenge trigger: the first code goes by SMS.
        #expect(try await client.signIn(phone, clientMetadata: ["channel": "email"]) == .enterCode(smsPrompt()))
        // A resend that names no channel: create reads the app's `channel` from the metadata that came along.
        #expect(prompt(try await client.resend())?.channel == .email)
        #expect(endpoint.count(to: email) == 1)
        #expect(try await client.answer(try #require(endpoint.code(to: email))) == .signedIn)
    }

    @Test("an unknown user gets the rounds of an account, nothing is sent, and the sign-in ends after MaxAttempts")
    func unknownUser() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let client = makeClient(endpoint)
        #expect(try await client.signIn("+15555550199") == .enterCode(smsPrompt()))
        #expect(try await client.answer("123456") == .wrongCode(smsPrompt(attemptsLeft: 2)))
        #expect(try await client.answer("123456") == .wrongCode(smsPrompt(attemptsLeft: 1)))
        #expect(try await client.answer("123456") == .ended(.tooManyWrongCodes))
        #expect(endpoint.messages().isEmpty)
    }

    @Test("a session past its 3 minutes ends the sign-in as .expired")
    func expiry() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let phone = "+15555550106"
        try await endpoint.makeAccount(phone, ["phone_number_verified": "true"])
        let client = makeClient(endpoint)
        _ = try await client.signIn(phone)
        try endpoint.moveClock(ahead: 181)
        #expect(try await client.answer(try #require(endpoint.code(to: phone))) == .ended(.expired))
    }

    @Test("an account an administrator made without a permanent password signs in: NEW_PASSWORD_REQUIRED is answered")
    func newPasswordRequired() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let phone = "+15555550107"
        try await endpoint.makeAccount(phone, ["phone_number_verified": "true"], permanent: false)
        let client = makeClient(endpoint)
        _ = try await client.signIn(phone)
        #expect(try await client.answer(try #require(endpoint.code(to: phone))) == .signedIn)
        let user = try await endpoint.call("AdminGetUser", ["UserPoolId": "us-east-1_LocalPool", "Username": phone], signed: true)
        #expect(user.answer["UserStatus"] as? String == "CONFIRMED")
    }

    @Test("sign-up by email with a profile attribute: the domain in lower case, and the account signs in")
    func emailSignUp() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let client = makeClient(endpoint)
        #expect(try await client.signUp("new@Example.COM", attributes: ["name": "New User"]) == .created)
        #expect(try await client.signIn("new@example.com") == .enterCode(emailPrompt()))
        #expect(try await client.answer(try #require(endpoint.code(to: "new@example.com"))) == .signedIn)
        let me = try await endpoint.call("GetUser", ["AccessToken": try await client.tokens().accessToken])
        let attributes = (me.answer["UserAttributes"] as? [[String: String]] ?? []).reduce(into: [String: String]()) {
            $0[$1["Name"] ?? ""] = $1["Value"]
        }
        // Whether the first right code marked the address verified is the triggers' (client_test.py's template
        // scenario): here a verify started ahead of a late first call may find no time left to mark it.
        #expect(attributes["email"] == "new@example.com" && attributes["name"] == "New User", "\(attributes)")
    }
}
