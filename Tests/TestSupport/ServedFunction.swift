import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A function executable serving a mock Runtime API on 127.0.0.1, stopped when the test is done with it.
package final class ServedFunction {
    package let mock: MockRuntimeAPI
    package let process = Process()
    private let stderr = Pipe()

    /// Starts `executable` with `environment` plus `AWS_LAMBDA_RUNTIME_API`; the mock serves `events`.
    package init(_ executable: URL, events: [MockRuntimeAPI.Event], environment: [String: String]) throws {
        mock = try MockRuntimeAPI(events: events)
        mock.idleTimeout = 30
        process.executableURL = executable
        process.environment = environment.merging(["AWS_LAMBDA_RUNTIME_API": mock.address]) { $1 }
        process.standardError = stderr
        try process.run()
    }

    deinit { _ = stop() }

    /// Waits for `count` posts to the mock.
    package func waitForPosts(_ count: Int) -> [MockRuntimeAPI.Post] { mock.waitForPosts(count) }

    /// Waits for the process to end on its own; returns what it wrote to standard error.
    package func waitForExit() -> String {
        let logs = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return logs
    }

    /// Stops the process if it still runs; returns what it wrote to standard error.
    package func stop() -> String {
        // SIGKILL: test threads may block SIGTERM, and a spawned child inherits that mask.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        return waitForExit()
    }
}
