import Foundation
import LambdaRuntime
import PasswordlessAuth

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
