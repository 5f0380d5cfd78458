import Foundation
import PasswordlessClient
import TestSupport
import Testing

/// Cognito Essentials' own one-time passwords (`USER_AUTH`) through the same public API, against the built endpoint
/// playing an Essentials pool (`--first-factors EMAIL_OTP,SMS_OTP`, or a template): the app's code does not change.
@Suite("PasswordlessClient: Cognito Essentials' USER_AUTH against passwordless-endpoint")
struct UserAuthTests {
    static let essentials = ["--first-factors", "EMAIL_OTP,SMS_OTP"]

    /// An Essentials pool from a template: one app client that allows USER_AUTH and refresh, and no trigger.
    static let template = """
        Resources:
          Pool:
            Type: AWS::Cognito::UserPool
            Properties:
              UserPoolTier: ESSENTIALS
              UsernameAttributes: [email, phone_number]
              UsernameConfiguration: { CaseSensitive: false }
              Policies:
                SignInPolicy:
                  AllowedFirstAuthFactors: [PASSWORD, EMAIL_OTP, SMS_OTP]
          Client:
            Type: AWS::Cognito::UserPoolClient
            Properties:
              UserPoolId: !Ref Pool
              ExplicitAuthFlows: [ALLOW_USER_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
              PreventUserExistenceErrors: ENABLED

        """

    /// The prompt of an 8-digit Cognito code: no attempts or resends the pool publishes.
    func otpPrompt(_ channel: Channel, _ destination: String, otherChannels: [Channel] = []) -> CodePrompt {
        CodePrompt(
            channel: channel, destination: destination, codeLength: 8, attemptsLeft: nil, resendsLeft: nil, otherChannels: otherChannels)
    }

    @Test("the journey: the code by the channel typed, a wrong code (same session, nothing sent), the right one, refresh, sign-out")
    func journey() async throws {
        let endpoint = try await LocalEndpoint.start(arguments: Self.essentials)
        defer { endpoint.stop() }
        let (phone, email) = ("+15555550140", "otp@example.com")
        try await endpoint.makeAccount(email, ["email": email, "phone_number": phone], permanent: false)
        let client = makeClient(endpoint, flow: .userAuth)
        let first = try await client.signIn("OTP@example.com")
        let shown = try #require(prompt(first))
        #expect(first == .enterCode(otpPrompt(.email, "o***@e***")), "\(first)")
        #expect(endpoint.count(to: email) == 1 && endpoint.count(to: phone) == 0)
        let code = try #require(endpoint.code(to: email, length: 8))
        let wrong = code == "00000000" ? "11111111" : "00000000"
        #expect(try await client.answer(wrong) == .wrongCode(shown))
        #expect(endpoint.count(to: email) == 1, "a wrong code sends nothing")
        #expect(try await client.answer(code) == .signedIn)
        let tokens = try await client.tokens()
        #expect(try await endpoint.call("GetUser", ["AccessToken": tokens.accessToken]).status == 200)
        let refreshed = try await client.tokens(forceRefresh: true)
        #expect(refreshed.accessToken != tokens.accessToken)
        try await client.signOut()
        #expect(try await endpoint.call("GetUser", ["AccessToken": refreshed.accessToken]).status == 400)
    }

    @Test("a user name: SELECT_CHALLENGE becomes .chooseChannel; the pick sends the code there")
    func choice() async throws {
        let endpoint = try await LocalEndpoint.start(arguments: Self.essentials + ["--username-attributes", "none"])
        defer { endpoint.stop() }
        let (phone, email) = ("+15555550141", "pick@example.com")
        try await endpoint.makeAccount("pick", ["email": email, "phone_number": phone], permanent: false)
        let client = makeClient(endpoint, flow: .userAuth)
        let first = try await client.signIn("pick")
        guard case .chooseChannel(let options) = first else {
            Issue.record("\(first)")
            return
        }
        #expect(Set(options.map(\.channel)) == [.sms, .email] && options.allSatisfy { $0.destination == nil })
        #expect(endpoint.messages().isEmpty, "nothing is sent before the pick")
        let step = try await client.choose(.sms)
        #expect(prompt(step)?.channel == .sms && prompt(step)?.otherChannels == [.email] && prompt(step)?.codeLength == 8)
        #expect(endpoint.count(to: phone) == 1 && endpoint.count(to: email) == 0)
        #expect(try await client.answer(try #require(endpoint.code(to: phone, length: 8))) == .signedIn)
    }

    @Test("three wrong codes end the sign-in as a value")
    func lockout() async throws {
        let endpoint = try await LocalEndpoint.start(arguments: Self.essentials)
        defer { endpoint.stop() }
        let email = "lock@example.com"
        try await endpoint.makeAccount(email, ["email": email], permanent: false)
        let client = makeClient(endpoint, flow: .userAuth)
        _ = try await client.signIn(email)
        let code = try #require(endpoint.code(to: email, length: 8))
        let wrong = code == "00000000" ? "11111111" : "00000000"
        #expect(prompt(try await client.answer(wrong)) != nil)
        #expect(prompt(try await client.answer(wrong)) != nil)
        #expect(try await client.answer(wrong) == .ended(.tooManyWrongCodes))
        let error = await #expect(throws: PasswordlessError.self) { try await client.answer(code) }
        #expect(error?.code == .noSignInInProgress)
    }

    @Test("resend: a new sign-in sends a new code, by another channel if asked; the old code is wrong")
    func resend() async throws {
        let endpoint = try await LocalEndpoint.start(arguments: Self.essentials)
        defer { endpoint.stop() }
        let (phone, email) = ("+15555550142", "again@example.com")
        try await endpoint.makeAccount(email, ["email": email, "phone_number": phone], permanent: false)
        let client = makeClient(endpoint, flow: .userAuth)
        _ = try await client.signIn(email)
        let old = try #require(endpoint.code(to: email, length: 8))
        #expect(prompt(try await client.resend())?.channel == .email)
        #expect(endpoint.count(to: email) == 2)
        let switched = try await client.resend(channel: .sms)
        #expect(prompt(switched)?.channel == .sms && endpoint.count(to: phone) == 1)
        let code = try #require(endpoint.code(to: phone, length: 8))
        if code != old { #expect(try await client.answer(old) == .wrongCode(try #require(prompt(switched)))) }
        #expect(try await client.answer(code) == .signedIn)
    }

    @Test("a session past its 3 minutes ends the sign-in as .expired")
    func expiry() async throws {
        let endpoint = try await LocalEndpoint.start(arguments: Self.essentials)
        defer { endpoint.stop() }
        let email = "late@example.com"
        try await endpoint.makeAccount(email, ["email": email], permanent: false)
        let client = makeClient(endpoint, flow: .userAuth)
        _ = try await client.signIn(email)
        try endpoint.moveClock(ahead: 181)
        #expect(try await client.answer(try #require(endpoint.code(to: email, length: 8))) == .ended(.expired))
    }

    @Test("discovered: a pool whose client allows USER_AUTH only is signed into with the same calls")
    func discovered() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("essentials-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data(Self.template.utf8).write(to: URL(fileURLWithPath: directory + "/template.yaml"))
        let endpoint = try await LocalEndpoint.start(arguments: ["--template", directory + "/template.yaml"])
        defer { endpoint.stop() }
        let email = "found@example.com"
        try await endpoint.makeAccount(email, ["email": email], permanent: false)
        let client = makeClient(endpoint, flow: .discover)
        #expect(prompt(try await client.signIn(email))?.codeLength == 8)
        #expect(try await client.answer(try #require(endpoint.code(to: email, length: 8))) == .signedIn)
    }

    @Test("sign-up by phone, then the code by SMS")
    func signUp() async throws {
        let endpoint = try await LocalEndpoint.start(arguments: Self.essentials)
        defer { endpoint.stop() }
        let phone = "+15555550143"
        let client = makeClient(endpoint)
        #expect(try await client.signUp(phone) == .created)
        #expect(try await makeClient(endpoint, flow: .userAuth).signIn(phone) == .enterCode(otpPrompt(.sms, "+*******0143")))
    }

    @Test("the demo app signs in with --flow user, the 8-digit code from the outbox")
    func demo() async throws {
        let endpoint = try await LocalEndpoint.start(arguments: Self.essentials)
        defer { endpoint.stop() }
        let email = "demo-otp@example.com"
        try await endpoint.makeAccount(email, ["email": email], permanent: false)
        let demo = try DemoTests.Demo(endpoint, ["--flow", "user", "--outbox", endpoint.outbox, "sign-in", email])
        #expect(try await demo.finish() == 0, "\(demo.text)")
        #expect(demo.text.contains("(8 digits)") && demo.text.hasSuffix("Signed in.\n"), "\(demo.text)")
    }
}
