import Foundation
import LambdaRuntime
import PasswordlessAuth
import RuntimeAPIMock

@testable import PasswordlessTriggers

/// The repository's events/ folder.
let eventsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("events")

/// The bytes of a sample event.
func sampleEvent(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: eventsDirectory.appendingPathComponent(name)))
}

/// Names of the sample events for one trigger.
func sampleEventNames(prefix: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: eventsDirectory.path)) ?? [])
        .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }.sorted()
}

func jsonObject(_ bytes: [UInt8]) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
        throw TestFailure("not a JSON object")
    }
    return object
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A clock stopped at one moment.
struct FixedClock: WallClock {
    var seconds: Int64
    func nowEpochMilliseconds() -> Int64 { seconds * 1000 }
}

/// SplitMix64: a small seeded generator, so codes in tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Records messages instead of sending them; can be told to fail.
final class SpyDelivery: CodeDelivery, @unchecked Sendable {
    var messages: [CreateAuthChallenge.Message] = []
    var deadlines: [Int64] = []
    var failure: TriggerError?
    func deliver(_ message: CreateAuthChallenge.Message, deadlineEpochMs: Int64) throws(TriggerError) {
        if let failure { throw failure }
        messages.append(message)
        deadlines.append(deadlineEpochMs)
    }
}

/// Collects log lines in memory.
final class MemorySink: LogSink, @unchecked Sendable {
    var lines: [String] = []
    func write(_ line: String) { lines.append(line) }
}

/// A context for calling a handler directly.
func testContext(_ sink: MemorySink = MemorySink(), deadline: Int64 = 1_900_000_000_000) -> InvocationContext {
    var logger = Logger(threshold: .debug, baseFields: [("trigger", "test")], sink: sink)
    logger.requestID = "test-request"
    return InvocationContext(metadata: InvocationMetadata(requestID: "test-request", deadlineEpochMs: deadline), logger: logger)
}

/// A moment before every sample code expires (they expire in 2100).
let sampleNow: Int64 = 1_763_900_000

/// A function executable serving a mock Runtime API on 127.0.0.1, stopped when the test is done with it.
final class ServedFunction {
    let mock: MockRuntimeAPI
    let process = Process()
    private let stderr = Pipe()

    /// Starts `executable` with `environment` plus `AWS_LAMBDA_RUNTIME_API`; the mock serves `events`.
    init(_ executable: URL, events: [MockRuntimeAPI.Event], environment: [String: String]) throws {
        mock = try MockRuntimeAPI(events: events)
        mock.idleTimeout = 30
        process.executableURL = executable
        process.environment = environment.merging(["AWS_LAMBDA_RUNTIME_API": mock.address]) { $1 }
        process.standardError = stderr
        try process.run()
    }

    deinit { _ = stop() }

    /// Waits for `count` posts to the mock.
    func waitForPosts(_ count: Int) -> [MockRuntimeAPI.Post] { mock.waitForPosts(count) }

    /// Waits for the process to end on its own; returns what it wrote to standard error.
    func waitForExit() -> String {
        let logs = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return logs
    }

    /// Stops the process if it still runs; returns what it wrote to standard error.
    func stop() -> String {
        // SIGKILL: test threads may block SIGTERM, and a spawned child inherits that mask.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        return waitForExit()
    }
}
