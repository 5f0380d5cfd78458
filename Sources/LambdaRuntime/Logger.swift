import JSON
import Platform
import Settings

/// How important a log line is, with Lambda's names.
package enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case debug
    /// Normal events.
    case info
    /// Something an operator should look at.
    case warn
    case error

    /// The level's name as Lambda's log-level filtering reads it.
    package var name: String {
        switch self {
        case .debug: "DEBUG"
        case .info: "INFO"
        case .warn: "WARN"
        case .error: "ERROR"
        }
    }

    /// Reads `AWS_LAMBDA_LOG_LEVEL`, which Lambda sets from the function's logging configuration, else `LOG_LEVEL`
    /// (for local runs); default `INFO`. `TRACE` counts as `DEBUG` and `FATAL` as `ERROR`.
    init(_ settings: Settings) throws(SettingsError) {
        let name = settings.trimmed("AWS_LAMBDA_LOG_LEVEL") != nil ? "AWS_LAMBDA_LOG_LEVEL" : "LOG_LEVEL"
        self =
            try settings.oneOf(
                name,
                [
                    "debug": .debug, "trace": .debug, "info": .info, "warn": .warn, "warning": .warn, "error": .error,
                    "fatal": .error,
                ], listed: ["DEBUG", "INFO", "WARN", "ERROR"]) ?? .info
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
        case .string(let value): JSONValue.quoted(value)
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

    package func write(_ line: String) { FileIO.writeToStandardError(line) }
}

/// Writes one JSON object per line as Lambda's JSON log format expects: `timestamp` (RFC 3339, UTC, milliseconds),
/// `level`, `message`, `requestId`, `coldStart` on the first invocation's lines, the X-Ray `traceId` when Lambda
/// gives one, and the fields that help.
///
/// Callers pass masked destinations and counts, never a code, a whole event or a credential.
package struct Logger {
    /// Lines below this level are dropped.
    package var threshold: LogLevel
    /// Fields written on every line, such as the trigger.
    package var baseFields: [(String, LogValue)]
    /// The current invocation's request id, if any.
    package var requestID: String?
    /// Whether the current invocation is the first of this process.
    var coldStart = false
    /// The X-Ray trace id (`Root=...`) of the current invocation, if Lambda gave one.
    var traceID: String?
    /// The CloudWatch namespace of the metrics this logger writes (`METRICS_NAMESPACE`).
    var metricsNamespace = "Passwordless"
    let sink: any LogSink

    package init(threshold: LogLevel = .info, baseFields: [(String, LogValue)] = [], sink: any LogSink = StandardErrorSink()) {
        self.threshold = threshold
        self.baseFields = baseFields
        self.sink = sink
    }

    /// Takes the threshold and the metrics namespace (`METRICS_NAMESPACE`, default `Passwordless`) from the settings.
    package mutating func configure(_ settings: Settings) throws(SettingsError) {
        threshold = try LogLevel(settings)
        metricsNamespace = settings.trimmed("METRICS_NAMESPACE") ?? "Passwordless"
    }

    /// Writes a line at `level` if it passes the threshold.
    package func log(_ level: LogLevel, _ message: String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        guard level >= threshold else { return }
        var line = head(level, message, SystemClock.nowEpochMilliseconds())
        for (key, value) in fields { line += ",\(JSONValue.quoted(key)):\(value.json)" }
        line += "}\n"
        sink.write(line)
    }

    /// The opening members every line shares, without the closing brace.
    func head(_ level: LogLevel, _ message: String, _ epochMilliseconds: Int64) -> String {
        var line = "{\"timestamp\":\"\(UTCTime(epochMilliseconds: epochMilliseconds).rfc3339)\",\"level\":\"\(level.name)\""
        line += ",\"message\":\(JSONValue.quoted(message))"
        if let requestID { line += ",\"requestId\":\(JSONValue.quoted(requestID))" }
        if coldStart { line += ",\"coldStart\":true" }
        if let traceID { line += ",\"traceId\":\(JSONValue.quoted(traceID))" }
        for (key, value) in baseFields { line += ",\(JSONValue.quoted(key)):\(value.json)" }
        return line
    }

    package func debug(_ message: String, _ fields: KeyValuePairs<String, LogValue> = [:]) { log(.debug, message, fields) }
    package func info(_ message: String, _ fields: KeyValuePairs<String, LogValue> = [:]) { log(.info, message, fields) }
    package func warn(_ message: String, _ fields: KeyValuePairs<String, LogValue> = [:]) { log(.warn, message, fields) }
    package func error(_ message: String, _ fields: KeyValuePairs<String, LogValue> = [:]) { log(.error, message, fields) }
}
