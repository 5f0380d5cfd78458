import JSON
import LambdaRuntime
import Platform
import Synchronization

/// One process of a function served a list of events in turn, as `local-lambda` runs it, with what it measured: the
/// time to the first `GET /next`, CPU (all threads) and memory, and each invocation's time.
package struct LocalRun: Sendable {
    package struct Options: Sendable {
        package var repeatCount = 1
        /// Each event's deadline, from when it is handed over.
        package var deadlineMs: Int64 = 5_000
        /// The whole run's limit.
        package var timeoutMs: Int64 = 30_000
        /// Whether the report holds each answer's body.
        package var bodies = true

        package init() {}
    }

    /// One invocation as the report shows it.
    struct Invocation: Sendable {
        var requestID: String
        var event: String
        /// "response", "error", or nil when no answer came.
        var status: String?
        var errorType: String?
        var durationMs: Double?
        /// The process's CPU when the answer arrived.
        var cpuMs: Double?
        var body: [UInt8]?
        var handedOver: ContinuousClock.Instant
    }

    /// What the run found.
    package struct Report: Sendable {
        /// From starting the process to its first `GET /next`.
        var initMs: Double?
        var initError: (errorType: String?, body: [UInt8])?
        var invocations: [Invocation] = []
        /// The process's CPU just before it was ended.
        var cpuMs: Double?
        var cpuMsAfterInit: Double?
        var rssKBAfterInit: Int?
        /// From starting the process to its first answer (init plus the first invocation), and its CPU then.
        var firstAnswerMs: Double?
        var firstAnswerCPUMs: Double?
        /// The process's peak resident memory (VmHWM) just before it was ended.
        var peakRSSKB: Int?
        var exitCode: Int32?
        var signal: Int32?
        /// all_answered, init_error, child_exited or timeout.
        var stoppedBecause: String?
        var answered = 0
        var expected = 0

        /// Every event got a `/response`, and there was no init error.
        package var succeeded: Bool {
            initError == nil && expected > 0 && invocations.filter { $0.status == "response" }.count == expected
        }
    }

    let options: Options
    let events: [(name: String, body: [UInt8])]

    package init(options: Options, events: [(name: String, body: [UInt8])]) {
        self.options = options
        self.events = events
    }

    /// Runs `executable` with `environment` (Lambda's own variables added where missing) until every event is
    /// answered, it fails to start, it exits, or the time is up.
    package func run(executable: String, arguments: [String], environment: [String: String]) throws(LocalLambdaError) -> Report {
        let name = environment["AWS_LAMBDA_FUNCTION_NAME"] ?? String(executable.split(separator: "/").last ?? "function")
        let region = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
        let now = UTCTime(epochMilliseconds: SystemClock.nowEpochMilliseconds())
        let defaults = [
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/\(name)",
            "AWS_LAMBDA_LOG_STREAM_NAME":
                "\(now.basicDate.prefix(4))/\(now.basicDate.dropFirst(4).prefix(2))/\(now.basicDate.suffix(2))/[$LATEST]"
                + RequestID.make().filter { $0 != "-" },
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand", "AWS_REGION": region, "AWS_DEFAULT_REGION": region,
            "AWS_EXECUTION_ENV": "AWS_Lambda_provided.al2023", "TZ": ":UTC",
        ]
        let state = Mutex(Report())
        let current = Mutex((event: "", pid: Int32(0), started: ContinuousClock.now))
        state.withLock { $0.expected = events.count }
        let configuration = FunctionConfiguration(
            name: name, executable: executable, arguments: arguments, environment: defaults.merging(environment) { $1 },
            timeoutMs: options.timeoutMs, deadlineMs: options.deadlineMs,
            functionARN: "arn:aws:lambda:\(region):123456789012:function:\(name)",
            observe: { event in
                let (eventName, pid, started) = current.withLock { $0 }
                let moment = ContinuousClock.now
                switch event {
                case .started: break
                case .polled:
                    guard state.withLock({ $0.initMs == nil }) else { return }
                    let cpu = ProcessStatistics.cpuMilliseconds(pid)
                    let rss = ProcessStatistics.statusKilobytes(pid, "VmRSS")
                    state.withLock { report in
                        report.initMs = milliseconds(moment - started)
                        report.cpuMsAfterInit = cpu
                        report.rssKBAfterInit = rss
                    }
                case .handedOver(let requestID):
                    state.withLock { report in
                        report.invocations.append(
                            Invocation(requestID: requestID, event: eventName, handedOver: moment))
                    }
                case .answered(let requestID, let isError, let errorType, let body):
                    let cpu = ProcessStatistics.cpuMilliseconds(pid)
                    state.withLock { report in
                        noteFirstAnswer(&report, moment - started, cpu)
                        guard let index = report.invocations.firstIndex(where: { $0.requestID == requestID }) else { return }
                        report.invocations[index].status = isError ? "error" : "response"
                        report.invocations[index].errorType = errorType
                        report.invocations[index].durationMs = milliseconds(moment - report.invocations[index].handedOver)
                        report.invocations[index].cpuMs = cpu
                        report.invocations[index].body = body
                        report.answered += 1
                    }
                case .initError(let errorType, let body):
                    let cpu = ProcessStatistics.cpuMilliseconds(pid)
                    state.withLock { report in
                        noteFirstAnswer(&report, moment - started, cpu)
                        report.initError = (errorType, body)
                    }
                }
            })
        let instance = try FunctionInstance(configuration)
        current.withLock { $0 = ("", instance.processID, instance.startedAt) }
        let runLimit = instance.startedAt + .milliseconds(options.timeoutMs)
        var reason: String?
        for event in events {
            guard ContinuousClock.now < runLimit else {
                reason = "timeout"
                break
            }
            current.withLock { $0.event = event.name }
            let left = milliseconds(runLimit - ContinuousClock.now).map { Int64($0) }
            let answer = instance.invoke(event.body, timeoutMs: left, endingOnTimeout: false)
            if state.withLock({ $0.initError != nil }) {
                reason = "init_error"
                break
            }
            if answer == nil {
                reason = "child_exited"
                break
            }
            if answer == .timedOut {
                reason = "timeout"
                break
            }
            // The process exited during the invocation (a function's own /error leaves it running).
            if case .error = answer, instance.isRetired {
                reason = "child_exited"
                break
            }
        }
        switch reason {
        case nil:
            reason = "all_answered"
            // The CPU of the work after the last answer counts: wait briefly for the next GET /next.
            let limit = ContinuousClock.now + .milliseconds(250)
            while !instance.isPolling, instance.exitStatus == nil, ContinuousClock.now < limit { SystemClock.sleep(milliseconds: 1) }
        case "init_error":
            // The runtime is expected to exit after reporting: give it a moment.
            instance.waitForExit(timeoutMs: 500)
        default: break
        }
        let cpu = ProcessStatistics.cpuMilliseconds(instance.processID)
        let peak = ProcessStatistics.statusKilobytes(instance.processID, "VmHWM")
        let endedOnItsOwn = instance.exitStatus != nil
        instance.end(graceMs: 1_000)
        return state.withLock { report in
            report.cpuMs = endedOnItsOwn ? nil : cpu
            report.peakRSSKB = endedOnItsOwn ? nil : peak
            report.stoppedBecause = reason
            if let status = instance.exitStatus {
                // 128 plus the signal, as a shell reports it.
                if status > 128 { report.signal = status - 128 } else { report.exitCode = status }
            }
            return report
        }
    }

    /// Finds a command as a shell would: a name with a slash as it is, else the first executable file of that name on
    /// PATH.
    package static func resolve(_ command: String, path: String?) -> String? {
        if command.contains("/") { return FileIO.isReadable(command) ? command : nil }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(command)"
            if FileIO.isReadable(candidate), !FileIO.isDirectory(candidate) { return candidate }
        }
        return nil
    }
}

private func noteFirstAnswer(_ report: inout LocalRun.Report, _ elapsed: Duration, _ cpu: Double?) {
    guard report.firstAnswerMs == nil else { return }
    report.firstAnswerMs = milliseconds(elapsed)
    report.firstAnswerCPUMs = cpu
}

private func milliseconds(_ duration: Duration) -> Double? {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) * 1e3 + Double(attoseconds) / 1e15
}

extension LocalRun.Report {
    /// The report as one JSON document, in the form the benchmark and the smoke test read.
    package func json(bodies: Bool) -> String {
        func number(_ value: Double?) -> String { value.map { $0.isFinite ? "\($0)" : "null" } ?? "null" }
        func integer<T: BinaryInteger>(_ value: T?) -> String { value.map { "\($0)" } ?? "null" }
        func string(_ value: String?) -> String { value.map(JSONValue.quoted) ?? "null" }
        /// A body that is JSON goes in as it is, any other as a string.
        func body(_ bytes: [UInt8]) -> String {
            JSONValue.parse(bytes) != nil
                ? String(decoding: bytes, as: UTF8.self) : JSONValue.quoted(String(decoding: bytes, as: UTF8.self))
        }
        let invocationsText = invocations.map { invocation in
            var fields = [
                "\"request_id\":\(string(invocation.requestID))", "\"event\":\(string(invocation.event))",
                "\"status\":\(string(invocation.status))", "\"error_type\":\(string(invocation.errorType))",
                "\"duration_ms\":\(number(invocation.durationMs))", "\"cpu_ms\":\(number(invocation.cpuMs))",
            ]
            if bodies, let answer = invocation.body { fields.append("\"body\":\(body(answer))") }
            return "{" + fields.joined(separator: ",") + "}"
        }
        let initErrorText = initError.map { "{\"error_type\":\(string($0.errorType)),\"body\":\(body($0.body))}" } ?? "null"
        let fields = [
            "\"init_ms\":\(number(initMs))", "\"init_error\":\(initErrorText)",
            "\"invocations\":[" + invocationsText.joined(separator: ",") + "]", "\"cpu_ms\":\(number(cpuMs))",
            "\"cpu_ms_after_init\":\(number(cpuMsAfterInit))", "\"rss_kb_after_init\":\(integer(rssKBAfterInit))",
            "\"first_answer_ms\":\(number(firstAnswerMs))", "\"first_answer_cpu_ms\":\(number(firstAnswerCPUMs))",
            "\"peak_rss_kb\":\(integer(peakRSSKB))", "\"exit_code\":\(integer(exitCode))", "\"signal\":\(integer(signal))",
            "\"stopped_because\":\(string(stoppedBecause))", "\"answered\":\(answered)", "\"expected\":\(expected)",
        ]
        return "{" + fields.joined(separator: ",") + "}"
    }
}
