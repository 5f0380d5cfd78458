import Settings

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How important a log line is.
package enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case debug
    /// Normal events.
    case info
    /// Something an operator should look at.
    case warn
    case error

    /// The level's name as written in a log line.
    package var name: String {
        switch self {
        case .debug: "debug"
        case .info: "info"
        case .warn: "warn"
        case .error: "error"
        }
    }

    /// Reads `LOG_LEVEL` (default `info`).
    package init(_ settings: Settings) throws(SettingsError) {
        self =
            try settings.oneOf(
                "LOG_LEVEL",
                [
                    "debug": .debug, "trace": .debug, "info": .info, "warn": .warn, "warning": .warn, "error": .error,
                    "fatal": .error,
                ], listed: ["debug", "info", "warn", "error"]) ?? .info
    }

    package static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// A value in a log line.
package enum LogValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    case string(String)
    case int(Int)
    case bool(Bool)

    package init(stringLiteral value: String) { self = .string(value) }
    package init(integerLiteral value: Int) { self = .int(value) }
    package init(booleanLiteral value: Bool) { self = .bool(value) }

    var json: String {
        switch self {
        case .string(let value): JSONText.quoted(value)
        case .int(let value): String(value)
        case .bool(let value): value ? "true" : "false"
        }
    }
}

/// Where log lines go; standard error by default, a buffer in tests.
package protocol LogSink: AnyObject {
    /// Writes one line, newline included.
    func write(_ line: String)
}

/// Writes each line to standard error in one `write` call, so lines never interleave.
package final class StandardErrorSink: LogSink {
    package init() {}

    package func write(_ line: String) { writeFully(2, line) }
}

/// Writes all of the text to a file descriptor, retrying short writes.
func writeFully(_ fd: Int32, _ text: String) {
    var text = text
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }
}

/// Writes one JSON object per line: level, message, request id, and the fields that help.
///
/// Callers pass masked destinations and counts, never a code, a whole event or a credential.
package struct Logger {
    /// Lines below this level are dropped.
    package var threshold: LogLevel
    /// Fields written on every line, such as the trigger.
    package var baseFields: [(String, LogValue)]
    /// The current invocation's request id, if any.
    package var requestID: String?
    let sink: any LogSink

    package init(threshold: LogLevel = .info, baseFields: [(String, LogValue)] = [], sink: any LogSink = StandardErrorSink()) {
        self.threshold = threshold
        self.baseFields = baseFields
        self.sink = sink
    }

    /// Writes a line at `level` if it passes the threshold.
    package func log(_ level: LogLevel, _ message: String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        guard level >= threshold else { return }
        var line = "{\"level\":\"\(level.name)\",\"message\":\(JSONText.quoted(message))"
        if let requestID { line += ",\"requestId\":\(JSONText.quoted(requestID))" }
        for (key, value) in baseFields { line += ",\(JSONText.quoted(key)):\(value.json)" }
        for (key, value) in fields { line += ",\(JSONText.quoted(key)):\(value.json)" }
        line += "}\n"
        sink.write(line)
    }

    package func debug(_ message: String, _ fields: KeyValuePairs<String, LogValue> = [:]) { log(.debug, message, fields) }
    package func info(_ message: String, _ fields: KeyValuePairs<String, LogValue> = [:]) { log(.info, message, fields) }
    package func warn(_ message: String, _ fields: KeyValuePairs<String, LogValue> = [:]) { log(.warn, message, fields) }
    package func error(_ message: String, _ fields: KeyValuePairs<String, LogValue> = [:]) { log(.error, message, fields) }
}
