import Platform
import Settings

/// The start of a function's process: serve the Runtime API when Lambda runs it, or answer one event file locally.
package enum LambdaMain {
    /// Builds the handler from the settings; a thrown error is reported as an init error.
    package typealias HandlerFactory<Handler: LambdaHandler> = (_ settings: SettingsReader, _ logger: Logger) throws -> Handler

    /// Runs the function and exits.
    /// - Parameters:
    ///   - name: the executable's name, for usage and error lines.
    ///   - summary: one line on what the function does, for `--help`.
    ///   - baseFields: fields for every log line, such as the trigger.
    ///   - makeHandler: builds the handler once, at start-up.
    package static func run<Handler: LambdaHandler>(
        name: String, summary: String, baseFields: [(String, LogValue)] = [], makeHandler: HandlerFactory<Handler>
    ) -> Never {
        let settings = SettingsReader.fromProcess()
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let address = RuntimeAPI.address(settings) {
            serve(address: address, settings: settings, baseFields: baseFields, makeHandler: makeHandler)
        }
        FileIO.exitProcess(
            invokeLocally(
                name: name, summary: summary, arguments: arguments, settings: settings,
                baseFields: baseFields, makeHandler: makeHandler))
    }

    static func serve<Handler: LambdaHandler>(
        address: String, settings: SettingsReader, baseFields: [(String, LogValue)], makeHandler: HandlerFactory<Handler>
    ) -> Never {
        let processStart = SystemClock.processStartEpochMilliseconds()
        var logger = Logger(baseFields: baseFields)
        let client: SocketRuntimeClient
        do {
            client = try SocketRuntimeClient(address: address)
        } catch {
            logger.error("cannot start", ["error": .string(error.description)])
            FileIO.exitProcess(1)
        }
        var runtime = client
        let handler: Handler
        do {
            try logger.configure(settings)
            handler = try makeHandler(settings, logger)
        } catch {
            let report = ErrorReport(error)
            logger.error("invalid configuration", ["errorType": .string(report.errorType), "error": .string(report.errorMessage)])
            do { try runtime.reportInitError(report) } catch {
                logger.error("cannot report the init error", ["error": .string(String(describing: error))])
            }
            FileIO.exitProcess(1)
        }
        do {
            try LambdaLoop.run(client: &runtime, handler: handler, logger: logger, processStartEpochMs: processStart)
        } catch {
            logger.error("Runtime API failed", ["error": .string(String(describing: error))])
            FileIO.exitProcess(1)
        }
    }

    /// Answers one event from a file or standard input; returns the exit status.
    static func invokeLocally<Handler: LambdaHandler>(
        name: String, summary: String, arguments: [String], settings: SettingsReader,
        baseFields: [(String, LogValue)], makeHandler: HandlerFactory<Handler>
    ) -> Int32 {
        let usage = """
            \(name): \(summary)

            Usage: \(name) EVENT.json     answer the event in a file and print the answered event
                   \(name) -              read the event from standard input
                   \(name) --help         show this help

            With AWS_LAMBDA_RUNTIME_API set (as in Lambda) it serves the Runtime API instead.
            Settings come from environment variables; see docs/configuration.md.

            """
        if arguments.contains("--help") || arguments.contains("-h") {
            FileIO.writeToStandardOutput(usage)
            return 0
        }
        guard arguments.count == 1 else {
            StandardErrorSink().write("\(name): expected one event file (or - for standard input); see --help\n")
            return 2
        }
        var logger = Logger(baseFields: baseFields)
        let handler: Handler
        do {
            try logger.configure(settings)
            handler = try makeHandler(settings, logger)
        } catch {
            StandardErrorSink().write("\(name): invalid configuration: \(ErrorReport(error).errorMessage)\n")
            return 1
        }
        let path = arguments[0]
        let event: [UInt8]
        switch FileIO.readAll(path: path) {
        case .success(let bytes): event = bytes
        case .failure(let reason):
            StandardErrorSink().write("\(name): cannot read \(path == "-" ? "standard input" : path): \(reason.message)\n")
            return 1
        }
        logger.requestID = "local-invoke"
        let metadata = InvocationMetadata(requestID: "local-invoke", deadlineEpochMs: SystemClock.nowEpochMilliseconds() + 5_000)
        do {
            let output = try handler.handle(event, context: InvocationContext(metadata: metadata, logger: logger))
            FileIO.writeToStandardOutput(String(decoding: output, as: UTF8.self) + "\n")
            return 0
        } catch {
            let report = ErrorReport(error)
            StandardErrorSink().write("\(name): \(report.errorType): \(report.errorMessage)\n")
            return 1
        }
    }

}
