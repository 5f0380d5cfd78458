import Foundation
import Testing

@testable import AWSClients
@testable import AWSHTTP
@testable import MotoSupport

/// Milliseconds since 1970, the form Lambda's deadline header uses.
func nowEpochMs() -> Int64 {
    Int64(Date().timeIntervalSince1970 * 1_000)
}

// Needs python3 with moto[server] and boto3; skipped with this message when they are missing.
@Suite(
    "AWS clients against moto on 127.0.0.1",
    .serialized, .motoHarness,
    .enabled(
        if: MotoHarness.enabled, "python3 with moto[server] and boto3 not found (pip install 'moto[server]'); integration tests skipped"))
struct IntegrationTests {
    static let phone = "+15555550100"
    static let message = "Your code is 482913 — ünïcødé ✓ &=+% a+b=c"

    @Suite("signed with role credentials, checked by moto")
    struct Signed {
        @Test("SNS Publish arrives intact")
        func snsPublish() throws {
            let harness = try #require(MotoHarness.current)
            let client = try SNSClient.live(harness.motoEnv)
            let id = try client.publishSMS(
                to: IntegrationTests.phone, message: IntegrationTests.message, deadlineEpochMs: nowEpochMs() + 10_000)
            let stored = try #require(try harness.modelData().sns.SMS.first { $0.message_id == id })
            #expect(stored.message == IntegrationTests.message)
            #expect(stored.phone_number == IntegrationTests.phone)
        }

        @Test("SES SendEmail arrives intact, text only and with HTML")
        func sesSend() throws {
            let harness = try #require(MotoHarness.current)
            let client = try SESClient.live(harness.motoEnv)
            let subject = "Sign-in code ✓ &=+%"
            let textId = try client.sendEmail(
                to: "user@example.com", subject: subject, text: IntegrationTests.message, html: nil, deadlineEpochMs: nowEpochMs() + 10_000)
            let html = "<p>\(IntegrationTests.message)</p>"
            let htmlId = try client.sendEmail(
                to: "user@example.com", subject: subject, text: IntegrationTests.message, html: html, deadlineEpochMs: nowEpochMs() + 10_000
            )
            let messages = try harness.modelData().ses.Message
            let text = try #require(messages.first { $0.id == textId })
            #expect(text.body == IntegrationTests.message)
            #expect(text.subject == subject)
            #expect(text.source == "Sign-in <\(harness.info.sender)>")
            #expect(text.destinations.ToAddresses == ["user@example.com"])
            // moto keeps only the HTML part when one is sent.
            #expect(try #require(messages.first { $0.id == htmlId }).body == html)
        }

        @Test("a wrong secret key is rejected once, not retried, and the error leaks nothing")
        func wrongSecret() throws {
            let harness = try #require(MotoHarness.current)
            try harness.proxyScript("forward")
            let wrongSecret = String(harness.info.role.secretAccessKey.reversed())
            let client = try SNSClient.live(harness.env(port: harness.info.proxyPort, secretAccessKey: wrongSecret))
            do {
                _ = try client.publishSMS(
                    to: IntegrationTests.phone, message: IntegrationTests.message, deadlineEpochMs: nowEpochMs() + 10_000)
                Issue.record("moto accepted a request signed with the wrong secret")
            } catch {
                #expect(error.awsErrorCode == "SignatureDoesNotMatch")
                #expect(error.description.hasPrefix("SNS Publish failed: SignatureDoesNotMatch"))
                for secret in [IntegrationTests.message, wrongSecret, harness.info.role.sessionToken, harness.info.role.accessKeyId] {
                    #expect(!error.description.contains(secret))
                }
            }
            #expect(try harness.proxyRequestCount() == 1)
        }
    }

    @Suite("through the fault-injecting proxy")
    struct Faults {
        @Test("SNS throttling, then success: retried once")
        func snsThrottleThenSuccess() throws {
            let harness = try #require(MotoHarness.current)
            try harness.proxyScript("throttle", "forward")
            let message = "throttled then sent 7731 ✓"
            let id = try SNSClient.live(harness.proxyEnv)
                .publishSMS(to: IntegrationTests.phone, message: message, deadlineEpochMs: nowEpochMs() + 10_000)
            #expect(try harness.proxyRequestCount() == 2)
            #expect(try harness.modelData().sns.SMS.first { $0.message_id == id }?.message == message)
        }

        @Test("SES 429, then success: retried once")
        func sesThrottleThenSuccess() throws {
            let harness = try #require(MotoHarness.current)
            try harness.proxyScript("throttle", "forward")
            let id = try SESClient.live(harness.proxyEnv)
                .sendEmail(to: "user@example.com", subject: "s", text: "429 then ok", html: nil, deadlineEpochMs: nowEpochMs() + 10_000)
            #expect(try harness.proxyRequestCount() == 2)
            #expect(try harness.modelData().ses.Message.first { $0.id == id }?.body == "429 then ok")
        }

        @Test("5xx, then success: retried once")
        func serverErrorThenSuccess() throws {
            let harness = try #require(MotoHarness.current)
            try harness.proxyScript("fail500", "forward")
            _ = try SNSClient.live(harness.proxyEnv)
                .publishSMS(to: IntegrationTests.phone, message: "after a 500", deadlineEpochMs: nowEpochMs() + 10_000)
            #expect(try harness.proxyRequestCount() == 2)
        }

        @Test("403 AccessDenied is not retried: exactly one request")
        func accessDenied() throws {
            let harness = try #require(MotoHarness.current)
            try harness.proxyScript("denied", "forward")
            #expect(
                throws: AWSCallError.serviceError(
                    operation: "SNS Publish", code: "AccessDenied", message: "User is not authorized to perform: SNS:Publish", status: 403,
                    attempts: 1)
            ) {
                try SNSClient.live(harness.proxyEnv)
                    .publishSMS(to: IntegrationTests.phone, message: "denied", deadlineEpochMs: nowEpochMs() + 10_000)
            }
            #expect(try harness.proxyRequestCount() == 1)
        }

        @Test("SES MessageRejected is not retried: exactly one request")
        func messageRejected() throws {
            let harness = try #require(MotoHarness.current)
            try harness.proxyScript("rejected", "forward")
            #expect(
                throws: AWSCallError.serviceError(
                    operation: "SES SendEmail", code: "MessageRejected", message: "Email address is not verified.", status: 400, attempts: 1
                )
            ) {
                try SESClient.live(harness.proxyEnv)
                    .sendEmail(to: "user@example.com", subject: "s", text: "t", html: nil, deadlineEpochMs: nowEpochMs() + 10_000)
            }
            #expect(try harness.proxyRequestCount() == 1)
        }

        @Test("a hanging endpoint ends in a timeout error before the deadline")
        func hang() throws {
            let harness = try #require(MotoHarness.current)
            try harness.proxyScript("hang")
            let deadline = nowEpochMs() + 2_500
            do {
                _ = try SNSClient.live(harness.proxyEnv)
                    .publishSMS(to: IntegrationTests.phone, message: "hang", deadlineEpochMs: deadline)
                Issue.record("a hanging endpoint returned a MessageId")
            } catch {
                #expect("\(error)".hasPrefix("SNS Publish failed: timed out before the invocation deadline after 1 attempt"))
            }
            #expect(nowEpochMs() < deadline)
            #expect(try harness.proxyRequestCount() == 1)
        }

        @Test("a refused connection is retried, then fails before the deadline")
        func refused() throws {
            let harness = try #require(MotoHarness.current)
            let deadline = nowEpochMs() + 5_000
            do {
                _ = try SNSClient.live(harness.env(port: harness.info.refusedPort))
                    .publishSMS(to: IntegrationTests.phone, message: "refused", deadlineEpochMs: deadline)
                Issue.record("a refused connection returned a MessageId")
            } catch {
                #expect("\(error)".hasPrefix("SNS Publish failed: network error after 3 attempts: "))
            }
            #expect(nowEpochMs() < deadline)
        }
    }
}
