import Testing

@testable import AWSClients
@testable import AWSHTTP
@testable import AWSSigning
@testable import MotoSupport
@testable import Settings

extension DynamoDBClient {
    /// The signed request of one attempt at `nowEpochMs`, as `incrementBelowLimits` sends it.
    func incrementRequest(table: String, items: [CounterIncrement], nowEpochMs: Int64) -> HTTPRequest {
        signedRequest(
            action: Self.action(itemCount: items.count), body: Array(Self.requestBody(table: table, items: items).utf8),
            nowEpochMs: nowEpochMs)
    }
}

/// DynamoDB answers as the service writes them: JSON with a namespaced `__type`.
enum DynamoSamples {
    static let table = "rate-limits"
    static let one = [CounterIncrement(pk: "user#1700000000#aaaa", limit: 5, expiresAt: 1_700_000_900)]
    static let two = one + [CounterIncrement(pk: "destination#1699920000#bbbb", limit: 2, expiresAt: 1_700_006_400)]

    static func success() -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "application/x-amz-json-1.0")], body: Array("{}".utf8))
    }

    static func error(_ status: Int = 400, type: String, message: String) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: [("Content-Type", "application/x-amz-json-1.0")],
            body: Array(#"{"__type":"com.amazonaws.dynamodb.v20120810#\#(type)","message":"\#(message)"}"#.utf8))
    }

    /// A cancelled transaction with one reason per item, listed as DynamoDB lists them in the message too.
    static func cancelled(_ reasons: [String]) -> HTTPResponse {
        let list = reasons.map { #"{"Code":"\#($0)"\#($0 == "None" ? "" : #","Message":"reason \#($0)""#)}"# }
        let body = """
            {"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException",\
            "Message":"Transaction cancelled, please refer cancellation reasons for specific reasons [\(reasons.joined(separator: ", "))]",\
            "CancellationReasons":[\(list.joined(separator: ","))]}
            """
        return HTTPResponse(status: 400, headers: [("Content-Type", "application/x-amz-json-1.0")], body: Array(body.utf8))
    }

    static func client(
        _ transport: FakeTransport, policy: RetryPolicy = RetryPolicy(), env: [String: String] = AWSSamples.baseEnv
    ) throws -> DynamoDBClient {
        try AWSClientFactory(SettingsReader(env), transport: transport, retryPolicy: policy, scheduling: transport.clock.scheduling)
            .dynamoDB()
    }
}

@Suite("DynamoDB counters: requests, answers and retries")
struct DynamoDBTests {
    @Suite("requests")
    struct Requests {
        @Test("one counter is an UpdateItem: JSON 1.0 headers, target, sorted body, and a dynamodb signing scope")
        func updateItem() throws {
            let clock = FakeClock()
            let transport = FakeTransport([.respond(DynamoSamples.success())], clock: clock)
            let result = try DynamoSamples.client(transport)
                .incrementBelowLimits(table: DynamoSamples.table, items: DynamoSamples.one, deadlineEpochMs: clock.now + 4_000)
            #expect(result == .incremented)
            let request = try #require(transport.sent.first).request
            #expect(request.method == "POST")
            #expect(request.url == "https://dynamodb.eu-west-1.amazonaws.com/")
            #expect(request.header("Host") == "dynamodb.eu-west-1.amazonaws.com")
            #expect(request.header("X-Amz-Target") == "DynamoDB_20120810.UpdateItem")
            #expect(request.header("Content-Type") == "application/x-amz-json-1.0")
            #expect(request.header("X-Amz-Security-Token") == AWSSamples.credentials.sessionToken)
            #expect(
                request.bodyText
                    == ##"{"ConditionExpression":"attribute_not_exists(#n) OR #n < :limit","ExpressionAttributeNames":{"#e":"expiresAt","#n":"n"},"##
                    + ##""ExpressionAttributeValues":{":exp":{"N":"1700000900"},":limit":{"N":"5"},":one":{"N":"1"}},"##
                    + ##""Key":{"pk":{"S":"user#1700000000#aaaa"}},"TableName":"rate-limits","UpdateExpression":"ADD #n :one SET #e = :exp"}"##
            )
            let authorization = try #require(request.header("Authorization"))
            #expect(
                authorization.hasPrefix(
                    "AWS4-HMAC-SHA256 Credential=ASIAFIXTUREKEY000001/20231114/eu-west-1/dynamodb/aws4_request, "
                        + "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature="))
            // The signature is the one our signer computes for exactly these headers and body.
            let signed = request.headers.filter { !["authorization", "x-amz-date", "x-amz-security-token"].contains($0.name.lowercased()) }
            let expected = SigV4Signer(credentials: AWSSamples.credentials, region: "eu-west-1", service: "dynamodb")
                .sign(method: "POST", path: "/", headers: signed, body: request.body, time: SigningTime(epochSeconds: clock.now / 1_000))
            #expect(expected.last?.value == authorization)
        }

        @Test("several counters are one TransactWriteItems with an Update per item, in order")
        func transaction() throws {
            let clock = FakeClock()
            let transport = FakeTransport([.respond(DynamoSamples.success())], clock: clock)
            let result = try DynamoSamples.client(transport)
                .incrementBelowLimits(table: DynamoSamples.table, items: DynamoSamples.two, deadlineEpochMs: clock.now + 4_000)
            #expect(result == .incremented)
            let request = try #require(transport.sent.first).request
            #expect(request.header("X-Amz-Target") == "DynamoDB_20120810.TransactWriteItems")
            #expect(request.header("Content-Type") == "application/x-amz-json-1.0")
            let update = { (pk: String, limit: Int, expiresAt: Int64) in
                ##"{"Update":{"ConditionExpression":"attribute_not_exists(#n) OR #n < :limit","##
                    + ##""ExpressionAttributeNames":{"#e":"expiresAt","#n":"n"},"##
                    + ##""ExpressionAttributeValues":{":exp":{"N":"\##(expiresAt)"},":limit":{"N":"\##(limit)"},":one":{"N":"1"}},"##
                    + ##""Key":{"pk":{"S":"\##(pk)"}},"TableName":"rate-limits","UpdateExpression":"ADD #n :one SET #e = :exp"}}"##
            }
            #expect(
                request.bodyText
                    == #"{"TransactItems":["# + update("user#1700000000#aaaa", 5, 1_700_000_900) + ","
                    + update("destination#1699920000#bbbb", 2, 1_700_006_400) + "]}")
        }

        @Test("endpoint: AWS_ENDPOINT_URL_DYNAMODB, then AWS_ENDPOINT_URL, then the regional host")
        func endpoints() throws {
            let cases: [([String: String], String)] = [
                (["AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:4566", "AWS_ENDPOINT_URL": "http://other:1"], "http://127.0.0.1:4566/"),
                (["AWS_ENDPOINT_URL": "https://localhost:8443/base/"], "https://localhost:8443/base/"),
                (["AWS_REGION": "", "AWS_DEFAULT_REGION": "ap-south-2"], "https://dynamodb.ap-south-2.amazonaws.com/"),
                (["AWS_REGION": "cn-north-1"], "https://dynamodb.cn-north-1.amazonaws.com.cn/"),
            ]
            for (overrides, url) in cases {
                let transport = FakeTransport([.respond(DynamoSamples.success())], clock: FakeClock())
                let env = AWSSamples.baseEnv.merging(overrides) { $1 }
                let request = try DynamoSamples.client(transport, env: env)
                    .incrementRequest(table: "t", items: DynamoSamples.one, nowEpochMs: 1_700_000_000_000)
                #expect(request.url == url)
            }
        }

        @Test("a missing credential or region names the variable")
        func missingSettings() {
            let transport = FakeTransport([.respond(DynamoSamples.success())], clock: FakeClock())
            for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"] {
                var env = AWSSamples.baseEnv
                env[name] = " "
                #expect(throws: SettingsError.missing(name)) { try DynamoSamples.client(transport, env: env) }
            }
        }

        @Test("a limit of zero or less is at its limit without a request")
        func zeroLimit() throws {
            let transport = FakeTransport([.respond(DynamoSamples.success())], clock: FakeClock())
            let items = DynamoSamples.two.enumerated().map { index, item in
                var item = item
                item.limit = index == 1 ? 0 : item.limit
                return item
            }
            let result = try DynamoSamples.client(transport)
                .incrementBelowLimits(table: "t", items: items, deadlineEpochMs: transport.clock.now + 4_000)
            #expect(result == .atLimit(indices: [1]))
            #expect(transport.sent.isEmpty)
        }
    }

    @Suite("answers")
    struct Answers {
        @Test("ConditionalCheckFailedException on one counter: at its limit, one request")
        func conditionalCheckFailed() throws {
            let transport = FakeTransport(
                [.respond(DynamoSamples.error(type: "ConditionalCheckFailedException", message: "The conditional request failed"))],
                clock: FakeClock())
            let result = try DynamoSamples.client(transport)
                .incrementBelowLimits(table: "t", items: DynamoSamples.one, deadlineEpochMs: transport.clock.now + 4_000)
            #expect(result == .atLimit(indices: [0]))
            #expect(transport.sent.count == 1)
        }

        @Test(
            "a cancelled transaction names the counters whose condition failed, without a retry",
            arguments: [
                (["None", "ConditionalCheckFailed"], [1]), (["ConditionalCheckFailed", "ConditionalCheckFailed"], [0, 1]),
                (["ConditionalCheckFailed", "TransactionConflict"], [0]),
            ])
        func cancelledByCondition(reasons: [String], indices: [Int]) throws {
            let transport = FakeTransport(
                [.respond(DynamoSamples.cancelled(reasons)), .respond(DynamoSamples.success())], clock: FakeClock())
            let result = try DynamoSamples.client(transport)
                .incrementBelowLimits(table: "t", items: DynamoSamples.two, deadlineEpochMs: transport.clock.now + 4_000)
            #expect(result == .atLimit(indices: indices))
            #expect(transport.sent.count == 1)
        }

        @Test("without a CancellationReasons list, the reasons come from the message")
        func reasonsFromMessage() throws {
            let body =
                #"{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","#
                + #""message":"Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]"}"#
            let failure = DynamoDBClient.parseFailure(HTTPResponse(status: 400, body: Array(body.utf8)), redacting: [])
            #expect(failure.code == "TransactionCanceledException")
            #expect(failure.cancellationReasons == ["None", "ConditionalCheckFailed"])
        }

        @Test("an XML error (moto's signature and policy checks) gives its Code and Message")
        func xmlError() {
            let xml = """
                <?xml version="1.0" encoding="utf-8"?>
                <ErrorResponse><Errors><Error><Code>AccessDenied</Code><Message>User: arn:aws:sts::1:assumed-role/r/s is not \
                authorized to perform: dynamodb:UpdateItem</Message><Type>Sender</Type></Error></Errors></ErrorResponse>
                """
            let failure = DynamoDBClient.parseFailure(HTTPResponse(status: 403, body: Array(xml.utf8)), redacting: [])
            #expect(failure.code == "AccessDenied")
            #expect(failure.message.hasSuffix("is not authorized to perform: dynamodb:UpdateItem"))
            #expect(DynamoDBClient.parseFailure(HTTPResponse(status: 502, body: Array("<html>".utf8)), redacting: []).code == "HTTP 502")
        }

        @Test("an error that echoes a key or a credential is described without them")
        func noLeaks() throws {
            let pk = DynamoSamples.one[0].pk
            let message = "One or more parameter values were invalid: key \(pk) signed by \(AWSSamples.credentials.secretAccessKey)"
            let transport = FakeTransport(
                [.respond(DynamoSamples.error(type: "ValidationException", message: message))], clock: FakeClock())
            let client = try DynamoSamples.client(transport)
            do {
                _ =
                    try client
                    .incrementBelowLimits(table: "t", items: DynamoSamples.one, deadlineEpochMs: transport.clock.now + 4_000)
                Issue.record("a ValidationException was taken for success")
            } catch {
                #expect(error.awsErrorCode == "ValidationException")
                #expect(error.description.hasPrefix("DynamoDB UpdateItem failed: ValidationException: One or more parameter values"))
                for secret in [pk, AWSSamples.credentials.secretAccessKey, AWSSamples.credentials.sessionToken!] {
                    #expect(!error.description.contains(secret))
                }
            }
        }
    }

    @Suite("retries within the deadline")
    struct Retries {
        @Test(
            "throttling and 5xx are retried, then the increment succeeds",
            arguments: [
                (400, "ProvisionedThroughputExceededException"), (400, "ThrottlingException"), (400, "RequestLimitExceeded"),
                (500, "InternalServerError"), (400, "TransactionConflictException"),
            ])
        func retried(status: Int, type: String) throws {
            let clock = FakeClock()
            let transport = FakeTransport(
                [.respond(DynamoSamples.error(status, type: type, message: "try again")), .respond(DynamoSamples.success())], clock: clock)
            let result = try DynamoSamples.client(transport)
                .incrementBelowLimits(table: "t", items: DynamoSamples.one, deadlineEpochMs: clock.now + 4_000)
            #expect(result == .incremented)
            #expect(transport.sent.count == 2)
            #expect(clock.sleeps == [50])
        }

        @Test("a transaction cancelled only by conflicting writers is retried like throttling")
        func conflictThenSuccess() throws {
            let clock = FakeClock()
            let transport = FakeTransport(
                [
                    .respond(DynamoSamples.cancelled(["TransactionConflict", "None"])),
                    .respond(DynamoSamples.cancelled(["TransactionConflict", "TransactionConflict"])),
                    .respond(DynamoSamples.success()),
                ], clock: clock)
            let result = try DynamoSamples.client(transport)
                .incrementBelowLimits(table: "t", items: DynamoSamples.two, deadlineEpochMs: clock.now + 4_000)
            #expect(result == .incremented)
            #expect(transport.sent.count == 3)
            #expect(clock.sleeps == [50, 100])
            // Each try is signed afresh with the same body.
            #expect(Set(transport.sent.map(\.request.bodyText)).count == 1)
        }

        @Test("conflicts on every try are waited out with backoff until the deadline, then contended, never an increment")
        func conflictsPersist() throws {
            let transport = FakeTransport([.respond(DynamoSamples.cancelled(["None", "TransactionConflict"]))], clock: FakeClock())
            let client = try DynamoSamples.client(transport)
            let start = transport.clock.now
            let result = try client.incrementBelowLimits(table: "t", items: DynamoSamples.two, deadlineEpochMs: start + 4_000)
            #expect(result == .contended)
            // Past the policy's three tries: writes go on while a try can start before the deadline less the margin.
            #expect(transport.sent.count > 3)
            #expect(transport.clock.now < start + 4_000 - 500)
            let sleeps = transport.clock.sleeps
            #expect(sleeps.count == transport.sent.count - 1)
            #expect(sleeps.max() ?? 0 <= RetryPolicy().maxDelayMs / 2, "full jitter under the policy's ceiling: \(sleeps)")
        }

        @Test("an UpdateItem that meets a transaction (TransactionConflictException) is waited out the same way")
        func singleItemConflict() throws {
            let clock = FakeClock()
            let conflict = DynamoSamples.error(400, type: "TransactionConflictException", message: "Transaction is ongoing for the item")
            let transport = FakeTransport(
                [.respond(conflict), .respond(conflict), .respond(conflict), .respond(conflict), .respond(DynamoSamples.success())],
                clock: clock)
            let result = try DynamoSamples.client(transport)
                .incrementBelowLimits(table: "t", items: DynamoSamples.one, deadlineEpochMs: clock.now + 4_000)
            #expect(result == .incremented)
            #expect(transport.sent.count == 5)
        }

        @Test("less than the minimum budget before a first try: out of time, and nothing sent", arguments: [0, 150, 199])
        func noTimeLeft(budgetMs: Int64) throws {
            let clock = FakeClock()
            let transport = FakeTransport([.respond(DynamoSamples.success())], clock: clock)
            let result = try DynamoSamples.client(transport)
                .incrementBelowLimits(table: "t", items: DynamoSamples.two, deadlineEpochMs: clock.now + 500 + budgetMs)
            #expect(result == .outOfTime)
            #expect(transport.sent.isEmpty)
        }

        @Test("throttling that never ends is a busy table: contended, never an error a caller could take for an outage")
        func throttledUntilDeadline() throws {
            let clock = FakeClock()
            let transport = FakeTransport(
                [.respond(DynamoSamples.error(400, type: "ThrottlingException", message: "slow down"))], clock: clock)
            let result = try DynamoSamples.client(transport)
                .incrementBelowLimits(table: "t", items: DynamoSamples.one, deadlineEpochMs: clock.now + 3_000)
            #expect(result == .contended)
            #expect(transport.sent.count > 3)
        }

        @Test("conflicts until the deadline, tries slow: contended, within the deadline")
        func conflictsUntilDeadline() throws {
            let clock = FakeClock()
            let transport = FakeTransport(
                [.respond(DynamoSamples.cancelled(["TransactionConflict", "None"]))], clock: clock, latencyMs: 400)
            let client = try DynamoSamples.client(transport, policy: RetryPolicy(maxAttempts: 10))
            let start = clock.now
            let result = try client.incrementBelowLimits(table: "t", items: DynamoSamples.two, deadlineEpochMs: start + 1_500)
            #expect(result == .contended)
            #expect(transport.sent.count == 3)
            #expect(clock.now <= start + 1_500)
        }

        @Test(
            "validation and permission errors, and other cancellations, are not retried",
            arguments: [
                DynamoSamples.error(type: "ValidationException", message: "Invalid UpdateExpression"),
                DynamoSamples.error(type: "ResourceNotFoundException", message: "Requested resource not found"),
                HTTPResponse(
                    status: 400,
                    body: Array(#"{"__type":"com.amazon.coral.service#AccessDeniedException","Message":"not authorized"}"#.utf8)),
                HTTPResponse(
                    status: 403,
                    body: Array(#"{"__type":"com.amazon.coral.service#InvalidSignatureException","message":"signature mismatch"}"#.utf8)),
                DynamoSamples.cancelled(["ValidationError", "None"]),
                DynamoSamples.cancelled(["TransactionConflict", "ValidationError"]),
            ])
        func notRetried(response: HTTPResponse) throws {
            let transport = FakeTransport([.respond(response), .respond(DynamoSamples.success())], clock: FakeClock())
            #expect(throws: AWSCallError.self) {
                try DynamoSamples.client(transport)
                    .incrementBelowLimits(table: "t", items: DynamoSamples.two, deadlineEpochMs: transport.clock.now + 4_000)
            }
            #expect(transport.sent.count == 1)
            #expect(transport.clock.sleeps.isEmpty)
        }

        @Test("a refused connection is retried, then reported as a network error")
        func networkFailure() throws {
            let transport = FakeTransport([.fail(AWSCallError.transport(.connectionFailed, "Connection refused"))], clock: FakeClock())
            let client = try DynamoSamples.client(transport)
            do {
                _ =
                    try client
                    .incrementBelowLimits(table: "t", items: DynamoSamples.one, deadlineEpochMs: transport.clock.now + 4_000)
                Issue.record("a refused connection was taken for success")
            } catch {
                #expect(error.description == "DynamoDB UpdateItem failed: network error after 3 attempts: Connection refused")
            }
            #expect(transport.sent.count == 3)
        }
    }
}

// Needs python3 with moto[server] and boto3; skipped with this message when they are missing.
@Suite(
    "DynamoDB counters against moto on 127.0.0.1",
    .serialized, .motoHarness,
    .enabled(
        if: MotoHarness.enabled, "python3 with moto[server] and boto3 not found (pip install 'moto[server]'); integration tests skipped"))
struct DynamoDBIntegrationTests {
    /// A key no other test uses.
    static func key(_ name: String) -> String { "test#\(name)#\(nowEpochMs())" }

    static func count(_ pk: String, harness: MotoHarness) throws -> Int64? {
        try harness.dynamoItems().first { $0.pk == pk }?.number("n")
    }

    @Test("one counter counts up to exactly its limit, then is at its limit")
    func singleCounter() throws {
        let harness = try #require(MotoHarness.current)
        let client = try DynamoDBClient.live(harness.motoEnv)
        let pk = Self.key("single")
        let items = [CounterIncrement(pk: pk, limit: 3, expiresAt: 1_900_000_000)]
        var results: [IncrementResult] = []
        for _ in 0..<5 {
            results.append(
                try client.incrementBelowLimits(table: harness.info.rateLimitTable, items: items, deadlineEpochMs: nowEpochMs() + 10_000))
        }
        #expect(results == [.incremented, .incremented, .incremented, .atLimit(indices: [0]), .atLimit(indices: [0])])
        let item = try #require(try harness.dynamoItems().first { $0.pk == pk })
        #expect(item.number("n") == 3)
        #expect(item.number("expiresAt") == 1_900_000_000)
    }

    @Test("a transaction whose second counter is full counts nothing in the first")
    func transactionAllOrNothing() throws {
        let harness = try #require(MotoHarness.current)
        let client = try DynamoDBClient.live(harness.motoEnv)
        let table = harness.info.rateLimitTable
        let first = CounterIncrement(pk: Self.key("first"), limit: 5, expiresAt: 1_900_000_000)
        let second = CounterIncrement(pk: Self.key("second"), limit: 2, expiresAt: 1_900_000_600)
        let deadline = { nowEpochMs() + 10_000 }

        #expect(try client.incrementBelowLimits(table: table, items: [first, second], deadlineEpochMs: deadline()) == .incremented)
        #expect(try client.incrementBelowLimits(table: table, items: [second], deadlineEpochMs: deadline()) == .incremented)
        #expect(try Self.count(first.pk, harness: harness) == 1)
        #expect(try Self.count(second.pk, harness: harness) == 2)

        #expect(
            try client.incrementBelowLimits(table: table, items: [first, second], deadlineEpochMs: deadline()) == .atLimit(indices: [1]))
        #expect(try Self.count(first.pk, harness: harness) == 1, "the first counter was not counted")
        #expect(try Self.count(second.pk, harness: harness) == 2)

        // A fresh third counter in a refused transaction is not even created.
        let third = CounterIncrement(pk: Self.key("third"), limit: 1, expiresAt: 1_900_000_000)
        #expect(
            try client.incrementBelowLimits(table: table, items: [third, second], deadlineEpochMs: deadline()) == .atLimit(indices: [1]))
        #expect(try harness.dynamoItems().first { $0.pk == third.pk } == nil)
    }

    @Test("a wrong secret key is rejected once, not retried, and the error leaks nothing")
    func wrongSecret() throws {
        let harness = try #require(MotoHarness.current)
        try harness.proxyScript("forward")
        let wrongSecret = String(harness.info.role.secretAccessKey.reversed())
        let client = try DynamoDBClient.live(harness.env(port: harness.info.proxyPort, secretAccessKey: wrongSecret))
        let pk = Self.key("wrong-secret")
        do {
            _ = try client.incrementBelowLimits(
                table: harness.info.rateLimitTable, items: [CounterIncrement(pk: pk, limit: 3, expiresAt: 1_900_000_000)],
                deadlineEpochMs: nowEpochMs() + 10_000)
            Issue.record("moto accepted a request signed with the wrong secret")
        } catch {
            // Real DynamoDB says InvalidSignatureException; moto says SignatureDoesNotMatch.
            #expect(["SignatureDoesNotMatch", "InvalidSignatureException"].contains(error.awsErrorCode ?? ""))
            #expect(error.description.hasPrefix("DynamoDB UpdateItem failed: "))
            for secret in [
                pk, wrongSecret, harness.info.role.secretAccessKey, harness.info.role.sessionToken, harness.info.role.accessKeyId,
            ] {
                #expect(!error.description.contains(secret))
            }
        }
        #expect(try harness.proxyRequestCount() == 1)
        #expect(try Self.count(pk, harness: harness) == nil)
    }

    @Test("a table outside the role's policy is denied, once, for one item and for a transaction")
    func tableNotGranted() throws {
        let harness = try #require(MotoHarness.current)
        let client = try DynamoDBClient.live(harness.proxyEnv)
        for items in [1, 2].map({ count in
            (0..<count).map { CounterIncrement(pk: Self.key("denied-\($0)"), limit: 3, expiresAt: 1_900_000_000) }
        }) {
            try harness.proxyScript("forward")
            do {
                _ = try client.incrementBelowLimits(table: harness.info.deniedTable, items: items, deadlineEpochMs: nowEpochMs() + 10_000)
                Issue.record("the role wrote to a table its policy does not cover")
            } catch {
                #expect(["AccessDenied", "AccessDeniedException"].contains(error.awsErrorCode ?? ""))
                #expect(error.description.contains("is not authorized to perform: dynamodb:"))
            }
            #expect(try harness.proxyRequestCount() == 1)
        }
        #expect(try harness.dynamoItems(table: harness.info.deniedTable).isEmpty)
    }

    @Test(
        "through the proxy: throttling and a conflict-cancelled transaction are retried and counted once; a validation error is not; endless conflicts are contended"
    )
    func retriedThroughProxy() throws {
        let harness = try #require(MotoHarness.current)
        let client = try DynamoDBClient.live(harness.proxyEnv)
        let table = harness.info.rateLimitTable
        let single = [CounterIncrement(pk: Self.key("throttled"), limit: 3, expiresAt: 1_900_000_000)]
        try harness.proxyScript("throttle", "forward")
        #expect(try client.incrementBelowLimits(table: table, items: single, deadlineEpochMs: nowEpochMs() + 10_000) == .incremented)
        #expect(try harness.proxyRequestCount() == 2)
        #expect(try Self.count(single[0].pk, harness: harness) == 1)

        let pair = ["a", "b"].map { CounterIncrement(pk: Self.key("conflict-\($0)"), limit: 3, expiresAt: 1_900_000_000) }
        try harness.proxyScript("conflict", "forward")
        #expect(try client.incrementBelowLimits(table: table, items: pair, deadlineEpochMs: nowEpochMs() + 10_000) == .incremented)
        #expect(try harness.proxyRequestCount() == 2)
        #expect(try pair.map { try Self.count($0.pk, harness: harness) } == [1, 1])

        try harness.proxyScript("invalid", "forward")
        #expect(throws: AWSCallError.self) {
            try client.incrementBelowLimits(table: table, items: pair, deadlineEpochMs: nowEpochMs() + 10_000)
        }
        #expect(try harness.proxyRequestCount() == 1, "a ValidationException is not retried")

        try harness.proxyScript("conflict")
        #expect(try client.incrementBelowLimits(table: table, items: pair, deadlineEpochMs: nowEpochMs() + 2_000) == .contended)
        #expect(try harness.proxyRequestCount() >= 3)
        #expect(try pair.map { try Self.count($0.pk, harness: harness) } == [1, 1])
    }
}
