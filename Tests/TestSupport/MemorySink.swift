import LambdaRuntime
import Synchronization

/// Collects log lines in memory.
package final class MemorySink: LogSink, Sendable {
    private let storage = Mutex<[String]>([])

    package init() {}

    package var lines: [String] { storage.withLock { $0 } }

    package func write(_ line: String) { storage.withLock { $0.append(line) } }
}
