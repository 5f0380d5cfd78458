import Platform

/// What a handler knows about the invocation it serves.
package struct InvocationContext {
    /// The Runtime API's metadata: request id, deadline, ARN, trace.
    package var metadata: InvocationMetadata
    /// A logger that writes the request id on every line.
    package var logger: Logger
    /// The best estimate of when the caller started waiting, in milliseconds since 1970: when the event arrived,
    /// or on a cold start, when the process started (the caller waited for that too).
    package var callerWaitingSinceEpochMs: Int64

    package init(metadata: InvocationMetadata, logger: Logger, callerWaitingSinceEpochMs: Int64 = SystemClock.nowEpochMilliseconds()) {
        self.metadata = metadata
        self.logger = logger
        self.callerWaitingSinceEpochMs = callerWaitingSinceEpochMs
    }
}

/// Answers one event: JSON in, JSON out. A thrown error becomes an invocation error.
package protocol LambdaHandler {
    /// Answers the event, or throws to report an invocation error.
    func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8]
}

/// The run loop: fetch an event, answer it or report its error, and go on.
enum LambdaLoop {
    /// Serves events until the Runtime API itself fails; a bad event never ends the loop.
    /// - Parameter processStartEpochMs: when the process started, if known; it counts against the first caller's wait.
    static func run(
        client: inout some RuntimeAPIClient, handler: some LambdaHandler, logger: Logger, processStartEpochMs: Int64? = nil
    ) throws -> Never {
        try serveOne(
            client: &client, handler: handler, logger: logger, coldStartedAt: processStartEpochMs ?? SystemClock.nowEpochMilliseconds())
        while true {
            try serveOne(client: &client, handler: handler, logger: logger)
        }
    }

    /// How long before the first event a process may have started and still have kept its caller waiting: Lambda
    /// can start a function ahead of any call, and then the start is not on the caller's clock.
    static let coldStartWindowMs: Int64 = 10_000
    /// A first `next()` answered within this found its event waiting; one that blocked longer waited for it.
    static let pendingEventMs: Int64 = 100

    /// Serves one event. Throws only when the Runtime API cannot be reached or refuses an error report.
    /// - Parameter coldStartedAt: for the process's first event, when the process started.
    static func serveOne(
        client: inout some RuntimeAPIClient, handler: some LambdaHandler, logger: Logger, coldStartedAt: Int64? = nil
    ) throws {
        let asked = SystemClock.nowEpochMilliseconds()
        let invocation = try client.next()
        let received = SystemClock.nowEpochMilliseconds()
        let metadata = invocation.metadata
        var logger = logger
        logger.requestID = metadata.requestID
        logger.coldStart = coldStartedAt != nil
        logger.traceID = metadata.traceID.flatMap(Self.traceRoot)
        ProcessEnvironment.set(RuntimeAPI.traceVariable, to: metadata.traceID)
        var waitingSince = received
        // The first caller waited for the start only if its event was already there when the start was over (the
        // first `next()` answered at once); one that came later waits from its arrival.
        if let started = coldStartedAt, received - asked < pendingEventMs, received - started < coldStartWindowMs {
            waitingSince = min(started, received)
        }
        let context = InvocationContext(metadata: metadata, logger: logger, callerWaitingSinceEpochMs: waitingSince)
        do {
            let output = try handler.handle(invocation.body, context: context)
            try client.respond(to: metadata.requestID, body: output)
        } catch {
            let report = ErrorReport(error)
            logger.error("invocation failed", ["errorType": .string(report.errorType), "error": .string(report.errorMessage)])
            try client.reportError(for: metadata.requestID, report)
        }
    }

    /// The `Root=...` part of an X-Ray trace header, the id CloudWatch and X-Ray search by.
    static func traceRoot(_ header: String) -> String? {
        for part in header.split(separator: ";") where part.hasPrefix("Root=") {
            return String(part.dropFirst(5))
        }
        return nil
    }
}
