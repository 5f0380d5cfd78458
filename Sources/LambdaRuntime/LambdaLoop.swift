#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What a handler knows about the invocation it serves.
package struct InvocationContext {
    /// The Runtime API's metadata: request id, deadline, ARN, trace.
    package var metadata: InvocationMetadata
    /// A logger that writes the request id on every line.
    package var logger: Logger

    package init(metadata: InvocationMetadata, logger: Logger) {
        self.metadata = metadata
        self.logger = logger
    }
}

/// Answers one event: JSON in, JSON out. A thrown error becomes an invocation error.
package protocol LambdaHandler {
    /// Answers the event, or throws to report an invocation error.
    func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8]
}

/// The run loop: fetch an event, answer it or report its error, and go on.
package enum LambdaLoop {
    /// Serves events until the Runtime API itself fails; a bad event never ends the loop.
    package static func run(client: inout some RuntimeAPIClient, handler: some LambdaHandler, logger: Logger) throws -> Never {
        while true {
            try serveOne(client: &client, handler: handler, logger: logger)
        }
    }

    /// Serves one event. Throws only when the Runtime API cannot be reached or refuses an error report.
    package static func serveOne(client: inout some RuntimeAPIClient, handler: some LambdaHandler, logger: Logger) throws {
        let invocation = try client.next()
        let metadata = invocation.metadata
        var logger = logger
        logger.requestID = metadata.requestID
        if let trace = metadata.traceID {
            setenv(RuntimeAPI.traceVariable, trace, 1)
        } else {
            unsetenv(RuntimeAPI.traceVariable)
        }
        let context = InvocationContext(metadata: metadata, logger: logger)
        do {
            let output = try handler.handle(invocation.body, context: context)
            try client.respond(to: metadata.requestID, body: output)
        } catch {
            let report = ErrorReport(error)
            logger.error("invocation failed", ["errorType": .string(report.errorType), "error": .string(report.errorMessage)])
            try client.reportError(for: metadata.requestID, report)
        }
    }
}
