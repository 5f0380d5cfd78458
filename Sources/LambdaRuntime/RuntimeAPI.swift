/// The Lambda Runtime API's version, paths and headers, in one place.
public enum RuntimeAPI {
    /// The API version every path starts with.
    public static let version = "2018-06-01"
    /// The environment variable holding the API's `host:port`.
    public static let addressVariable = "AWS_LAMBDA_RUNTIME_API"
    /// The environment variable that carries the trace header during an invocation.
    public static let traceVariable = "_X_AMZN_TRACE_ID"

    /// Blocks until the next event.
    public static let nextPath = "/\(version)/runtime/invocation/next"
    /// Where a start-up failure is reported.
    public static let initErrorPath = "/\(version)/runtime/init/error"
    /// Where an answered event goes.
    public static func responsePath(_ requestID: String) -> String { "/\(version)/runtime/invocation/\(requestID)/response" }
    /// Where a failed invocation is reported.
    public static func errorPath(_ requestID: String) -> String { "/\(version)/runtime/invocation/\(requestID)/error" }

    /// Header names, lower-cased for comparison.
    public enum Header {
        /// The invocation's request id.
        public static let requestID = "lambda-runtime-aws-request-id"
        /// The deadline, in milliseconds since 1970.
        public static let deadline = "lambda-runtime-deadline-ms"
        /// The ARN the function was invoked by.
        public static let functionARN = "lambda-runtime-invoked-function-arn"
        /// The X-Ray trace header.
        public static let traceID = "lambda-runtime-trace-id"
        /// The error type sent with an error report.
        public static let errorType = "Lambda-Runtime-Function-Error-Type"
    }
}

/// What the Runtime API says about one invocation, read once from its headers.
public struct InvocationMetadata: Sendable, Equatable {
    /// The request id, used in the response path and in every log line.
    public var requestID: String
    /// When the invocation must be answered, in milliseconds since 1970.
    public var deadlineEpochMs: Int64
    /// The ARN the function was invoked by.
    public var invokedFunctionARN: String
    /// The X-Ray trace header, if any.
    public var traceID: String?

    /// Creates metadata.
    public init(requestID: String, deadlineEpochMs: Int64, invokedFunctionARN: String = "", traceID: String? = nil) {
        self.requestID = requestID
        self.deadlineEpochMs = deadlineEpochMs
        self.invokedFunctionARN = invokedFunctionARN
        self.traceID = traceID
    }

    /// Reads the metadata from response headers; a missing request id or deadline is an error naming the header.
    /// - Parameter header: looks a header up by its lower-case name.
    public init(header: (String) -> String?) throws(LambdaRuntimeError) {
        guard let requestID = header(RuntimeAPI.Header.requestID), !requestID.isEmpty else {
            throw .missingHeader("Lambda-Runtime-Aws-Request-Id")
        }
        guard let deadlineText = header(RuntimeAPI.Header.deadline) else {
            throw .missingHeader("Lambda-Runtime-Deadline-Ms")
        }
        guard let deadline = Int64(deadlineText) else {
            throw .invalidHeader("Lambda-Runtime-Deadline-Ms", deadlineText)
        }
        self.init(
            requestID: requestID, deadlineEpochMs: deadline,
            invokedFunctionARN: header(RuntimeAPI.Header.functionARN) ?? "",
            traceID: header(RuntimeAPI.Header.traceID))
    }
}

/// An event handed to the runtime: its metadata and its body.
public struct Invocation: Sendable {
    /// What the headers said.
    public var metadata: InvocationMetadata
    /// The event, as sent.
    public var body: [UInt8]

    /// Creates an invocation.
    public init(metadata: InvocationMetadata, body: [UInt8]) {
        self.metadata = metadata
        self.body = body
    }
}

/// The fixed error report body: `{"errorType": ..., "errorMessage": ...}`.
public struct ErrorReport: Sendable, Equatable {
    /// A short name for the kind of error.
    public var errorType: String
    /// What went wrong, in one line.
    public var errorMessage: String

    /// Creates a report.
    public init(errorType: String, errorMessage: String) {
        self.errorType = errorType
        self.errorMessage = errorMessage
    }

    /// Describes any error: its own type name and description when it is reportable.
    public init(_ error: any Error) {
        if let reportable = error as? any LambdaReportableError {
            self.init(errorType: reportable.errorType, errorMessage: reportable.description)
        } else {
            self.init(errorType: String(describing: type(of: error)), errorMessage: String(describing: error))
        }
    }

    /// The JSON body.
    public var json: [UInt8] {
        Array("{\"errorType\":\(JSONText.quoted(errorType)),\"errorMessage\":\(JSONText.quoted(errorMessage))}".utf8)
    }
}

/// The Runtime API as the run loop sees it: fetch an event, answer it, or report a failure.
public protocol RuntimeAPIClient {
    /// Blocks until the next invocation.
    mutating func next() throws -> Invocation
    /// Sends the answer to an invocation.
    mutating func respond(to requestID: String, body: [UInt8]) throws
    /// Reports a failed invocation.
    mutating func reportError(for requestID: String, _ report: ErrorReport) throws
    /// Reports a failure at start-up, before the first event.
    mutating func reportInitError(_ report: ErrorReport) throws
}
