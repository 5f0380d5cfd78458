import JSON
import Settings

/// The Lambda Runtime API's version, paths and headers, in one place.
package enum RuntimeAPI {
    /// The API version every path starts with.
    package static let version = "2018-06-01"
    /// The environment variable holding the API's `host:port`.
    package static let addressVariable = "AWS_LAMBDA_RUNTIME_API"

    /// The API's `host:port` when the process runs under one (Lambda, or a local endpoint), else nil.
    package static func address(_ settings: Settings) -> String? { settings.trimmed(addressVariable) }
    /// The environment variable that carries the trace header during an invocation.
    static let traceVariable = "_X_AMZN_TRACE_ID"

    /// Blocks until the next event.
    package static let nextPath = "/\(version)/runtime/invocation/next"
    /// Where a start-up failure is reported.
    package static let initErrorPath = "/\(version)/runtime/init/error"
    /// Where an answered event goes.
    package static func responsePath(_ requestID: String) -> String { "/\(version)/runtime/invocation/\(requestID)/response" }
    /// Where a failed invocation is reported.
    package static func errorPath(_ requestID: String) -> String { "/\(version)/runtime/invocation/\(requestID)/error" }

    /// What every invocation's path starts with: `{invocationPrefix}{request id}/response` or `/error`.
    package static let invocationPrefix = "/\(version)/runtime/invocation/"

    /// Header names as the Runtime API documents them; they are compared without letter case.
    package enum Header {
        package static let requestID = "Lambda-Runtime-Aws-Request-Id"
        /// The deadline, in milliseconds since 1970.
        package static let deadline = "Lambda-Runtime-Deadline-Ms"
        package static let functionARN = "Lambda-Runtime-Invoked-Function-Arn"
        /// The X-Ray trace header.
        package static let traceID = "Lambda-Runtime-Trace-Id"
        /// The error type sent with an error report.
        package static let errorType = "Lambda-Runtime-Function-Error-Type"
    }
}

/// What the Runtime API says about one invocation, read once from its headers.
package struct InvocationMetadata: Sendable, Equatable {
    /// The request id, used in the response path and in every log line.
    package var requestID: String
    /// When the invocation must be answered, in milliseconds since 1970.
    package var deadlineEpochMs: Int64
    /// The ARN the function was invoked by.
    package var invokedFunctionARN: String
    /// The X-Ray trace header, if any.
    package var traceID: String?

    package init(requestID: String, deadlineEpochMs: Int64, invokedFunctionARN: String = "", traceID: String? = nil) {
        self.requestID = requestID
        self.deadlineEpochMs = deadlineEpochMs
        self.invokedFunctionARN = invokedFunctionARN
        self.traceID = traceID
    }

    /// Reads the metadata from response headers; a missing request id or deadline is an error naming the header.
    /// - Parameter header: looks a header up by name, without letter case.
    package init(header: (String) -> String?) throws(LambdaRuntimeError) {
        guard let requestID = header(RuntimeAPI.Header.requestID), !requestID.isEmpty else {
            throw .missingHeader(RuntimeAPI.Header.requestID)
        }
        guard let deadlineText = header(RuntimeAPI.Header.deadline) else {
            throw .missingHeader(RuntimeAPI.Header.deadline)
        }
        guard let deadline = Int64(deadlineText) else {
            throw .invalidHeader(RuntimeAPI.Header.deadline, deadlineText)
        }
        self.init(
            requestID: requestID, deadlineEpochMs: deadline,
            invokedFunctionARN: header(RuntimeAPI.Header.functionARN) ?? "",
            traceID: header(RuntimeAPI.Header.traceID))
    }
}

/// An event handed to the runtime: its metadata and its body.
package struct Invocation: Sendable {
    /// What the headers said.
    package var metadata: InvocationMetadata
    package var body: [UInt8]

    init(metadata: InvocationMetadata, body: [UInt8]) {
        self.metadata = metadata
        self.body = body
    }
}

/// The fixed error report body: `{"errorType": ..., "errorMessage": ...}`.
package struct ErrorReport: Sendable, Equatable {
    /// A short name for the kind of error.
    package var errorType: String
    /// What went wrong, in one line.
    package var errorMessage: String

    package init(errorType: String, errorMessage: String) {
        self.errorType = errorType
        self.errorMessage = errorMessage
    }

    /// Describes any error: its own type name and description when it is reportable.
    package init(_ error: any Error) {
        if let reportable = error as? any LambdaReportableError {
            self.init(errorType: reportable.errorType, errorMessage: reportable.description)
        } else {
            self.init(errorType: String(describing: type(of: error)), errorMessage: String(describing: error))
        }
    }

    package var json: [UInt8] {
        Array("{\"errorType\":\(JSONValue.quoted(errorType)),\"errorMessage\":\(JSONValue.quoted(errorMessage))}".utf8)
    }
}

/// The Runtime API as the run loop sees it: fetch an event, answer it, or report a failure.
package protocol RuntimeAPIClient {
    /// Blocks until the next invocation.
    mutating func next() throws -> Invocation
    /// Sends the answer to an invocation.
    mutating func respond(to requestID: String, body: [UInt8]) throws
    /// Reports a failed invocation.
    mutating func reportError(for requestID: String, _ report: ErrorReport) throws
    /// Reports a failure at start-up, before the first event.
    mutating func reportInitError(_ report: ErrorReport) throws
}
