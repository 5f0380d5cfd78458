import Testing

@testable import AWSClients
@testable import AWSHTTP

@Suite("AWS clients: response parsing")
struct ErrorParsingTests {
    @Test("SNS XML error: Code and Message, entities decoded")
    func snsXMLError() {
        let response = AWSSamples.snsError(400, code: "InvalidParameter", message: "Invalid parameter: &lt;PhoneNumber&gt; &amp; more")
        let failure = SNSClient.parseFailure(response, redacting: [])
        #expect(failure == ServiceFailure(code: "InvalidParameter", message: "Invalid parameter: <PhoneNumber> & more"))
    }

    @Test("an address or phone number quoted in an AWS message never survives, whoever it belongs to")
    func destinationsScrubbed() {
        let ses = SESClient.parseFailure(
            AWSSamples.sesError(400, type: "MessageRejected", message: "Email address is not verified: someone.else@example.org, <b@c.io>"),
            redacting: [])
        #expect(ses.message == "Email address is not verified: <address>, <<address>>")
        let sns = SNSClient.parseFailure(
            AWSSamples.snsError(400, code: "InvalidParameter", message: "Invalid parameter: PhoneNumber +447700900123 (447700900123)"),
            redacting: [])
        #expect(sns.message == "Invalid parameter: PhoneNumber <number> (<number>)")
        // Short numbers, such as a status or a limit, stay.
        let other = SNSClient.parseFailure(
            AWSSamples.snsError(400, code: "Throttling", message: "Rate exceeded: 20 per 1000 ms"), redacting: [])
        #expect(other.message == "Rate exceeded: 20 per 1000 ms")
    }

    @Test("SNS answer that is not XML falls back to the HTTP status")
    func snsNonXML() {
        let failure = SNSClient.parseFailure(HTTPResponse(status: 502, body: Array("<html>Bad Gateway</html>".utf8)), redacting: [])
        #expect(failure == ServiceFailure(code: "HTTP 502", message: ""))
    }

    @Test("SNS success yields the MessageId")
    func snsSuccess() throws {
        let client = try AWSSamples.snsClient(FakeTransport([.respond(AWSSamples.snsSuccess("abc-123"))], clock: FakeClock()))
        let id = try client.publishSMS(to: "+15555550100", message: "hi", deadlineEpochMs: FakeClock().now + 5_000)
        #expect(id == "abc-123")
    }

    @Test("SNS 200 without a MessageId is an invalid response")
    func snsMissingId() throws {
        let client = try AWSSamples.snsClient(
            FakeTransport([.respond(HTTPResponse(status: 200, body: Array("<x/>".utf8)))], clock: FakeClock()))
        #expect(throws: AWSCallError.invalidResponse(operation: "SNS Publish", detail: "HTTP 200 without a MessageId")) {
            try client.publishSMS(to: "+1", message: "hi", deadlineEpochMs: FakeClock().now + 5_000)
        }
    }

    @Test("SES error type comes from x-amzn-ErrorType, cut at ':'")
    func sesHeaderError() {
        let failure = SESClient.parseFailure(
            AWSSamples.sesError(400, type: "MessageRejected", message: "Email address is not verified."), redacting: [])
        #expect(failure == ServiceFailure(code: "MessageRejected", message: "Email address is not verified."))
    }

    @Test(
        "SES error type from the JSON body: __type (namespace stripped), code, Code; message or Message",
        arguments: [
            (#"{"__type":"com.amazonaws.sesv2#NotFoundException","message":"m1"}"#, "NotFoundException", "m1"),
            (#"{"code":"BadRequestException","Message":"m2"}"#, "BadRequestException", "m2"),
            (#"{"Code":"LimitExceededException"}"#, "LimitExceededException", ""),
        ])
    func sesBodyError(body: String, code: String, message: String) {
        let failure = SESClient.parseFailure(HTTPResponse(status: 400, body: Array(body.utf8)), redacting: [])
        #expect(failure == ServiceFailure(code: code, message: message))
    }

    @Test("SES success yields the MessageId; a 200 without one is an error")
    func sesSuccess() throws {
        let clock = FakeClock()
        let client = try AWSSamples.sesClient(
            FakeTransport(
                [.respond(AWSSamples.sesSuccess("ses-id-1")), .respond(HTTPResponse(status: 200, body: Array("{}".utf8)))], clock: clock))
        #expect(
            try client.sendEmail(to: "u@example.com", subject: "s", text: "t", html: nil, deadlineEpochMs: clock.now + 5_000) == "ses-id-1")
        #expect(throws: AWSCallError.invalidResponse(operation: "SES SendEmail", detail: "HTTP 200 without a MessageId")) {
            try client.sendEmail(to: "u@example.com", subject: "s", text: "t", html: nil, deadlineEpochMs: clock.now + 5_000)
        }
    }
}

@Suite("AWS clients: error descriptions")
struct ErrorDescriptionTests {
    @Test("descriptions name the service, code and message")
    func formats() {
        #expect(
            AWSCallError.serviceError(
                operation: "SNS Publish", code: "AccessDenied", message: "User is not authorized", status: 403, attempts: 1
            ).description
                == "SNS Publish failed: AccessDenied: User is not authorized")
        #expect(
            AWSCallError.serviceError(
                operation: "SES SendEmail", code: "Throttling", message: "Rate exceeded", status: 400, attempts: 3
            ).description
                == "SES SendEmail failed: Throttling: Rate exceeded (after 3 attempts)")
        #expect(
            AWSCallError.serviceError(operation: "SNS Publish", code: "HTTP 502", message: "", status: 502, attempts: 1).description
                == "SNS Publish failed: HTTP 502")
        #expect(
            AWSCallError.deadlineExceeded(operation: "SNS Publish", attempts: 3, lastProblem: nil).description
                == "SNS Publish failed: timed out before the invocation deadline after 3 attempts")
        #expect(
            AWSCallError.deadlineExceeded(operation: "SNS Publish", attempts: 0, lastProblem: nil).description
                == "SNS Publish failed: no time left before the invocation deadline; nothing was sent")
    }

    @Test("an AWS message that echoes the body or credentials is redacted and cut to one line")
    func redaction() throws {
        let clock = FakeClock()
        let secretMessage = "Your sign-in code is 918273"
        let echo =
            "Invalid parameter: Message \(secretMessage) rejected for key \(AWSSamples.credentials.accessKeyId)"
            + "\nThe Canonical String for this request should have been\nx-amz-security-token:\(AWSSamples.credentials.sessionToken!)"
        let transport = FakeTransport([.respond(AWSSamples.snsError(400, code: "InvalidParameter", message: echo))], clock: clock)
        let client = try AWSSamples.snsClient(transport)
        do {
            _ = try client.publishSMS(to: "+15555550100", message: secretMessage, deadlineEpochMs: clock.now + 5_000)
            Issue.record("expected an error")
        } catch {
            let text = error.description
            #expect(text == "SNS Publish failed: InvalidParameter: Invalid parameter: Message <redacted> rejected for key <redacted>")
            #expect(!text.contains("918273"))
            #expect(!text.contains(AWSSamples.credentials.sessionToken!))
            #expect(error.awsErrorCode == "InvalidParameter")
        }
    }

    @Test("SES error descriptions never contain subject, text, html or the secret")
    func sesRedaction() throws {
        let clock = FakeClock()
        let text = "code 55667788 inside"
        let transport = FakeTransport(
            [
                .respond(
                    AWSSamples.sesError(
                        400, type: "MessageRejected", message: "Rejected: code 55667788 inside / \(AWSSamples.credentials.secretAccessKey)")
                )
            ],
            clock: clock)
        let client = try AWSSamples.sesClient(transport)
        #expect(
            throws: AWSCallError.serviceError(
                operation: "SES SendEmail", code: "MessageRejected", message: "Rejected: <redacted> / <redacted>", status: 400, attempts: 1)
        ) {
            try client.sendEmail(to: "u@example.com", subject: "s", text: text, html: nil, deadlineEpochMs: clock.now + 5_000)
        }
    }
}
