import LambdaRuntime

/// A context for calling a handler directly.
package func testContext(_ sink: MemorySink = MemorySink(), deadline: Int64 = 1_900_000_000_000) -> InvocationContext {
    var logger = Logger(threshold: .debug, baseFields: [("trigger", "test")], sink: sink)
    logger.requestID = "test-request"
    return InvocationContext(metadata: InvocationMetadata(requestID: "test-request", deadlineEpochMs: deadline), logger: logger)
}
