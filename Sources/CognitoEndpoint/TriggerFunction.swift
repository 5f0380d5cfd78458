import Dispatch
import HTTP1
import Platform
import Synchronization

/// What the sign-in flow invokes: a function behind a Runtime API, or a stand-in in tests.
protocol Invocable: Sendable {
    func invoke(_ event: [UInt8]) -> TriggerFunction.Answer
    func stop()
}

/// One trigger as Lambda runs it: instances (each its own process, polling a Runtime API this endpoint serves on
/// 127.0.0.1) take one invocation at a time, with Cognito's 5 s wait. As on Lambda, invocations that overlap run on
/// more instances (up to `maxInstances`; past that they wait their turn), an instance that runs out of time is
/// ended, one whose process exits fails the invocation in flight, and a new one starts when needed.
final class TriggerFunction: Invocable {
    /// What an invocation gave back.
    enum Answer: Sendable {
        case response([UInt8])
        case error(type: String, message: String)
        case timedOut
    }

    static let cognitoWaitMs: Int64 = 5_000
    static let maxInstances = 4
    let name: String
    private let executable: String
    private let environment: [String: String]
    private let outbox: Outbox
    /// Invocations in flight, at most one per instance.
    private let slots = DispatchSemaphore(value: maxInstances)
    /// Instances waiting for an invocation, the most recently used last; and every instance started, for `stop`.
    private let instances: Mutex<(idle: [FunctionInstance], all: [FunctionInstance])>

    /// Starts the first instance, so an executable that cannot start is reported when the endpoint starts.
    init(name: String, executable: String, environment: [String: String], outbox: Outbox) throws(EndpointError) {
        self.name = name
        self.executable = executable
        self.environment = environment
        self.outbox = outbox
        let first = try FunctionInstance(name: name, executable: executable, environment: environment, outbox: outbox)
        instances = Mutex(([first], [first]))
    }

    /// Ends every instance.
    func stop() { instances.withLock { $0.all }.forEach { $0.stop() } }

    /// Sends one event to an idle instance, starting one if none is idle, and waits at most Cognito's 5 s.
    func invoke(_ event: [UInt8]) -> Answer {
        slots.wait()
        defer { slots.signal() }
        // An instance that ended while idle is passed over once; a second that ends before it takes the event (one
        // that exits at start) fails the invocation rather than start processes without end.
        for _ in 0..<2 {
            let instance: FunctionInstance
            do { instance = try idleOrNewInstance() } catch { return .error(type: "Runtime.StartError", message: error.description) }
            if let answer = instance.invoke(event) {
                instances.withLock { $0.idle.append(instance) }
                return answer
            }
        }
        return .error(type: "Runtime.ExitError", message: "Runtime exited before it took the event")
    }

    /// The warmest idle instance, as Lambda reuses one, or a new one; those that have ended are dropped.
    private func idleOrNewInstance() throws(EndpointError) -> FunctionInstance {
        let idle = instances.withLock { pool -> FunctionInstance? in
            pool.all.removeAll { $0.isRetired }
            pool.idle.removeAll { $0.isRetired }
            return pool.idle.popLast()
        }
        if let idle { return idle }
        let made = try FunctionInstance(name: name, executable: executable, environment: environment, outbox: outbox)
        instances.withLock { $0.all.append(made) }
        return made
    }
}

/// One process of a function and the Runtime API it polls.
final class FunctionInstance: Sendable {
    private struct Slot {
        /// The invocation in hand, by its request id (a UUID, as Lambda's); empty before the first.
        var id = ""
        var event: [UInt8] = []
        var pending = false
        var answer: TriggerFunction.Answer?
        var initError: String?
        var waitingForNext = 0
    }

    let name: String
    private let slot = Mutex(Slot())
    private let eventReady = DispatchSemaphore(value: 0)
    private let answerReady = DispatchSemaphore(value: 0)
    /// Set when the process has exited or is being ended: no new invocation goes to it.
    private let retired = Atomic(false)
    private let pumping = BusyFlag()
    private let server: HTTPServer
    private let child: ChildProcess

    init(name: String, executable: String, environment: [String: String], outbox: Outbox) throws(EndpointError) {
        self.name = name
        do {
            server = try HTTPServer(host: "127.0.0.1", port: 0)
        } catch {
            throw .function("cannot serve a Runtime API for \(name): \(error)")
        }
        var env = environment
        env["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:\(server.port)"
        env["AWS_LAMBDA_FUNCTION_NAME"] = name
        do { child = try ChildProcess.spawn(executable, environment: env) } catch {
            server.stop()
            throw .function("cannot start \(executable): \(error)")
        }
        server.start(limits: HTTPLimits(maxBody: 8 << 20), label: "passwordless-endpoint") { self.runtimeAPI($0) }
        FileIO.writeToStandardError("passwordless-endpoint: \(name) instance started (process \(child.processID))\n")
        let pump = StandardErrorPump(function: name, outbox: outbox, busy: pumping)
        DetachedThread.start { [child] in
            pump.run(child)
            self.processExited()
        }
    }

    var isRetired: Bool { retired.load(ordering: .acquiring) }

    func stop() {
        retired.store(true, ordering: .releasing)
        child.kill()
    }

    /// Sends one event and waits, at most Cognito's 5 s, for its answer; past that the process is ended.
    /// When the process had already ended before the event was handed over: its init error, else nil.
    func invoke(_ event: [UInt8]) -> TriggerFunction.Answer? {
        let id = RandomID.uuid()
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
        let deadline = DispatchTime.now() + .milliseconds(Int(TriggerFunction.cognitoWaitMs))
        while answerReady.wait(timeout: deadline) == .success {
            if let answer = slot.withLock({ $0.id == id ? $0.answer : nil }) {
                waitForOutput()
                return answer
            }
        }
        slot.withLock { $0.pending = false }
        stop()
        return .timedOut
    }

    /// Waits, at most a second, until what the function printed before it answered has been handled: a client that
    /// reads the outbox as soon as it has the answer finds the message there.
    private func waitForOutput() {
        guard !isRetired else { return }
        let limit = SystemClock.nowEpochMilliseconds() + 1_000
        while child.unreadStandardErrorBytes() > 0 || pumping.isSet, SystemClock.nowEpochMilliseconds() < limit {
            SystemClock.sleep(milliseconds: 1)
        }
    }

    /// The process closed its output: reap it, fail the invocation it had, as Lambda reports a runtime that exits,
    /// and stop serving its Runtime API.
    private func processExited() {
        let status = child.waitForExit()
        child.closeStandardError()
        retired.store(true, ordering: .releasing)
        let waiting = slot.withLock { slot in
            if !slot.id.isEmpty, slot.answer == nil {
                let reason = slot.initError ?? "RequestId: \(slot.id) Error: Runtime exited with error: exit status \(status)"
                slot.answer = .error(type: "Runtime.ExitError", message: reason)
            }
            slot.pending = false
            return slot.waitingForNext
        }
        answerReady.signal()
        // Requests for the next event that the process left behind return now.
        for _ in 0..<waiting { eventReady.signal() }
        server.stop()
    }

    private func runtimeAPI(_ request: HTTPRequest) -> HTTPResponse {
        let prefix = "/2018-06-01/runtime/invocation/"
        if request.method == "GET", request.path == prefix + "next" { return nextEvent() }
        guard request.method == "POST", request.path.hasPrefix(prefix) else {
            if request.path == "/2018-06-01/runtime/init/error" {
                let report = JSONValue.parse(request.body)
                let message = report?["errorMessage"]?.string ?? "init error"
                slot.withLock { $0.initError = message }
                FileIO.writeToStandardError("passwordless-endpoint: \(name) failed to start: \(message)\n")
                return HTTPResponse(status: 202)
            }
            return HTTPResponse(status: 404)
        }
        let rest = request.path.dropFirst(prefix.count)
        guard let slash = rest.lastIndex(of: "/") else { return HTTPResponse(status: 400) }
        let id = String(rest[..<slash])
        let answer: TriggerFunction.Answer
        switch rest[rest.index(after: slash)...] {
        case "response": answer = .response(request.body)
        case "error":
            let report = JSONValue.parse(request.body)
            answer = .error(type: report?["errorType"]?.string ?? "Error", message: report?["errorMessage"]?.string ?? "")
        default: return HTTPResponse(status: 404)
        }
        slot.withLock { if $0.id == id { $0.answer = answer } }
        answerReady.signal()
        return HTTPResponse(status: 202)
    }

    /// `GET /next`: waits for an event, as long as the process lives.
    private func nextEvent() -> HTTPResponse {
        slot.withLock { $0.waitingForNext += 1 }
        defer { slot.withLock { $0.waitingForNext -= 1 } }
        while true {
            eventReady.wait()
            if isRetired { return HTTPResponse(status: 410) }
            guard
                let (id, event) = slot.withLock({ slot -> (String, [UInt8])? in
                    guard slot.pending else { return nil }
                    slot.pending = false
                    return (slot.id, slot.event)
                })
            else { continue }
            let deadline = SystemClock.nowEpochMilliseconds() + TriggerFunction.cognitoWaitMs
            return HTTPResponse(
                status: 200,
                headers: [
                    ("Lambda-Runtime-Aws-Request-Id", id), ("Lambda-Runtime-Deadline-Ms", "\(deadline)"),
                    ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:000000000000:function:\(name)"),
                    ("Content-Type", "application/json"),
                ], body: event)
        }
    }
}

/// Passes a function's log lines to the endpoint's standard error, and takes console deliveries
/// (`--- SMS to … ---` … `--- end ---`) for the outbox.
struct StandardErrorPump {
    let function: String
    let outbox: Outbox
    /// True from when output is ready until it has been handled, so a waiter sees unread bytes or a busy pump,
    /// never neither, before the output is in the outbox.
    let busy: BusyFlag

    func run(_ child: ChildProcess) {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var pending: [UInt8] = []
        var message: (channel: String, destination: String, lines: [String])?
        while true {
            child.waitForStandardError()
            busy.set(true)
            defer { busy.set(false) }
            let count = child.readStandardError(into: &buffer)
            guard count > 0 else { return }
            pending += buffer[..<count]
            while let newline = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeFirst(newline + 1)
                if let open = Self.opening(line) {
                    message = (open.0, open.1, [])
                } else if line == "--- end ---", let done = message {
                    outbox.append(channel: done.channel, destination: done.destination, message: done.lines.joined(separator: "\n"))
                    message = nil
                } else if message != nil {
                    message?.lines.append(line)
                } else {
                    FileIO.writeToStandardError("[\(function)] \(line)\n")
                }
            }
        }
    }

    static func opening(_ line: String) -> (String, String)? {
        for (channel, prefix) in [("sms", "--- SMS to "), ("email", "--- email to ")] where line.hasPrefix(prefix) && line.hasSuffix(" ---")
        {
            return (channel, String(line.dropFirst(prefix.count).dropLast(4)))
        }
        return nil
    }
}

/// A flag one thread sets and another reads.
final class BusyFlag: Sendable {
    private let value = Atomic(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set(_ busy: Bool) { value.store(busy, ordering: .releasing) }
}

/// The file every sent message is appended to as one JSON line, so an app's tests can read the code.
final class Outbox: Sendable {
    let path: String?
    private let lock = Mutex(())

    init(path: String?) { self.path = path }

    func append(channel: String, destination: String, message: String) {
        guard let path else { return }
        let line: JSONValue = ["channel": .string(channel), "destination": .string(destination), "message": .string(message)]
        lock.withLock { _ in FileIO.append(String(decoding: line.bytes, as: UTF8.self) + "\n", to: path) }
    }
}
