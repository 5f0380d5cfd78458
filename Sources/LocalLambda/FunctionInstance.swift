import Dispatch
import HTTP1
import JSON
import LambdaRuntime
import Platform
import Synchronization

/// What an invocation gave back.
package enum Answer: Sendable, Equatable {
    /// The body posted to `/response`.
    case response([UInt8])
    /// A report posted to `/error`, or the process's init error or exit.
    case error(type: String, message: String)
    /// No answer within the time allowed: the process was ended.
    case timedOut
}

/// What an instance's Runtime API saw, told to whoever measures it, on the thread that served it, before the answer
/// goes back to the process.
package enum RuntimeAPIEvent: Sendable {
    /// The process started.
    case started(processID: Int32)
    /// The process asked for an event (`GET /next`); the first time marks the end of its start-up.
    case polled
    /// An event went to the process under this request id.
    case handedOver(requestID: String)
    /// The process answered an invocation: `/response` (`isError` false) or `/error`, with what it posted.
    case answered(requestID: String, isError: Bool, errorType: String?, body: [UInt8])
    /// The process reported a start-up failure.
    case initError(errorType: String?, body: [UInt8])
}

/// How to run a function's processes.
package struct FunctionConfiguration: Sendable {
    /// The function's name, for `AWS_LAMBDA_FUNCTION_NAME`, its ARN and the logs.
    var name: String
    var executable: String
    var arguments: [String]
    /// Exactly the environment the process gets, besides `AWS_LAMBDA_RUNTIME_API` and the function's name.
    var environment: [String: String]
    /// How long an invocation may take before its process is ended, in milliseconds; nil: as long as it takes.
    var timeoutMs: Int64?
    /// The deadline written into each event's `Lambda-Runtime-Deadline-Ms`, as milliseconds from when it is handed over.
    var deadlineMs: Int64
    /// The ARN written into each event; by default one in us-east-1 under the function's name.
    var functionARN: String
    /// Takes what the process writes to standard error, chunk by chunk; one is made per process.
    var output: @Sendable () -> (@Sendable ([UInt8]) -> Void)
    /// Told what the Runtime API saw.
    var observe: @Sendable (RuntimeAPIEvent) -> Void
    /// Takes the line an instance logs when its process fails to start.
    var log: @Sendable (String) -> Void

    package init(
        name: String, executable: String, arguments: [String] = [], environment: [String: String], timeoutMs: Int64? = 5_000,
        deadlineMs: Int64 = 5_000, functionARN: String? = nil,
        output: @escaping @Sendable () -> (@Sendable ([UInt8]) -> Void) = {
            { FileIO.writeToStandardError(String(decoding: $0, as: UTF8.self)) }
        },
        observe: @escaping @Sendable (RuntimeAPIEvent) -> Void = { _ in },
        log: @escaping @Sendable (String) -> Void = { FileIO.writeToStandardError("local-lambda: \($0)\n") }
    ) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.timeoutMs = timeoutMs
        self.deadlineMs = deadlineMs
        self.functionARN = functionARN ?? "arn:aws:lambda:us-east-1:000000000000:function:\(name)"
        self.output = output
        self.observe = observe
        self.log = log
    }
}

/// One process of a function and the Runtime API it polls, on 127.0.0.1: it takes one invocation at a time.
final class FunctionInstance: Sendable {
    private struct Slot {
        /// The invocation in hand, by its request id (a UUID, as Lambda's); empty before the first.
        var id = ""
        var event: [UInt8] = []
        var pending = false
        var answer: Answer?
        var initError: String?
        var exitStatus: Int32?
        var polls = 0
    }

    let configuration: FunctionConfiguration
    private let slot = Mutex(Slot())
    private let eventReady = DispatchSemaphore(value: 0)
    private let answerReady = DispatchSemaphore(value: 0)
    /// Set when the process has exited, failed to start or is being ended: no new invocation goes to it.
    private let retired = Atomic(false)
    private let pumping = Atomic(false)
    /// Set once a connection from another process has been refused (logged once, not per connection).
    private let refusedStranger = Atomic(false)
    private let server: HTTPServer
    private let child: ChildProcess
    /// When the process was started.
    let startedAt: ContinuousClock.Instant

    /// Starts the process with a Runtime API of its own.
    init(_ configuration: FunctionConfiguration) throws(LocalLambdaError) {
        self.configuration = configuration
        do { server = try HTTPServer(host: "127.0.0.1", port: 0) } catch {
            throw .start("cannot serve a Runtime API for \(configuration.name): \(error)")
        }
        var environment = configuration.environment
        environment[RuntimeAPI.addressVariable] = "127.0.0.1:\(server.port)"
        environment["AWS_LAMBDA_FUNCTION_NAME"] = configuration.name
        startedAt = ContinuousClock.now
        do {
            child = try ChildProcess.spawn(configuration.executable, arguments: configuration.arguments, environment: environment)
        } catch {
            throw .start("cannot start \(configuration.executable): \(error)")
        }
        // A Runtime API answer is small; an event is at most 6 MB on Lambda.
        // Checked once per connection: the runtime keeps one alive, so its warm path pays nothing.
        server.start(limits: HTTPLimits(maxBody: 8 << 20), label: configuration.name, admit: { self.admits($0) }) { request, peer in
            self.runtimeAPI(request, peer)
        }
        configuration.observe(.started(processID: child.processID))
        DetachedThread.start { [child] in
            self.pump(child)
            self.processExited()
        }
    }

    /// The port of its Runtime API on 127.0.0.1.
    var runtimeAPIPort: UInt16 { server.port }

    /// Whether a connection comes from this instance's process; another is closed unserved, and said so once.
    private func admits(_ peer: HTTPServer.Peer) -> Bool {
        if RuntimeAPIPeer.isFrom(peer, processID: child.processID) { return true }
        if !refusedStranger.exchange(true, ordering: .acquiringAndReleasing) {
            configuration.log(
                "\(configuration.name): refused a connection to the Runtime API of process \(child.processID) from another process")
        }
        return false
    }

    /// The process id, for logs and measurements.
    var processID: Int32 { child.processID }
    /// True once the process has exited, failed to start or been ended.
    var isRetired: Bool { retired.load(ordering: .acquiring) }
    /// How the process ended (its exit status, or 128 plus the signal), once it has.
    var exitStatus: Int32? { slot.withLock { $0.exitStatus } }
    /// True while the process waits for an event in `GET /next`.
    var isPolling: Bool { slot.withLock { $0.polls > 0 } }

    /// Ends the process (SIGKILL), as Lambda ends a runtime; the thread that reads its output reaps it.
    func stop() {
        retired.store(true, ordering: .releasing)
        child.kill()
    }

    /// Asks the process to end (SIGTERM: a profiler it runs under writes its results), and ends it (SIGKILL) if it
    /// has not within `graceMs`; returns once it has been reaped, or after another 5 s.
    func end(graceMs: Int64) {
        retired.store(true, ordering: .releasing)
        child.terminate()
        if !waitForExit(timeoutMs: graceMs) {
            child.kill()
            waitForExit(timeoutMs: 5_000)
        }
    }

    /// Waits at most `timeoutMs` for the process to end (after `stop()` or on its own); true once it has.
    @discardableResult
    func waitForExit(timeoutMs: Int64) -> Bool {
        let limit = SystemClock.nowEpochMilliseconds() + timeoutMs
        while exitStatus == nil {
            guard SystemClock.nowEpochMilliseconds() < limit else { return false }
            SystemClock.sleep(milliseconds: 2)
        }
        return true
    }

    /// Hands one event over and waits, at most `timeoutMs` (by default the configured time), for its answer; past that
    /// the process is ended at once, unless `endingOnTimeout` is false (the caller ends it). When the process had
    /// already ended before the event was handed over: its init error, else nil.
    func invoke(_ event: [UInt8], timeoutMs: Int64? = nil, endingOnTimeout: Bool = true) -> Answer? {
        let id = RequestID.make()
        // Under the lock that processExited takes after it retires the instance: either it sees this invocation
        // and fails it at once, or this sees the instance retired.
        let ended = slot.withLock { slot -> (Bool, String?) in
            guard !isRetired else { return (true, slot.initError) }
            slot.id = id
            slot.event = event
            slot.pending = true
            slot.answer = nil
            return (false, nil)
        }
        if ended.0 { return ended.1.map { .error(type: "Runtime.ExitError", message: $0) } }
        eventReady.signal()
        let deadline: DispatchTime = (timeoutMs ?? configuration.timeoutMs).map { .now() + .milliseconds(Int($0)) } ?? .distantFuture
        while answerReady.wait(timeout: deadline) == .success {
            if let answer = slot.withLock({ $0.id == id ? $0.answer : nil }) {
                waitForOutput()
                return answer
            }
        }
        slot.withLock { $0.pending = false }
        if endingOnTimeout { stop() } else { retired.store(true, ordering: .releasing) }
        return .timedOut
    }

    /// Waits, at most a second, until what the process wrote before it answered has been handled: a reader of that
    /// output (the endpoint's outbox) finds it there as soon as the answer is back.
    private func waitForOutput() {
        guard !isRetired else { return }
        let limit = SystemClock.nowEpochMilliseconds() + 1_000
        while child.unreadStandardErrorBytes() > 0 || pumping.load(ordering: .acquiring),
            SystemClock.nowEpochMilliseconds() < limit
        {
            SystemClock.sleep(milliseconds: 1)
        }
    }

    /// Passes the process's standard error on until it closes. The flag is set from when output is ready until it
    /// has been handled, so a waiter sees unread bytes or a busy pump, never neither, before it is handled.
    private func pump(_ child: ChildProcess) {
        let output = configuration.output()
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            child.waitForStandardError()
            pumping.store(true, ordering: .releasing)
            defer { pumping.store(false, ordering: .releasing) }
            let count = child.readStandardError(into: &buffer)
            guard count > 0 else { return }
            output(Array(buffer[..<count]))
        }
    }

    /// The process closed its output: reap it, fail the invocation it had, as Lambda reports a runtime that exits,
    /// and stop serving its Runtime API.
    private func processExited() {
        let status = child.waitForExit()
        child.closeStandardError()
        retired.store(true, ordering: .releasing)
        slot.withLock { slot in
            slot.exitStatus = status
            if !slot.id.isEmpty, slot.answer == nil {
                let reason = slot.initError ?? "RequestId: \(slot.id) Error: Runtime exited with error: exit status \(status)"
                slot.answer = .error(type: "Runtime.ExitError", message: reason)
            }
            slot.pending = false
        }
        answerReady.signal()
        server.stop()
    }

    private func runtimeAPI(_ request: HTTPRequest, _ peer: HTTPServer.Peer) -> HTTPResponse {
        if request.path == RuntimeAPI.nextPath {
            guard request.method == "GET" else { return Self.failure(405, "MethodNotAllowed", "use GET") }
            return nextEvent(peer)
        }
        if request.path == RuntimeAPI.initErrorPath {
            guard request.method == "POST" else { return Self.failure(405, "MethodNotAllowed", "use POST") }
            let errorType = request.header(RuntimeAPI.Header.errorType)
            configuration.observe(.initError(errorType: errorType, body: request.body))
            let message = JSONValue.parse(request.body)?["errorMessage"]?.string ?? "init error"
            // Lambda fails the invocation at once, and starts no event in this process.
            retired.store(true, ordering: .releasing)
            slot.withLock { slot in
                slot.initError = message
                if !slot.id.isEmpty, slot.answer == nil { slot.answer = .error(type: "Runtime.ExitError", message: message) }
                slot.pending = false
            }
            answerReady.signal()
            configuration.log("\(configuration.name) failed to start: \(message)")
            return Self.accepted
        }
        guard request.path.hasPrefix(RuntimeAPI.invocationPrefix) else {
            return Self.failure(404, "NotFound", "no route for \(request.method) \(request.path)")
        }
        let rest = request.path.dropFirst(RuntimeAPI.invocationPrefix.count)
        guard let slash = rest.lastIndex(of: "/"), ["response", "error"].contains(rest[rest.index(after: slash)...]) else {
            return Self.failure(404, "NotFound", "no route for \(request.method) \(request.path)")
        }
        guard request.method == "POST" else { return Self.failure(405, "MethodNotAllowed", "use POST") }
        let id = String(rest[..<slash])
        let isError = rest[rest.index(after: slash)...] == "error"
        let answer: Answer
        if isError {
            let report = JSONValue.parse(request.body)
            answer = .error(
                type: report?["errorType"]?.string ?? request.header(RuntimeAPI.Header.errorType) ?? "Error",
                message: report?["errorMessage"]?.string ?? "")
        } else {
            answer = .response(request.body)
        }
        let known = slot.withLock { slot -> Bool? in
            guard slot.id == id else { return nil }
            guard slot.answer == nil else { return false }
            return true
        }
        guard let known else { return Self.failure(400, "InvalidRequestID", "unknown request id \(id)") }
        guard known else { return Self.failure(400, "InvalidStateTransition", "\(id) already answered") }
        configuration.observe(
            .answered(requestID: id, isError: isError, errorType: request.header(RuntimeAPI.Header.errorType), body: request.body))
        slot.withLock { if $0.id == id { $0.answer = answer } }
        answerReady.signal()
        return Self.accepted
    }

    /// `GET /next`: waits for an event as long as the process lives. A request whose client has hung up takes no
    /// event: it stays for the next request (a dropped `/next` would otherwise swallow it).
    private func nextEvent(_ peer: HTTPServer.Peer) -> HTTPResponse {
        configuration.observe(.polled)
        slot.withLock { $0.polls += 1 }
        defer { slot.withLock { $0.polls -= 1 } }
        while true {
            // Woken by a new event; the timeout only bounds how soon a hang-up or a missed wake is noticed.
            _ = eventReady.wait(timeout: .now() + .milliseconds(100))
            if isRetired { return Self.failure(410, "Gone", "the function instance has ended") }
            if peer.hasHungUp { return Self.failure(400, "ClientGone", "the runtime closed the connection") }
            guard
                let (id, event) = slot.withLock({ slot -> (String, [UInt8])? in
                    guard slot.pending else { return nil }
                    slot.pending = false
                    return (slot.id, slot.event)
                })
            else { continue }
            configuration.observe(.handedOver(requestID: id))
            let deadline = SystemClock.nowEpochMilliseconds() + configuration.deadlineMs
            var response = HTTPResponse(
                status: 200,
                headers: [
                    (RuntimeAPI.Header.requestID, id), (RuntimeAPI.Header.deadline, "\(deadline)"),
                    (RuntimeAPI.Header.functionARN, configuration.functionARN), (RuntimeAPI.Header.traceID, RequestID.traceHeader()),
                    ("Content-Type", "application/json"),
                ], body: event)
            // The client went between the check above and the write: the event goes back for its next request.
            response.unsent = { [self] in
                let requeued = slot.withLock { slot -> Bool in
                    guard slot.id == id, slot.answer == nil, !slot.pending else { return false }
                    slot.pending = true
                    return true
                }
                if requeued { eventReady.signal() }
            }
            return response
        }
    }

    private static let accepted = HTTPResponse(
        status: 202, headers: [("Content-Type", "application/json")], body: Array("{\"status\":\"OK\"}".utf8))

    private static func failure(_ status: Int, _ type: String, _ message: String) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: [("Content-Type", "application/json")], body: ErrorReport(errorType: type, errorMessage: message).json)
    }
}

/// Request ids and trace headers, from the kernel's randomness.
enum RequestID {
    static func make() -> String {
        var bytes = random(16)
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = hexadecimal(bytes)
        return [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
            .joined(separator: "-")
    }

    /// An X-Ray trace header, not sampled.
    static func traceHeader() -> String {
        let seconds = String(SystemClock.nowEpochMilliseconds() / 1000, radix: 16)
        return "Root=1-\(seconds)-\(hexadecimal(random(12)));Parent=\(hexadecimal(random(8)));Sampled=0"
    }

    static func hexadecimal(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
    }

    private static func random(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        try? SystemRandom.fill(&bytes)
        return bytes
    }
}
