import Foundation
import Testing

@testable import LambdaRuntime
@testable import Settings
@testable import TestSupport

struct EchoHandler: LambdaHandler {
    struct Failure: LambdaReportableError {
        var errorType: String { "EchoFailure" }
        var description: String { "asked to fail" }
    }
    func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8] {
        if event.starts(with: Array("fail".utf8)) { throw Failure() }
        let trace = getenv(RuntimeAPI.traceVariable).map { String(cString: $0) } ?? "-"
        return event + Array(" trace=\(trace)".utf8)
    }
}

func json(_ bytes: [UInt8]) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
}

@Suite("Lambda runtime")
struct RuntimeTests {
    @Suite("Invocation metadata")
    struct Metadata {
        @Test("reads every header")
        func readsHeaders() throws {
            let headers = [
                "lambda-runtime-aws-request-id": "abc", "lambda-runtime-deadline-ms": "1700000000123",
                "lambda-runtime-invoked-function-arn": "arn:x", "lambda-runtime-trace-id": "Root=1",
            ]
            let metadata = try InvocationMetadata { headers[$0.lowercased()] }
            #expect(
                metadata
                    == InvocationMetadata(
                        requestID: "abc", deadlineEpochMs: 1_700_000_000_123, invokedFunctionARN: "arn:x", traceID: "Root=1"))
        }

        @Test("a missing request id or deadline is a named error")
        func missingHeaders() {
            #expect(throws: LambdaRuntimeError.missingHeader("Lambda-Runtime-Aws-Request-Id")) {
                try InvocationMetadata { $0.lowercased() == "lambda-runtime-deadline-ms" ? "1" : nil }
            }
            #expect(throws: LambdaRuntimeError.missingHeader("Lambda-Runtime-Deadline-Ms")) {
                try InvocationMetadata { $0.lowercased() == "lambda-runtime-aws-request-id" ? "id" : nil }
            }
            #expect(throws: LambdaRuntimeError.invalidHeader("Lambda-Runtime-Deadline-Ms", "soon")) {
                try InvocationMetadata { $0.lowercased() == "lambda-runtime-aws-request-id" ? "id" : "soon" }
            }
        }
    }

    @Suite("Error reports and logs")
    struct Reports {
        @Test("the error body is the fixed two-key JSON, escaped")
        func errorBody() throws {
            let report = ErrorReport(errorType: "Bad\"Type", errorMessage: "line1\nline2 \u{1} ünï")
            let object = try json(report.json)
            #expect(object.count == 2)
            #expect(object["errorType"] as? String == "Bad\"Type")
            #expect(object["errorMessage"] as? String == "line1\nline2 \u{1} ünï")
        }

        @Test("log lines are one JSON object each, with level, message, request id and fields")
        func logLines() throws {
            let sink = MemorySink()
            var logger = Logger(threshold: .info, baseFields: [("trigger", "create")], sink: sink)
            logger.requestID = "req-1"
            logger.debug("hidden")
            logger.info("code sent", ["channel": "sms", "attempt": 2, "retry": false])
            logger.error("boom \"quoted\"\n")
            #expect(sink.lines.count == 2)
            #expect(sink.lines.allSatisfy { $0.hasSuffix("}\n") && $0.filter { $0 == "\n" }.count == 1 })
            let first = try json(Array(sink.lines[0].utf8))
            // Lambda's level names, in upper case as its JSON log format writes them.
            #expect(first["level"] as? String == "INFO")
            let timestamp = try #require(first["timestamp"] as? String)
            #expect(timestamp.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "\(timestamp)")
            #expect(first["coldStart"] == nil)
            #expect(first["message"] as? String == "code sent")
            #expect(first["requestId"] as? String == "req-1")
            #expect(first["trigger"] as? String == "create")
            #expect(first["channel"] as? String == "sms")
            #expect(first["attempt"] as? Int == 2)
            #expect(first["retry"] as? Bool == false)
            #expect(try json(Array(sink.lines[1].utf8))["message"] as? String == "boom \"quoted\"\n")
        }

        @Test(
            "LOG_LEVEL sets the threshold and rejects unknown names",
            arguments: [
                ("debug", LogLevel.debug), ("INFO", .info), ("warning", .warn), ("error", .error), ("", .info),
            ])
        func logLevel(raw: String, level: LogLevel) throws {
            #expect(try LogLevel(SettingsReader(["LOG_LEVEL": raw])) == level)
        }

        @Test("an unknown LOG_LEVEL names the variable")
        func badLogLevel() {
            let error = #expect(throws: SettingsError.self) { try LogLevel(SettingsReader(["LOG_LEVEL": "loud"])) }
            #expect(error?.variable == "LOG_LEVEL")
            #expect(error?.description.hasPrefix("LOG_LEVEL ") == true)
        }

        @Test("AWS_LAMBDA_RUNTIME_API must be host:port")
        func badAddress() {
            for bad in ["localhost", ":9001", "host:port", "host:99999"] {
                let error = #expect(throws: SettingsError.self) { try SocketRuntimeClient(address: bad) }
                #expect(error?.variable == "AWS_LAMBDA_RUNTIME_API")
            }
        }
    }

    @Suite("Run loop in memory")
    struct InMemory {
        /// A Runtime API client fed from an array; ends the loop by throwing when it runs dry.
        struct FakeClient: RuntimeAPIClient {
            struct Drained: Error {}
            var events: [Invocation]
            var responses: [(String, [UInt8])] = []
            var errors: [(String, ErrorReport)] = []
            var initErrors: [ErrorReport] = []
            mutating func next() throws -> Invocation {
                guard !events.isEmpty else { throw Drained() }
                return events.removeFirst()
            }
            mutating func respond(to requestID: String, body: [UInt8]) { responses.append((requestID, body)) }
            mutating func reportError(for requestID: String, _ report: ErrorReport) { errors.append((requestID, report)) }
            mutating func reportInitError(_ report: ErrorReport) { initErrors.append(report) }
        }

        @Test("answers good events, reports bad ones, and keeps going")
        func loopKeepsGoing() throws {
            let invocations = ["one", "fail two", "three"].enumerated().map { index, body in
                Invocation(
                    metadata: .init(requestID: "r\(index)", deadlineEpochMs: 0, traceID: index == 0 ? "T0" : nil), body: Array(body.utf8))
            }
            var client = FakeClient(events: invocations)
            let sink = MemorySink()
            #expect(throws: FakeClient.Drained.self) {
                try LambdaLoop.run(client: &client, handler: EchoHandler(), logger: Logger(sink: sink))
            }
            #expect(client.responses.map(\.0) == ["r0", "r2"])
            #expect(String(decoding: client.responses[0].1, as: UTF8.self) == "one trace=T0")
            #expect(String(decoding: client.responses[1].1, as: UTF8.self) == "three trace=-")
            #expect(client.errors.map(\.0) == ["r1"])
            #expect(client.errors.first?.1 == ErrorReport(errorType: "EchoFailure", errorMessage: "asked to fail"))
            #expect(sink.lines.count == 1 && sink.lines[0].contains("\"requestId\":\"r1\""))
        }
    }

    @Suite("Socket client against a Runtime API on 127.0.0.1", .serialized)
    struct OverLoopback {
        func run(_ mock: MockRuntimeAPI) throws {
            var client = try SocketRuntimeClient(address: mock.address)
            #expect(throws: LambdaRuntimeError.unexpectedStatus(path: RuntimeAPI.nextPath, status: 500)) {
                try LambdaLoop.run(client: &client, handler: EchoHandler(), logger: Logger(threshold: .error, sink: MemorySink()))
            }
        }

        @Test("a bad event goes to /error with the error-type header, and the loop serves the next")
        func badEventThenGood() throws {
            let mock = try MockRuntimeAPI(events: [
                .init(Array("fail me".utf8), id: "bad-1"),
                .init(Array("hello".utf8), id: "good-2"),
            ])
            try run(mock)
            let posts = mock.recorded
            #expect(
                posts.map(\.path) == [
                    "/2018-06-01/runtime/invocation/bad-1/error", "/2018-06-01/runtime/invocation/good-2/response",
                ])
            #expect(posts[0].headers["lambda-runtime-function-error-type"] == "EchoFailure")
            let report = try json(posts[0].body)
            #expect(report["errorType"] as? String == "EchoFailure")
            #expect(report["errorMessage"] as? String == "asked to fail")
            #expect(posts[1].text.hasPrefix("hello trace=Root=1-5759e988"))
            #expect(mock.connectionCount == 1, "one kept-alive connection serves every request")
        }

        @Test("an init error is posted to /runtime/init/error")
        func initError() throws {
            let mock = try MockRuntimeAPI()
            var client = try SocketRuntimeClient(address: mock.address)
            try client.reportInitError(ErrorReport(errorType: "InvalidConfiguration", errorMessage: "OTP_LENGTH must be a whole number"))
            let post = try #require(mock.recorded.first)
            #expect(post.path == "/2018-06-01/runtime/init/error")
            #expect(post.headers["lambda-runtime-function-error-type"] == "InvalidConfiguration")
            #expect(try json(post.body)["errorMessage"] as? String == "OTP_LENGTH must be a whole number")
        }

        @Test("reconnects when the Runtime API drops the connection after each exchange")
        func reconnects() throws {
            let mock = try MockRuntimeAPI(events: (0..<5).map { .init(Array("e\($0)".utf8), id: "id\($0)") })
            mock.dropConnectionAfterEachExchange = true
            try run(mock)
            #expect(mock.recorded.map(\.requestID) == (0..<5).map { "id\($0)" })
            #expect(mock.connectionCount >= 10)
        }

        @Test("events of several hundred KB, with Content-Length or chunked", arguments: [false, true])
        func largeEvents(chunked: Bool) throws {
            let big = Array(repeating: UInt8(ascii: "x"), count: 700_000)
            let mock = try MockRuntimeAPI(events: [.init(big, id: "big"), .init(Array("small".utf8), id: "small")])
            mock.chunkedEvents = chunked
            try run(mock)
            let posts = mock.recorded
            #expect(posts.count == 2)
            #expect(
                posts.first?.body.count == big.count + " trace=".count
                    + "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1".count)
            #expect(posts.first?.body.prefix(big.count).allSatisfy { $0 == UInt8(ascii: "x") } == true)
            #expect(posts.last?.text.hasPrefix("small") == true)
        }

        @Test("an event without a request id ends the loop with a named error")
        func missingRequestID() throws {
            let mock = try MockRuntimeAPI(events: [.init(Array("x".utf8), headers: [("Lambda-Runtime-Deadline-Ms", "1")])])
            var client = try SocketRuntimeClient(address: mock.address)
            #expect(throws: LambdaRuntimeError.missingHeader("Lambda-Runtime-Aws-Request-Id")) {
                try LambdaLoop.run(client: &client, handler: EchoHandler(), logger: Logger(sink: MemorySink()))
            }
        }

        @Test("a refused connection is a connection error, not a crash")
        func refused() throws {
            let mock = try MockRuntimeAPI()
            let address = mock.address
            mock.stop()
            var client = try SocketRuntimeClient(address: address)
            #expect(throws: LambdaRuntimeError.self) { _ = try client.next() }
        }
    }
}
