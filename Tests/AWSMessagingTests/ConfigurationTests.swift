import AWSMessaging
import Testing

@Suite("AWSMessaging configuration from the environment")
struct ConfigurationTests {
    func snsRequest(_ env: [String: String]) throws -> HTTPRequest {
        try Fixtures.snsClient(FakeTransport([.respond(Fixtures.snsSuccess())], clock: FakeClock()), env: env)
            .publishRequest(to: "+1", message: "m", nowEpochMs: 0)
    }

    func sesRequest(_ env: [String: String]) throws -> HTTPRequest {
        try Fixtures.sesClient(FakeTransport([.respond(Fixtures.sesSuccess())], clock: FakeClock()), env: env)
            .sendEmailRequest(to: "u@example.com", subject: "s", text: "t", html: nil, nowEpochMs: 0)
    }

    @Test("default endpoints follow the region; SNS_REGION and SES_REGION override it for host and scope")
    func regions() throws {
        #expect(try snsRequest(Fixtures.baseEnv).url == "https://sns.eu-west-1.amazonaws.com/")
        var env = Fixtures.baseEnv
        env["SNS_REGION"] = "us-west-2"
        env["SES_REGION"] = "ap-southeast-2"
        let sns = try snsRequest(env)
        #expect(sns.url == "https://sns.us-west-2.amazonaws.com/")
        #expect(sns.header("Authorization")?.contains("/us-west-2/sns/aws4_request") == true)
        let ses = try sesRequest(env)
        #expect(ses.url == "https://email.ap-southeast-2.amazonaws.com/v2/email/outbound-emails")
        #expect(ses.header("Authorization")?.contains("/ap-southeast-2/ses/aws4_request") == true)
    }

    @Test("AWS_DEFAULT_REGION is used when AWS_REGION is absent")
    func defaultRegion() throws {
        var env = Fixtures.baseEnv
        env["AWS_REGION"] = nil
        env["AWS_DEFAULT_REGION"] = "ca-central-1"
        #expect(try snsRequest(env).url == "https://sns.ca-central-1.amazonaws.com/")
    }

    @Test("service endpoint variable beats AWS_ENDPOINT_URL; the Host header matches what is signed")
    func endpointOverrides() throws {
        var env = Fixtures.baseEnv
        env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:4566"
        #expect(try snsRequest(env).url == "http://127.0.0.1:4566/")
        #expect(try sesRequest(env).url == "http://127.0.0.1:4566/v2/email/outbound-emails")
        env["AWS_ENDPOINT_URL_SNS"] = "https://sns.internal.example:8443/"
        env["AWS_ENDPOINT_URL_SESV2"] = "http://localhost:9000/ses"
        let sns = try snsRequest(env)
        #expect(sns.url == "https://sns.internal.example:8443/")
        #expect(sns.header("Host") == "sns.internal.example:8443")
        #expect(try sesRequest(env).url == "http://localhost:9000/ses/v2/email/outbound-emails")
    }

    @Test(
        "errors name the variable at fault",
        arguments: [
            ("AWS_ACCESS_KEY_ID", nil, AWSMessagingError.missingVariable("AWS_ACCESS_KEY_ID")),
            ("AWS_SECRET_ACCESS_KEY", "", AWSMessagingError.missingVariable("AWS_SECRET_ACCESS_KEY")),
            (
                "AWS_ENDPOINT_URL_SNS", "ftp://x",
                AWSMessagingError.invalidVariable("AWS_ENDPOINT_URL_SNS", problem: "is not a valid http(s) URL such as https://host[:port]")
            ),
            (
                "AWS_ENDPOINT_URL", "http://",
                AWSMessagingError.invalidVariable("AWS_ENDPOINT_URL", problem: "is not a valid http(s) URL such as https://host[:port]")
            ),
            ("SMS_TYPE", "Urgent", AWSMessagingError.invalidVariable("SMS_TYPE", problem: "must be Transactional or Promotional")),
            (
                "SNS_REGION", "us east",
                AWSMessagingError.invalidVariable("SNS_REGION", problem: "is not a valid AWS region name such as us-east-1")
            ),
        ] as [(String, String?, AWSMessagingError)])
    func snsErrors(variable: String, value: String?, expected: AWSMessagingError) {
        var env = Fixtures.baseEnv
        env[variable] = value
        #expect(throws: expected) { try SNSClient.fromEnvironment(env) }
        #expect(expected.description.hasPrefix(variable + " "))
    }

    @Test("missing region names AWS_REGION")
    func missingRegion() {
        var env = Fixtures.baseEnv
        env["AWS_REGION"] = nil
        #expect(throws: AWSMessagingError.missingVariable("AWS_REGION")) { try SNSClient.fromEnvironment(env) }
        #expect(throws: AWSMessagingError.missingVariable("AWS_REGION")) { try SESClient.fromEnvironment(env) }
    }

    @Test("EMAIL_FROM is required for email and must be an address or Name <address>")
    func emailFrom() throws {
        var env = Fixtures.baseEnv
        env["EMAIL_FROM"] = nil
        #expect(throws: AWSMessagingError.missingVariable("EMAIL_FROM")) { try SESClient.fromEnvironment(env) }
        for good in ["a@example.com", "Sign-in <no-reply@example.com>", "<x@mail.example.org>", "\"Acme, Inc\" <a.b+c@example.co.uk>"] {
            #expect(try SESClient.senderAddress(from: ["EMAIL_FROM": good]) == good)
        }
        for bad in [
            "example.com", "a@b", "two@@example.com", "Name <a@example.com", "a@example.com\r\nBcc: x@y.z", "Jörg <j@example.com>",
            "a b@example.com",
        ] {
            #expect(throws: AWSMessagingError.self) { try SESClient.senderAddress(from: ["EMAIL_FROM": bad]) }
        }
    }

    @Test("SES_CONFIGURATION_SET is sent when set")
    func configurationSet() throws {
        var env = Fixtures.baseEnv
        #expect(!(try sesRequest(env).bodyText.contains("ConfigurationSetName")))
        env["SES_CONFIGURATION_SET"] = "tracking"
        #expect(try sesRequest(env).bodyText.hasPrefix(#"{"ConfigurationSetName":"tracking","#))
    }

    @Test(
        "endpoint URL parsing",
        arguments: [
            ("https://sns.us-east-1.amazonaws.com", "https", "sns.us-east-1.amazonaws.com", nil, ""),
            ("HTTP://LocalHost:4566/", "http", "localhost", 4566, ""),
            ("http://[::1]:8080/base/", "http", "[::1]", 8080, "/base"),
        ] as [(String, String, String, Int?, String)])
    func endpointParsing(text: String, scheme: String, host: String, port: Int?, path: String) throws {
        let endpoint = try #require(Endpoint.parse(text))
        #expect(endpoint == Endpoint(scheme: scheme, host: host, port: port, basePath: path))
    }

    @Test(
        "malformed endpoint URLs are rejected",
        arguments: [
            "", "sns.amazonaws.com", "https://", "https://h:0", "https://h:99999", "https://h:x", "https://u@h", "https://h/?q",
            "https://h /", "https://[::1",
        ])
    func endpointRejects(text: String) {
        #expect(Endpoint.parse(text) == nil)
    }
}
