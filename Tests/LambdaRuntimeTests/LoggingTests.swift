import Foundation
import Testing

@testable import LambdaRuntime
@testable import Platform
@testable import Settings
@testable import TestSupport

/// Logs as Lambda's JSON log format and log-level filtering expect them, and metrics in embedded metric format.
@Suite("Logs and metrics")
struct LoggingTests {
    @Test(
        "timestamps are RFC 3339 in UTC with milliseconds",
        arguments: [
            (Int64(0), "1970-01-01T00:00:00.000Z"), (1_700_000_000_123, "2023-11-14T22:13:20.123Z"),
            (1_795_000_000_007, "2026-11-18T11:06:40.007Z"),
        ])
    func timestamps(ms: Int64, text: String) {
        #expect(UTCTime(epochMilliseconds: ms).rfc3339 == text)
    }

    @Test("AWS_LAMBDA_LOG_LEVEL sets the threshold; LOG_LEVEL is its alias for local runs")
    func levels() throws {
        #expect(try LogLevel(SettingsReader(["AWS_LAMBDA_LOG_LEVEL": "WARN", "LOG_LEVEL": "debug"])) == .warn)
        #expect(try LogLevel(SettingsReader(["AWS_LAMBDA_LOG_LEVEL": "TRACE"])) == .debug)
        #expect(try LogLevel(SettingsReader(["AWS_LAMBDA_LOG_LEVEL": "FATAL"])) == .error)
        #expect(try LogLevel(SettingsReader(["AWS_LAMBDA_LOG_LEVEL": " ", "LOG_LEVEL": "error"])) == .error)
        let error = #expect(throws: SettingsError.self) { try LogLevel(SettingsReader(["AWS_LAMBDA_LOG_LEVEL": "LOUD"])) }
        #expect(error?.variable == "AWS_LAMBDA_LOG_LEVEL")
        #expect(LogLevel.allCases.map(\.name) == ["DEBUG", "INFO", "WARN", "ERROR"])
    }

    struct Client: RuntimeAPIClient {
        struct Drained: Error {}
        var events: [Invocation]
        /// How long the first `next()` blocks, as when no event is waiting yet.
        var firstWaitMs: Int64 = 0
        mutating func next() throws -> Invocation {
            guard !events.isEmpty else { throw Drained() }
            SystemClock.sleep(milliseconds: firstWaitMs)
            firstWaitMs = 0
            return events.removeFirst()
        }
        mutating func respond(to requestID: String, body: [UInt8]) {}
        mutating func reportError(for requestID: String, _ report: ErrorReport) {}
        mutating func reportInitError(_ report: ErrorReport) {}
    }

    struct Talker: LambdaHandler {
        func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8] {
            context.logger.info("handled")
            context.logger.emit(
                [Metric("Things", 3), Metric("Latency", 12, .milliseconds)], dimensions: ["Function": "test", "Channel": "sms"])
            return event
        }
    }

    @Test("coldStart marks the first invocation's lines only; the X-Ray root is written as traceId")
    func coldStartAndTrace() throws {
        let trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
        var client = Client(events: [
            Invocation(metadata: .init(requestID: "a", deadlineEpochMs: 0, traceID: trace), body: []),
            Invocation(metadata: .init(requestID: "b", deadlineEpochMs: 0), body: []),
        ])
        let sink = MemorySink()
        #expect(throws: Client.Drained.self) {
            try LambdaLoop.run(
                client: &client, handler: Talker(), logger: Logger(sink: sink), processStartEpochMs: SystemClock.nowEpochMilliseconds())
        }
        let lines = try sink.lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(lines.count == 4)
        #expect(lines.filter { $0["requestId"] as? String == "a" }.allSatisfy { $0["coldStart"] as? Bool == true })
        #expect(lines.filter { $0["requestId"] as? String == "b" }.allSatisfy { $0["coldStart"] == nil })
        #expect(
            lines.filter { $0["requestId"] as? String == "a" }.allSatisfy {
                $0["traceId"] as? String == "1-5759e988-bd862e3fe1be46a994272793"
            })
        #expect(lines.filter { $0["requestId"] as? String == "b" }.allSatisfy { $0["traceId"] == nil })
    }

    @Test("a metrics line is a valid EMF document and a log line at once")
    func emf() throws {
        let sink = MemorySink()
        var logger = Logger(sink: sink)
        logger.metricsNamespace = "Passwordless-Test"
        logger.requestID = "r"
        logger.emit(
            [Metric("CodesSent"), Metric("DeliveryLatency", 42, .milliseconds)], dimensions: ["Function": "create", "Channel": "sms"])
        let line = try #require(sink.lines.first)
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(EMFDocument.problems(line: line) == [])
        let directive = try #require(((object["_aws"] as? [String: Any])?["CloudWatchMetrics"] as? [[String: Any]])?.first)
        #expect(directive["Namespace"] as? String == "Passwordless-Test")
        #expect(directive["Dimensions"] as? [[String]] == [["Function"], ["Function", "Channel"]])
        #expect(EMFDocument.values(object) == ["CodesSent": 1, "DeliveryLatency": 42])
        #expect(object["level"] as? String == "INFO")
        #expect(object["requestId"] as? String == "r")
        // The checker itself finds a broken document.
        #expect(!EMFDocument.problems(line: line.replacing(#""Channel":"sms","#, with: "")).isEmpty)
        #expect(!EMFDocument.problems(line: line.replacing(#""CodesSent":1"#, with: #""CodesSent":true"#)).isEmpty)
        #expect(!EMFDocument.problems(line: line.replacing(#""Unit":"Count""#, with: #""Unit":"Apples""#)).isEmpty)
    }

    @Test("below the INFO threshold no metrics are written, as Lambda would drop them too")
    func metricsFollowThreshold() {
        let sink = MemorySink()
        Logger(threshold: .warn, sink: sink).emit([Metric("CodesSent")], dimensions: ["Function": "create"])
        #expect(sink.lines.isEmpty)
    }

    @Test("METRICS_NAMESPACE names the namespace; blank means Passwordless")
    func namespace() throws {
        var logger = Logger()
        try logger.configure(SettingsReader(["METRICS_NAMESPACE": "Acme/SignIn"]))
        #expect(logger.metricsNamespace == "Acme/SignIn")
        try logger.configure(SettingsReader(["METRICS_NAMESPACE": " "]))
        #expect(logger.metricsNamespace == "Passwordless")
    }

    @Test("the process start time is in the past and recent")
    func processStart() throws {
        let start = try #require(SystemClock.processStartEpochMilliseconds())
        let now = SystemClock.nowEpochMilliseconds()
        #expect(start <= now)
        #expect(now - start < 3_600_000)
    }
}

/// How long the caller has been waiting: on a cold start, since the process started.
@Suite("The caller's wait")
struct CallerWaitTests {
    final class Recorder: LambdaHandler, @unchecked Sendable {
        var waitingSince: [Int64] = []
        func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8] {
            waitingSince.append(context.callerWaitingSinceEpochMs)
            return event
        }
    }

    func run(processStartedAgoMs: Int64, firstEventAfterMs: Int64 = 0) throws -> (started: Int64, waits: [Int64], before: Int64) {
        var client = LoggingTests.Client(
            events: [
                Invocation(metadata: .init(requestID: "a", deadlineEpochMs: 0), body: []),
                Invocation(metadata: .init(requestID: "b", deadlineEpochMs: 0), body: []),
            ], firstWaitMs: firstEventAfterMs)
        let recorder = Recorder()
        let before = SystemClock.nowEpochMilliseconds()
        let started = before - processStartedAgoMs
        #expect(throws: LoggingTests.Client.Drained.self) {
            try LambdaLoop.run(client: &client, handler: recorder, logger: Logger(sink: MemorySink()), processStartEpochMs: started)
        }
        return (started, recorder.waitingSince, before)
    }

    @Test("on a cold start the first caller has waited since the process started; later callers since their event")
    func coldStart() throws {
        let (started, waits, before) = try run(processStartedAgoMs: 1_500)
        #expect(waits.count == 2)
        #expect(waits[0] == started)
        #expect(waits[1] >= before)
    }

    @Test("a process Lambda started long before the first call does not shorten that call's time")
    func prewarmed() throws {
        let (started, waits, before) = try run(processStartedAgoMs: 600_000)
        #expect(waits[0] != started)
        #expect(waits[0] >= before)
    }

    @Test("a first event that comes after the start is over was not waiting for it: its caller waits from its arrival")
    func startedAhead() throws {
        // Started 1.5 s ago, and no event for 400 ms more: the caller came after the start (the endpoint, or Lambda's
        // proactive initialization, starts functions ahead of calls), so the start is not on its clock.
        let (started, waits, before) = try run(processStartedAgoMs: 1_500, firstEventAfterMs: 400)
        #expect(waits[0] != started)
        #expect(waits[0] >= before + 400)
    }
}
