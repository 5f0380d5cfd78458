#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How important a log line is.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    /// Detail for debugging.
    case debug
    /// Normal events.
    case info
    /// Something an operator should look at.
    case warn
    /// A failure.
    case error

    /// The level's name as written in a log line.
    public var name: String {
        switch self {
        case .debug: "debug"
        case .info: "info"
        case .warn: "warn"
        case .error: "error"
        }
    }

    /// Reads `LOG_LEVEL` (default `info`); an unknown value is an error naming the variable.
    public static func fromEnvironment(_ environment: [String: String]) throws(LambdaRuntimeError) -> Self {
        guard let raw = environment["LOG_LEVEL"], !raw.isEmpty else { return .info }
        switch raw.lowercased() {
        case "debug", "trace": return .debug
        case "info": return .info
        case "warn", "warning": return .warn
        case "error", "fatal": return .error
        default: throw .invalidConfiguration("LOG_LEVEL", "must be debug, info, warn or error, got \"\(raw)\"")
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// A value in a log line.
public enum LogValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    /// Text.
    case string(String)
    /// A whole number.
    case int(Int)
    /// A flag.
    case bool(Bool)

    /// Text.
    public init(stringLiteral value: String) { self = .string(value) }
    /// A whole number.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// A flag.
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    var json: String {
        switch self {
        case .string(let value): JSONText.quoted(value)
        case .int(let value): String(value)
        case .bool(let value): value ? "true" : "false"
        }
    }
}

/// Where log lines go; standard error by default, a buffer in tests.
public protocol LogSink: AnyObject {
    /// Writes one line, newline included.
    func write(_ line: String)
}

/// Writes each line to standard error in one `write` call, so lines never interleave.
public final class StandardErrorSink: LogSink {
    /// Creates the sink.
    public init() {}

    /// Writes the line.
    public func write(_ line: String) { writeFully(2, line) }
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
public struct Logger {
    /// Lines below this level are dropped.
    public var threshold: LogLevel
    /// Fields written on every line, such as the trigger.
    public var baseFields: [(String, LogValue)]
    /// The current invocation's request id, if any.
    public var requestID: String?
    let sink: any LogSink

    /// Creates a logger.
    public init(threshold: LogLevel = .info, baseFields: [(String, LogValue)] = [], sink: any LogSink = StandardErrorSink()) {
        self.threshold = threshold
        self.baseFields = baseFields
        self.sink = sink
    }

    /// Writes a line at `level` if it passes the threshold.
    public func log(_ level: LogLevel, _ message: String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        guard level >= threshold else { return }
        var line = "{\"level\":\"\(level.name)\",\"message\":\(JSONText.quoted(message))"
        if let requestID { line += ",\"requestId\":\(JSONText.quoted(requestID))" }
        for (key, value) in baseFields { line += ",\(JSONText.quoted(key)):\(value.json)" }
        for (key, value) in fields { line += ",\(JSONText.quoted(key)):\(value.json)" }
        line += "}\n"
        sink.write(line)
    }

    /// Writes a debug line.
    public func debug(_ message: String, _ fields: KeyValuePairs<String, LogValue> = [:]) { log(.debug, message, fields) }
    /// Writes an info line.
    public func info(_ message: String, _ fields: KeyValuePairs<String, LogValue> = [:]) { log(.info, message, fields) }
    /// Writes a warning.
    public func warn(_ message: String, _ fields: KeyValuePairs<String, LogValue> = [:]) { log(.warn, message, fields) }
    /// Writes an error.
    public func error(_ message: String, _ fields: KeyValuePairs<String, LogValue> = [:]) { log(.error, message, fields) }
}
