import Testing

@testable import AWSClients
@testable import AWSHTTP
@testable import MotoSupport
@testable import Settings

@Suite("AWS clients: configuration from the settings")
struct ConfigurationTests {
    func snsRequest(_ env: [String: String]) throws -> HTTPRequest {
        try AWSSamples.snsClient(FakeTransport([.respond(AWSSamples.snsSuccess())], clock: FakeClock()), env: env)
            .publishRequest(to: "+1", message: "m", nowEpochMs: 0)
    }

    func sesRequest(_ env: [String: String]) throws -> HTTPRequest {
        try AWSSamples.sesClient(FakeTransport([.respond(AWSSamples.sesSuccess())], clock: FakeClock()), env: env)
            .sendEmailRequest(to: "u@example.com", subject: "s", text: "t", html: nil, nowEpochMs: 0)
    }

    @Test("default endpoints follow the region; SNS_REGION and SES_REGION override it for host and scope")
    func regions() throws {
        #expect(try snsRequest(AWSSamples.baseEnv).url == "https://sns.eu-west-1.amazonaws.com/")
        var env = AWSSamples.baseEnv
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
        var env = AWSSamples.baseEnv
        env["AWS_REGION"] = nil
        env["AWS_DEFAULT_REGION"] = "ca-central-1"
        #expect(try snsRequest(env).url == "https://sns.ca-central-1.amazonaws.com/")
    }

    @Test("service endpoint variable beats AWS_ENDPOINT_URL; the Host header matches what is signed")
    func endpointOverrides() throws {
        var env = AWSSamples.baseEnv
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
            ("AWS_ACCESS_KEY_ID", nil, SettingsError.missing("AWS_ACCESS_KEY_ID")),
            ("AWS_SECRET_ACCESS_KEY", " ", SettingsError.missing("AWS_SECRET_ACCESS_KEY")),
            (
                "AWS_ENDPOINT_URL_SNS", "ftp://x",
                SettingsError.invalid("AWS_ENDPOINT_URL_SNS", "is not a valid http(s) URL such as https://host[:port], got \"ftp://x\"")
            ),
            (
                "AWS_ENDPOINT_URL", "http://",
                SettingsError.invalid("AWS_ENDPOINT_URL", "is not a valid http(s) URL such as https://host[:port], got \"http://\"")
            ),
            ("SMS_TYPE", "Urgent", SettingsError.invalid("SMS_TYPE", "must be Transactional or Promotional, got \"Urgent\"")),
            ("SNS_REGION", "us east", SettingsError.invalid("SNS_REGION", "is not a valid AWS region name such as us-east-1")),
        ] as [(String, String?, SettingsError)])
    func snsErrors(variable: String, value: String?, expected: SettingsError) {
        var env = AWSSamples.baseEnv
        env[variable] = value
        #expect(throws: expected) { try SNSClient.live(env) }
        #expect(expected.description.hasPrefix(variable + " "))
    }

    @Test("SMS_TYPE is read without letter case and sent in AWS's spelling")
    func smsType() throws {
        var env = AWSSamples.baseEnv
        env["SMS_TYPE"] = " promotional "
        #expect(try snsRequest(env).bodyText.contains("StringValue=Promotional"))
    }

    @Test("missing region names AWS_REGION")
    func missingRegion() {
        var env = AWSSamples.baseEnv
        env["AWS_REGION"] = nil
        #expect(throws: SettingsError.missing("AWS_REGION")) { try SNSClient.live(env) }
        #expect(throws: SettingsError.missing("AWS_REGION")) { try SESClient.live(env) }
    }

    @Test("EMAIL_FROM is required for email and must be an address or Name <address>")
    func emailFrom() throws {
        var env = AWSSamples.baseEnv
        env["EMAIL_FROM"] = nil
        #expect(throws: SettingsError.missing("EMAIL_FROM")) { try SESClient.live(env) }
        for good in ["a@example.com", "Sign-in <no-reply@example.com>", "<x@mail.example.org>", "\"Acme, Inc\" <a.b+c@example.co.uk>"] {
            #expect(try SESClient.senderAddress(SettingsReader(["EMAIL_FROM": good])) == good)
        }
        for bad in [
            "example.com", "a@b", "two@@example.com", "Name <a@example.com", "a@example.com\r\nBcc: x@y.z", "Jörg <j@example.com>",
            "a b@example.com",
        ] {
            #expect(throws: SettingsError.self) { try SESClient.senderAddress(SettingsReader(["EMAIL_FROM": bad])) }
        }
    }

    @Test("SES_CONFIGURATION_SET is sent when set")
    func configurationSet() throws {
        var env = AWSSamples.baseEnv
        #expect(!(try sesRequest(env).bodyText.contains("ConfigurationSetName")))
        env["SES_CONFIGURATION_SET"] = "tracking"
        #expect(try sesRequest(env).bodyText.hasPrefix(#"{"ConfigurationSetName":"tracking","#))
    }
}
