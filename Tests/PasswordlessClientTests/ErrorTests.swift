import Foundation
import PasswordlessClient
import TestSupport
import Testing

/// The errors an app switches on, each with Cognito's type kept, and the flow chosen by configuration.
@Suite("PasswordlessClient: errors and configuration")
struct ErrorTests {
    @Test("an unknown app client is .misconfigured with Cognito's ResourceNotFoundException")
    func unknownClient() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let client = makeClient(endpoint) { $0.clientID = "nosuchclient" }
        let error = await #expect(throws: PasswordlessError.self) { try await client.signIn("+15555550120") }
        #expect(error?.code == .misconfigured && error?.cognitoType == "ResourceNotFoundException")
    }

    @Test("USER_AUTH configured for a pool whose client allows CUSTOM_AUTH only: .misconfigured, naming the flow")
    func wrongFlow() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let client = makeClient(endpoint, flow: .userAuth)
        let error = await #expect(throws: PasswordlessError.self) { try await client.signIn("+15555550121") }
        #expect(error?.code == .misconfigured && error?.cognitoType == "InvalidParameterException")
        #expect(error?.detail.contains("USER_AUTH") == true, "\(String(describing: error))")
    }

    @Test("no endpoint listening: .network")
    func network() async throws {
        let endpoint = try await LocalEndpoint.start()
        endpoint.stop()
        let client = makeClient(endpoint)
        let error = await #expect(throws: PasswordlessError.self) { try await client.signIn("+15555550122") }
        #expect(error?.code == .network && error?.cognitoType == nil)
    }

    @Test("answer, resend or choose with no sign-in waiting: .noSignInInProgress, and nothing is called")
    func nothingWaiting() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let phone = "+15555550123"
        try await endpoint.makeAccount(phone, ["phone_number_verified": "true"])
        let client = makeClient(endpoint)
        for attempt in [{ try await client.answer("123456") }, { try await client.resend() }, { try await client.choose(.sms) }] {
            let error = await #expect(throws: PasswordlessError.self) { _ = try await attempt() }
            #expect(error?.code == .noSignInInProgress)
        }
        // Waiting for a code, a channel is not what it waits for.
        _ = try await client.signIn(phone)
        let error = await #expect(throws: PasswordlessError.self) { try await client.choose(.email) }
        #expect(error?.code == .noSignInInProgress)
        #expect(endpoint.messages().count == 1)
    }

    @Test("what cannot be a phone number or an email is refused before any call", arguments: ["", "  ", "+12", "a@b@c", "+1 555 CALL NOW"])
    func typed(_ typed: String) async throws {
        // Nothing listens: had the client called, the error would be .network.
        let endpoint = try await LocalEndpoint.start()
        endpoint.stop()
        let client = makeClient(endpoint)
        let error = await #expect(throws: PasswordlessError.self) { try await client.signUp(typed) }
        #expect(error?.code == .invalidInput && error?.cognitoType == nil)
    }

    @Test("sign-up with a user name: .invalidInput (a phone number or an email address only)")
    func userNameSignUp() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let error = await #expect(throws: PasswordlessError.self) { try await makeClient(endpoint).signUp("alice") }
        #expect(error?.code == .invalidInput)
    }

    @Test("pre-sign-up refuses a number outside SMS_ALLOWED_COUNTRIES: .invalidInput with the sentence to show")
    func signUpRefused() async throws {
        let endpoint = try await LocalEndpoint.start(environment: ["SMS_ALLOWED_COUNTRIES": "44"])
        defer { endpoint.stop() }
        let error = await #expect(throws: PasswordlessError.self) { try await makeClient(endpoint).signUp("+15555550124") }
        #expect(error?.code == .invalidInput && error?.cognitoType == "UserLambdaValidationException")
        #expect(error?.userMessage == "The phone number must be in international form, such as +15555550123.")
        #expect(try await makeClient(endpoint).signUp("+447700900124") == .created)
    }

    @Test("a disabled account: .refused with Cognito's NotAuthorizedException")
    func disabled() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let phone = "+15555550125"
        try await endpoint.makeAccount(phone, ["phone_number_verified": "true"])
        _ = try await endpoint.call("AdminDisableUser", ["UserPoolId": "us-east-1_LocalPool", "Username": phone], signed: true)
        let error = await #expect(throws: PasswordlessError.self) { try await makeClient(endpoint).signIn(phone) }
        #expect(error?.code == .refused && error?.cognitoType == "NotAuthorizedException" && error?.detail == "User is disabled.")
    }

    @Test("errors print their code, Cognito's type and message, and never what was typed")
    func described() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let phone = "+15555550126"
        try await endpoint.makeAccount(phone, ["phone_number_verified": "true"])
        _ = try await endpoint.call("AdminDisableUser", ["UserPoolId": "us-east-1_LocalPool", "Username": phone], signed: true)
        let error = await #expect(throws: PasswordlessError.self) { try await makeClient(endpoint).signIn(phone) }
        #expect(error.map(String.init(describing:)) == "PasswordlessError.refused (NotAuthorizedException): User is disabled.")
    }
}
