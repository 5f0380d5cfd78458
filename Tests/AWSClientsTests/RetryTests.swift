import Testing

@testable import AWSClients
@testable import AWSHTTP

@Suite("AWS clients: retries within the deadline")
struct RetryTests {
    @Suite("RetryPolicy as a value")
    struct PolicyValue {
        @Test("full-jitter ceiling doubles from the base and stops at the cap")
        func ceilings() {
            let policy = RetryPolicy(baseDelayMs: 100, maxDelayMs: 1_000)
            #expect((0..<6).map { policy.backoffCeilingMs(afterAttempt: $0) } == [100, 200, 400, 800, 1_000, 1_000])
            #expect(policy.backoffCeilingMs(afterAttempt: 500) == 1_000)
        }

        @Test(
            "throttling and 5xx are retryable; other 4xx are not",
            arguments: [
                (400, "Throttling", true), (429, "TooManyRequestsException", true), (400, "ThrottlingException", true),
                (429, "HTTP 429", true), (500, "InternalError", true), (503, "ServiceUnavailable", true),
                (403, "AccessDenied", false), (400, "InvalidParameter", false), (400, "MessageRejected", false),
                (403, "SignatureDoesNotMatch", false), (404, "NotFoundException", false), (400, "LimitExceededException", false),
            ])
        func retryable(status: Int, code: String, expected: Bool) {
            #expect(RetryPolicy.isRetryable(status: status, errorCode: code) == expected)
        }

        @Test("timeouts and connection failures are retryable; permanent transport errors are not")
        func transportRetryable() {
            #expect(RetryPolicy.isRetryable(AWSCallError.transport(.timedOut, "t")))
            #expect(RetryPolicy.isRetryable(AWSCallError.transport(.connectionFailed, "c")))
            #expect(!RetryPolicy.isRetryable(AWSCallError.transport(.permanent, "p")))
        }
    }

    @Suite("retry loop with an injected clock, sleeper and jitter")
    struct Loop {
        @Test("throttling then success: two requests, one jittered wait, nothing sent after success")
        func throttlingThenSuccess() throws {
            let clock = FakeClock(jitterPercent: 50)
            let transport = FakeTransport(
                [
                    .respond(AWSSamples.snsError(400, code: "Throttling", message: "Rate exceeded")),
                    .respond(AWSSamples.snsSuccess("id-2")),
                ],
                clock: clock)
            let client = try AWSSamples.snsClient(transport)
            let id = try client.publishSMS(to: "+15555550100", message: "hi", deadlineEpochMs: clock.now + 5_000)
            #expect(id == "id-2")
            #expect(transport.sent.count == 2)
            #expect(clock.jitterCeilings == [100])
            #expect(clock.sleeps == [50])
        }

        @Test("5xx on every try: stops after maxAttempts with the last error")
        func serverErrorsExhaustAttempts() throws {
            let clock = FakeClock(jitterPercent: 100)
            let transport = FakeTransport(
                [.respond(AWSSamples.snsError(503, code: "ServiceUnavailable", message: "Try later"))], clock: clock)
            let client = try AWSSamples.snsClient(transport, policy: RetryPolicy(maxAttempts: 4))
            #expect(
                throws: AWSCallError.serviceError(
                    operation: "SNS Publish", code: "ServiceUnavailable", message: "Try later", status: 503, attempts: 4)
            ) {
                try client.publishSMS(to: "+1", message: "hi", deadlineEpochMs: clock.now + 10_000)
            }
            #expect(transport.sent.count == 4)
            #expect(clock.sleeps == [100, 200, 400])
        }

        @Test(
            "other 4xx answers are never retried",
            arguments: [("AccessDenied", 403), ("InvalidParameter", 400), ("SignatureDoesNotMatch", 403)])
        func clientErrorsNotRetried(code: String, status: Int) throws {
            let clock = FakeClock()
            let transport = FakeTransport(
                [.respond(AWSSamples.snsError(status, code: code, message: "no")), .respond(AWSSamples.snsSuccess())], clock: clock)
            let client = try AWSSamples.snsClient(transport)
            #expect(
                throws: AWSCallError.serviceError(operation: "SNS Publish", code: code, message: "no", status: status, attempts: 1)
            ) {
                try client.publishSMS(to: "+1", message: "hi", deadlineEpochMs: clock.now + 5_000)
            }
            #expect(transport.sent.count == 1)
            #expect(clock.sleeps.isEmpty)
        }

        @Test("SES 429 is retried, MessageRejected is not")
        func sesRetries() throws {
            let clock = FakeClock()
            let throttled = FakeTransport(
                [
                    .respond(AWSSamples.sesError(429, type: "TooManyRequestsException", message: "slow down")),
                    .respond(AWSSamples.sesSuccess("ok")),
                ],
                clock: clock)
            #expect(
                try AWSSamples.sesClient(throttled).sendEmail(
                    to: "u@example.com", subject: "s", text: "t", html: nil, deadlineEpochMs: clock.now + 5_000) == "ok")
            #expect(throttled.sent.count == 2)

            let rejected = FakeTransport(
                [.respond(AWSSamples.sesError(400, type: "MessageRejected", message: "bad")), .respond(AWSSamples.sesSuccess())],
                clock: clock)
            #expect(
                throws: AWSCallError.serviceError(
                    operation: "SES SendEmail", code: "MessageRejected", message: "bad", status: 400, attempts: 1)
            ) {
                try AWSSamples.sesClient(rejected).sendEmail(
                    to: "u@example.com", subject: "s", text: "t", html: nil, deadlineEpochMs: clock.now + 5_000)
            }
            #expect(rejected.sent.count == 1)
        }

        @Test("connection failures are retried, then the send succeeds")
        func connectionFailureThenSuccess() throws {
            let clock = FakeClock()
            let transport = FakeTransport(
                [
                    .fail(AWSCallError.transport(.connectionFailed, "Connection refused")),
                    .fail(AWSCallError.transport(.connectionFailed, "reset")),
                    .respond(AWSSamples.snsSuccess("id")),
                ],
                clock: clock)
            #expect(try AWSSamples.snsClient(transport).publishSMS(to: "+1", message: "hi", deadlineEpochMs: clock.now + 5_000) == "id")
            #expect(transport.sent.count == 3)
        }

        @Test("connection failures on every try end in a network error naming the attempts")
        func connectionFailuresExhaust() throws {
            let clock = FakeClock()
            let transport = FakeTransport([.fail(AWSCallError.transport(.connectionFailed, "Connection refused"))], clock: clock)
            let deadline = clock.now + 5_000
            #expect(throws: AWSCallError.networkError(operation: "SNS Publish", detail: "Connection refused", attempts: 3)) {
                try AWSSamples.snsClient(transport).publishSMS(to: "+1", message: "hi", deadlineEpochMs: deadline)
            }
            #expect(clock.now < deadline)
        }

        @Test("a permanent transport error is not retried")
        func permanentNotRetried() throws {
            let clock = FakeClock()
            let transport = FakeTransport(
                [.fail(AWSCallError.transport(.permanent, "SSL peer certificate was not OK")), .respond(AWSSamples.snsSuccess())],
                clock: clock)
            #expect(
                throws: AWSCallError.networkError(operation: "SNS Publish", detail: "SSL peer certificate was not OK", attempts: 1)
            ) {
                try AWSSamples.snsClient(transport).publishSMS(to: "+1", message: "hi", deadlineEpochMs: clock.now + 5_000)
            }
            #expect(transport.sent.count == 1)
        }

        @Test("a hanging endpoint uses the time left and ends in a deadline error before the deadline")
        func hangEndsAtBudget() throws {
            let clock = FakeClock()
            let deadline = clock.now + 3_000
            let transport = FakeTransport([.hang], clock: clock)
            let client = try AWSSamples.snsClient(transport, policy: RetryPolicy(deadlineSafetyMarginMs: 500, maxConnectTimeoutMs: 2_000))
            do {
                _ = try client.publishSMS(to: "+1", message: "hi", deadlineEpochMs: deadline)
                Issue.record("expected a timeout")
            } catch {
                #expect(error.description.hasPrefix("SNS Publish failed: timed out before the invocation deadline after 1 attempt"))
            }
            #expect(transport.sent.count == 1)
            #expect(transport.sent[0].timeoutMs == 2_500)
            #expect(transport.sent[0].connectTimeoutMs == 2_000)
            #expect(clock.now == deadline - 500)
        }

        @Test("timeouts shrink as the deadline approaches")
        func timeoutsFollowDeadline() throws {
            let clock = FakeClock(jitterPercent: 100)
            let transport = FakeTransport(
                [.respond(AWSSamples.snsError(500, code: "InternalError", message: "x"))], clock: clock, latencyMs: 300)
            let deadline = clock.now + 1_500
            #expect(throws: AWSCallError.self) {
                try AWSSamples.snsClient(transport).publishSMS(to: "+1", message: "hi", deadlineEpochMs: deadline)
            }
            // Budget 1000 ms, 300 ms per answer: tries at 0, 400 (after a 100 ms wait) and 900 (after 200 ms).
            #expect(transport.sent.map(\.timeoutMs) == [1_000, 600, 100])
            #expect(transport.sent.map(\.connectTimeoutMs) == [1_000, 600, 100])
        }

        @Test("a backoff that would pass the budget is not taken: stops with a deadline error")
        func backoffPastBudget() throws {
            let clock = FakeClock(jitterPercent: 100)
            let transport = FakeTransport(
                [.respond(AWSSamples.snsError(400, code: "Throttling", message: "Rate exceeded"))], clock: clock, latencyMs: 100)
            let deadline = clock.now + 650  // budget 150 ms after the 500 ms margin
            #expect(
                throws: AWSCallError.deadlineExceeded(operation: "SNS Publish", attempts: 1, lastProblem: "Throttling: Rate exceeded")
            ) {
                try AWSSamples.snsClient(transport).publishSMS(to: "+1", message: "hi", deadlineEpochMs: deadline)
            }
            #expect(transport.sent.count == 1)
            #expect(clock.sleeps.isEmpty)
        }

        @Test("nothing is sent when the deadline is already inside the safety margin")
        func noTimeLeft() throws {
            let clock = FakeClock()
            let transport = FakeTransport([.respond(AWSSamples.snsSuccess())], clock: clock)
            #expect(throws: AWSCallError.deadlineExceeded(operation: "SNS Publish", attempts: 0, lastProblem: nil)) {
                try AWSSamples.snsClient(transport).publishSMS(to: "+1", message: "hi", deadlineEpochMs: clock.now + 500)
            }
            #expect(transport.sent.isEmpty)
        }

        @Test("every try is signed afresh with the current time")
        func freshSignaturePerAttempt() throws {
            let clock = FakeClock(now: 1_440_938_160_000, jitterPercent: 100)
            let transport = FakeTransport(
                [.respond(AWSSamples.snsError(500, code: "InternalError", message: "x")), .respond(AWSSamples.snsSuccess())], clock: clock,
                latencyMs: 1_000)
            _ = try AWSSamples.snsClient(transport).publishSMS(to: "+1", message: "hi", deadlineEpochMs: clock.now + 5_000)
            #expect(transport.sent.map { $0.request.header("X-Amz-Date") } == ["20150830T123600Z", "20150830T123601Z"])
        }
    }
}
