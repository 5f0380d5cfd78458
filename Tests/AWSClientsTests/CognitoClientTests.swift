import Testing

@testable import AWSClients
@testable import AWSHTTP
@testable import AWSSigning
@testable import Settings

@Suite("Cognito AdminUpdateUserAttributes: request and errors")
struct CognitoClientTests {
    static func client(_ transport: FakeTransport, env: [String: String] = AWSSamples.baseEnv) throws -> CognitoIdentityProviderClient {
        try AWSClientFactory(SettingsReader(env), transport: transport, scheduling: transport.clock.scheduling).cognitoIdentityProvider()
    }

    @Test("a signed JSON 1.1 POST to cognito-idp with the service's target and a sorted body")
    func request() throws {
        let clock = FakeClock()
        let transport = FakeTransport([.respond(HTTPResponse(status: 200, body: Array("{}".utf8)))], clock: clock)
        try Self.client(transport).adminUpdateUserAttributes(
            userPoolID: "eu-west-1_Pool", userName: "+15555550123", attributes: [("phone_number_verified", "true")],
            deadlineEpochMs: clock.now + 4_000)
        let request = try #require(transport.sent.first).request
        #expect(request.url == "https://cognito-idp.eu-west-1.amazonaws.com/")
        #expect(request.header("X-Amz-Target") == "AWSCognitoIdentityProviderService.AdminUpdateUserAttributes")
        #expect(request.header("Content-Type") == "application/x-amz-json-1.1")
        #expect(
            request.bodyText
                == #"{"UserAttributes":[{"Name":"phone_number_verified","Value":"true"}],"UserPoolId":"eu-west-1_Pool","Username":"+15555550123"}"#
        )
        let authorization = try #require(request.header("Authorization"))
        #expect(authorization.contains("/eu-west-1/cognito-idp/aws4_request, "))
        #expect(authorization.contains("x-amz-target"))
    }

    @Test("the endpoint comes from AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, then AWS_ENDPOINT_URL")
    func endpoint() throws {
        for (extra, url) in [
            (["AWS_ENDPOINT_URL": "http://127.0.0.1:9"], "http://127.0.0.1:9/"),
            (
                ["AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "http://127.0.0.1:8/base"],
                "http://127.0.0.1:8/base/"
            ),
        ] {
            let clock = FakeClock()
            let transport = FakeTransport([.respond(HTTPResponse(status: 200, body: Array("{}".utf8)))], clock: clock)
            try Self.client(transport, env: AWSSamples.baseEnv.merging(extra) { $1 }).adminUpdateUserAttributes(
                userPoolID: "p", userName: "u", attributes: [("email_verified", "true")], deadlineEpochMs: clock.now + 4_000)
            #expect(transport.sent.first?.request.url == url)
        }
    }

    @Test("an error gives its code, with the user name redacted from AWS's message")
    func error() throws {
        let clock = FakeClock()
        let body = #"{"__type":"UserNotFoundException","message":"User +15555550123 does not exist."}"#
        let transport = FakeTransport([.respond(HTTPResponse(status: 400, body: Array(body.utf8)))], clock: clock)
        let error = #expect(throws: AWSCallError.self) {
            try Self.client(transport).adminUpdateUserAttributes(
                userPoolID: "p", userName: "+15555550123", attributes: [("phone_number_verified", "true")],
                deadlineEpochMs: clock.now + 4_000)
        }
        #expect(error?.awsErrorCode == "UserNotFoundException")
        #expect(error?.isRejection == true)
        #expect(error?.description.contains("+15555550123") == false, "\(String(describing: error))")
    }
}
