import Testing

@testable import AWSClients
@testable import AWSHTTP
@testable import AWSSigning

@Suite("AWS clients: request building")
struct RequestBuildingTests {
    static let trickyMessage = "Code 123456: ünï ✓ &=+% a/b?c#d"

    @Suite("SNS Publish")
    struct SNSRequests {
        @Test("form body encodes everything but unreserved characters, UTF-8, spaces as +")
        func formBodyWithAllAttributes() {
            let body = SNSClient.formBody(
                phoneNumber: "+15555550100", message: RequestBuildingTests.trickyMessage, smsType: "Transactional",
                senderID: "MyApp", originationNumber: "+15555550199")
            #expect(
                body == "Action=Publish&Version=2010-03-31&PhoneNumber=%2B15555550100"
                    + "&Message=Code+123456%3A+%C3%BCn%C3%AF+%E2%9C%93+%26%3D%2B%25+a%2Fb%3Fc%23d"
                    + "&MessageAttributes.entry.1.Name=AWS.SNS.SMS.SMSType"
                    + "&MessageAttributes.entry.1.Value.DataType=String"
                    + "&MessageAttributes.entry.1.Value.StringValue=Transactional"
                    + "&MessageAttributes.entry.2.Name=AWS.SNS.SMS.SenderID"
                    + "&MessageAttributes.entry.2.Value.DataType=String"
                    + "&MessageAttributes.entry.2.Value.StringValue=MyApp"
                    + "&MessageAttributes.entry.3.Name=AWS.MM.SMS.OriginationNumber"
                    + "&MessageAttributes.entry.3.Value.DataType=String"
                    + "&MessageAttributes.entry.3.Value.StringValue=%2B15555550199")
        }

        @Test("only SMSType is sent when sender id and origination number are unset")
        func formBodyDefaults() {
            let body = SNSClient.formBody(
                phoneNumber: "+4412", message: "hi", smsType: "Promotional", senderID: nil, originationNumber: nil)
            #expect(
                body == "Action=Publish&Version=2010-03-31&PhoneNumber=%2B4412&Message=hi"
                    + "&MessageAttributes.entry.1.Name=AWS.SNS.SMS.SMSType"
                    + "&MessageAttributes.entry.1.Value.DataType=String"
                    + "&MessageAttributes.entry.1.Value.StringValue=Promotional")
        }

        @Test("the request is a signed POST to / with the form content type")
        func signedRequest() throws {
            let client = try AWSSamples.snsClient(FakeTransport([.respond(AWSSamples.snsSuccess())], clock: FakeClock()))
            let request = client.publishRequest(to: "+15555550100", message: "hi", nowEpochMs: 1_440_938_160_000)
            #expect(request.method == "POST")
            #expect(request.url == "https://sns.eu-west-1.amazonaws.com/")
            #expect(request.header("Host") == "sns.eu-west-1.amazonaws.com")
            #expect(request.header("Content-Type") == "application/x-www-form-urlencoded; charset=utf-8")
            #expect(request.header("X-Amz-Date") == "20150830T123600Z")
            #expect(request.header("X-Amz-Security-Token") == AWSSamples.credentials.sessionToken)
            let authorization = try #require(request.header("Authorization"))
            #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=ASIAFIXTUREKEY000001/20150830/eu-west-1/sns/aws4_request, "))
            #expect(authorization.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "))
            #expect(request.header("x-amz-content-sha256") == nil)
            #expect(request.bodyText.hasPrefix("Action=Publish&Version=2010-03-31&PhoneNumber=%2B15555550100&Message=hi&"))
        }
    }

    @Suite("SES v2 SendEmail")
    struct SESRequests {
        @Test("exact JSON with an HTML part and a configuration set")
        func jsonWithHTML() {
            let json = SESClient.requestBody(
                from: "Sign-in <no-reply@example.com>", to: "user@example.com", subject: "Your code ✓",
                text: RequestBuildingTests.trickyMessage, html: "<p>\"code\" \\ 1</p>\n", configurationSet: "auth")
            #expect(
                json == #"{"ConfigurationSetName":"auth","#
                    + #""Content":{"Simple":{"Body":{"Html":{"Charset":"UTF-8","Data":"<p>\"code\" \\ 1</p>\n"},"#
                    + #""Text":{"Charset":"UTF-8","Data":"Code 123456: ünï ✓ &=+% a/b?c#d"}},"#
                    + #""Subject":{"Charset":"UTF-8","Data":"Your code ✓"}}},"#
                    + #""Destination":{"ToAddresses":["user@example.com"]},"#
                    + #""FromEmailAddress":"Sign-in <no-reply@example.com>"}"#)
        }

        @Test("exact JSON with text only; control characters are escaped")
        func jsonTextOnly() {
            let json = SESClient.requestBody(
                from: "a@example.com", to: "b@example.com", subject: "s", text: "line1\r\n\tend\u{01}",
                html: nil, configurationSet: nil)
            #expect(
                json == #"{"Content":{"Simple":{"Body":{"Text":{"Charset":"UTF-8","Data":"line1\r\n\tend\u0001"}},"#
                    + #""Subject":{"Charset":"UTF-8","Data":"s"}}},"#
                    + #""Destination":{"ToAddresses":["b@example.com"]},"FromEmailAddress":"a@example.com"}"#)
        }

        @Test("the request is a signed POST to /v2/email/outbound-emails, signing name ses")
        func signedRequest() throws {
            let client = try AWSSamples.sesClient(FakeTransport([.respond(AWSSamples.sesSuccess())], clock: FakeClock()))
            let request = client.sendEmailRequest(
                to: "user@example.com", subject: "s", text: "t", html: nil, nowEpochMs: 1_440_938_160_000)
            #expect(request.url == "https://email.eu-west-1.amazonaws.com/v2/email/outbound-emails")
            #expect(request.header("Content-Type") == "application/json")
            let authorization = try #require(request.header("Authorization"))
            #expect(authorization.contains("/20150830/eu-west-1/ses/aws4_request, "))
            #expect(authorization.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "))
        }
    }
}
