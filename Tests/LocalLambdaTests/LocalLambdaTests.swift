import Foundation
import HTTP1
import Platform
import Synchronization
import Testing

@testable import LocalLambda

/// The fake runtime beside this file, run by the system's Python.
private let fakeRuntime = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("fake_runtime.py").path
private let python = LocalRun.resolve("python3", path: ProcessInfo.processInfo.environment["PATH"]) ?? "/usr/bin/python3"

/// Runs the fake in `mode` with events `{"i": 0}`, `{"i": 1}`...
private func run(
    _ mode: String, events count: Int = 2, repeatCount: Int = 1, timeoutMs: Int64 = 30_000, command: [String]? = nil
) throws -> LocalRun.Report {
    var options = LocalRun.Options()
    options.repeatCount = repeatCount
    options.timeoutMs = timeoutMs
    let events = (0..<count).map { (name: "e\($0).json", body: Array("{\"i\": \($0)}".utf8)) }
    let command = command ?? [python, fakeRuntime]
    let run = LocalRun(options: options, events: Array(repeating: events, count: repeatCount).flatMap { $0 })
    var environment = ProcessInfo.processInfo.environment
    environment["FAKE_MODE"] = mode
    return try run.run(executable: command[0], arguments: Array(command.dropFirst()), environment: environment)
}

private func object(_ bytes: [UInt8]?) -> [String: Any] {
    (bytes.flatMap { try? JSONSerialization.jsonObject(with: Data($0)) } as? [String: Any]) ?? [:]
}

private func configuration(_ mode: String, timeoutMs: Int64 = 5_000) -> FunctionConfiguration {
    var environment = ProcessInfo.processInfo.environment
    environment["FAKE_MODE"] = mode
    return FunctionConfiguration(
        name: "fake", executable: python, arguments: [fakeRuntime], environment: environment, timeoutMs: timeoutMs)
}

private func echoed(_ answer: Answer?) -> (i: Int, n: Int)? {
    guard case .response(let body) = answer, let echo = object(body)["echo"] as? [String: Any] else { return nil }
    return (echo["i"] as? Int ?? -1, object(body)["n"] as? Int ?? -1)
}

@Suite("Local Lambda", .serialized)
struct LocalLambdaTests {
    @Test("serves the events in order, repeated, with fresh ids, and measures start-up, CPU and memory")
    func echo() throws {
        let report = try run("echo", repeatCount: 2)
        #expect(report.succeeded)
        #expect(report.answered == 4 && report.expected == 4)
        #expect(report.invocations.map { (object($0.body)["echo"] as? [String: Any])?["i"] as? Int } == [0, 1, 0, 1])
        #expect(report.invocations.map(\.event) == ["e0.json", "e1.json", "e0.json", "e1.json"])
        #expect(Set(report.invocations.map(\.requestID)).count == 4)
        #expect(report.stoppedBecause == "all_answered")
        let initMs = try #require(report.initMs)
        let afterInit = try #require(report.cpuMsAfterInit)
        #expect(initMs > 0)
        let cpu = try #require(report.cpuMs)
        #expect(afterInit > 0 && cpu >= afterInit)
        #expect(try #require(report.peakRSSKB) > 0)
        #expect(try #require(report.rssKBAfterInit) > 0)
        #expect(try #require(report.firstAnswerMs) > initMs)
        #expect(try #require(report.firstAnswerCPUMs) >= afterInit)
        #expect(report.invocations.allSatisfy { ($0.durationMs ?? -1) > 0 })
    }

    @Test("each answer's CPU figure sees the 30 ms the process spent on it")
    func cpuPerAnswer() throws {
        let report = try run("spin", events: 3)
        #expect(report.answered == 3)
        let figures = [report.cpuMsAfterInit] + report.invocations.map(\.cpuMs)
        for (before, after) in zip(figures, figures.dropFirst()) {
            let spent = try #require(after) - (try #require(before))
            #expect(spent >= 29)
        }
    }

    @Test("an /error answer is recorded with its type, and the run fails")
    func errorAnswers() throws {
        let report = try run("error")
        #expect(report.invocations.map(\.status) == ["response", "error"])
        #expect(report.invocations[1].errorType == "Handled")
        #expect(object(report.invocations[1].body)["errorMessage"] as? String == "nope")
        #expect(!report.succeeded)
    }

    @Test("an init error is recorded, no event is answered, and the process's exit is reported")
    func initError() throws {
        let report = try run("init-error")
        #expect(report.initError?.errorType == "Runtime.Init")
        #expect(object(report.initError?.body)["errorMessage"] as? String == "boom")
        #expect(report.invocations.allSatisfy { $0.status == nil })
        #expect(report.answered == 0)
        #expect(report.exitCode == 1)
        #expect(report.stoppedBecause == "init_error")
        #expect(!report.succeeded)
    }

    @Test("a process that exits early ends the run with its status")
    func childExits() throws {
        let report = try run("exit=1")
        #expect(report.answered == 1)
        #expect(report.exitCode == 3)
        #expect(report.stoppedBecause == "child_exited")
        #expect(!report.succeeded)
    }

    @Test("chunked request bodies and Connection: close are served", arguments: ["chunked", "close"])
    func transports(_ mode: String) throws {
        let report = try run(mode)
        #expect(report.succeeded)
        #expect(report.answered == 2)
    }

    @Test("the whole run's time limit ends a process that never answers")
    func timeout() throws {
        let started = SystemClock.nowEpochMilliseconds()
        let report = try run("echo", events: 1, timeoutMs: 500, command: ["/bin/sleep", "5"])
        #expect(SystemClock.nowEpochMilliseconds() - started < 3_000)
        #expect(report.stoppedBecause == "timeout")
        #expect(report.signal == 15)
        #expect(!report.succeeded)
    }

    @Test("a GET /next the runtime hung up on does not take the event: the next one gets it")
    func droppedNextKeepsTheEvent() throws {
        let instance = try FunctionInstance(configuration("drop-next"))
        defer { instance.stop() }
        // The fake has sent its first GET /next and hung up by now; its next one comes 0.6 s after.
        SystemClock.sleep(milliseconds: 300)
        let answer = instance.invoke(Array("{\"i\": 7}".utf8))
        #expect(echoed(answer)?.i == 7)
    }

    @Test("another process's GET /next on an instance's Runtime API is closed unserved; the instance's own gets the event")
    func strangerGetsNoEvent() throws {
        let logged = Mutex<[String]>([])
        var environment = ProcessInfo.processInfo.environment
        environment["FAKE_MODE"] = "echo"
        let instance = try FunctionInstance(
            FunctionConfiguration(
                name: "fake", executable: python, arguments: [fakeRuntime], environment: environment,
                log: { line in logged.withLock { $0.append(line) } }))
        defer { instance.stop() }
        // This test's process is not the instance's: it asks first, and twice.
        var strangers: [TCPSocket] = []
        for _ in 0..<2 {
            let stranger = try TCPSocket.connect(host: "127.0.0.1", port: instance.runtimeAPIPort)
            try stranger.sendAll(Array("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            strangers.append(stranger)
        }
        defer { strangers.forEach { $0.close() } }
        #expect(echoed(instance.invoke(Array("{\"i\": 5}".utf8)))?.i == 5)
        #expect(echoed(instance.invoke(Array("{\"i\": 6}".utf8)))?.i == 6)
        for stranger in strangers {
            var buffer = [UInt8](repeating: 0, count: 4096)
            #expect(stranger.waitForIncoming(timeoutMs: 5_000))
            #expect((try? stranger.receive(into: &buffer)) ?? 0 == 0, "closed, with no event")
        }
        let lines = logged.withLock { $0 }
        #expect(lines.count == 1, "said once: \(lines)")
        #expect(lines.first?.contains("refused a connection to the Runtime API of process \(instance.processID)") == true)
    }

    @Test("a connection's client socket is found in /proc/net/tcp by its two ends")
    func clientInodeFromTheTable() throws {
        let table = Array(
            """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:9C40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0 100 0 0 10 0
               1: 0100007F:9C40 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 2222 1 0 20 4 30 10 -1
               2: 0100007F:D431 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 3333 1 0 20 4 30 10 -1
               3: 0100007F:D432 0100007F:9C40 06 00000000:00000000 03:00000ABC 00000000     0        0 0 3 0
            """.utf8)
        // Our side is 127.0.0.1:40000, the client 127.0.0.1:54321: its row has them the other way round.
        #expect(RuntimeAPIPeer.clientInode(table, client: "0100007F:D431", server: "0100007F:9C40") == "3333")
        #expect(RuntimeAPIPeer.clientInode(table, client: "0100007F:D432", server: "0100007F:9C40") == nil, "TIME_WAIT: no inode")
        #expect(RuntimeAPIPeer.clientInode(table, client: "0100007F:D433", server: "0100007F:9C40") == nil)
    }

    @Test("the check a connection costs, measured on this process's own connection to a server of its own")
    func peerCheckCost() throws {
        let server = try HTTP1.HTTPServer(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        let costs = Mutex<[Int64]>([])
        let verdicts = Mutex<[Bool]>([])
        let me = ProcessInfo.processInfo.processIdentifier
        server.start(
            limits: HTTPLimits(), label: "test",
            admit: { peer in
                let started = ContinuousClock.now
                let verdict = RuntimeAPIPeer.isFrom(peer, processID: me)
                let spent = ContinuousClock.now - started
                costs.withLock { $0.append(spent.components.attoseconds / 1_000_000_000_000 + spent.components.seconds * 1_000_000) }
                verdicts.withLock { $0.append(verdict) }
                return verdict
            }
        ) { _, _ in HTTPResponse(status: 200) }
        for _ in 0..<20 {
            var client = HTTPClientConnection(host: "127.0.0.1", port: server.port, hostHeader: "x")
            #expect(try client.send(HTTPRequest(method: "GET", path: "/")).status == 200)
        }
        #expect(verdicts.withLock { $0 }.allSatisfy { $0 } && verdicts.withLock { $0.count } == 20)
        let sorted = costs.withLock { $0 }.sorted()
        print("Runtime API peer check: median \(sorted[sorted.count / 2]) µs, max \(sorted.last ?? 0) µs per connection")
    }

    @Test("a function past its time is ended and the next invocation starts a new process")
    func functionTimeout() throws {
        let function = try LocalFunction(configuration("sleep", timeoutMs: 300))
        defer { function.stop() }
        #expect(function.invoke(Array("{\"i\": 1}".utf8)) == .timedOut)
        #expect(function.invoke(Array("{\"i\": 2}".utf8)) == .timedOut)
    }

    @Test("a process that exits is replaced; its init error or exit fails the invocation it had")
    func exitsAndInitErrors() throws {
        let exiting = try LocalFunction(configuration("exit=1"))
        defer { exiting.stop() }
        #expect(echoed(exiting.invoke(Array("{\"i\": 1}".utf8)))?.n == 1)
        // The first process exited after its answer: a new one takes the next event, its first.
        SystemClock.sleep(milliseconds: 200)
        #expect(echoed(exiting.invoke(Array("{\"i\": 2}".utf8)))?.n == 1)

        let failing = try LocalFunction(configuration("init-error"))
        defer { failing.stop() }
        #expect(failing.invoke(Array("{}".utf8)) == .error(type: "Runtime.ExitError", message: "boom"))
    }

    @Test("overlapping invocations run on several instances at once")
    func overlapping() throws {
        let function = try LocalFunction(configuration("spin"))
        defer { function.stop() }
        let answers = DispatchQueue.concurrentPerformAndCollect(4) { index in echoed(function.invoke(Array("{\"i\": \(index)}".utf8))) }
        #expect(Set(answers.compactMap { $0?.i }) == [0, 1, 2, 3])
    }

    @Test("local-lambda prints the report and exits 0 when all is answered, 1 when not, 2 on a usage error")
    func commandLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("local-lambda-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let event = directory.appendingPathComponent("one.json")
        try Data("{\"i\": 5}".utf8).write(to: event)
        func localLambda(_ arguments: [String]) throws -> (Int32, [String: Any]) {
            let process = Process()
            process.executableURL = productsDirectory.appendingPathComponent("local-lambda")
            process.arguments = arguments
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
        }
        let (status, report) = try localLambda(["--env", "FAKE_MODE=echo", event.path, "--", "python3", fakeRuntime])
        #expect(status == 0)
        let invocation = try #require((report["invocations"] as? [[String: Any]])?.first)
        #expect(((invocation["body"] as? [String: Any])?["echo"] as? [String: Any])?["i"] as? Int == 5)
        #expect(invocation["event"] as? String == "one.json")
        #expect(report["answered"] as? Int == 1)

        let (quiet, quietReport) = try localLambda([
            "--no-bodies", "--env", "FAKE_MODE=error", event.path, event.path, "--", python, fakeRuntime,
        ])
        #expect(quiet == 1)
        #expect((quietReport["invocations"] as? [[String: Any]])?.allSatisfy { $0["body"] == nil } == true)
        #expect(quietReport["stopped_because"] as? String == "all_answered")

        #expect(try localLambda([event.path]).0 == 2)
        #expect(try localLambda(["--", python]).0 == 2)
    }

    /// The folder holding the built products: the test bundle sits beside them.
    private var productsDirectory: URL {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" && !url.lastPathComponent.hasSuffix(".xctest") { url.deleteLastPathComponent() }
        if url.path == "/" { url = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath() }
        return url.deletingLastPathComponent()
    }
}

extension DispatchQueue {
    /// Runs `body` `count` times at once and collects the results in order.
    fileprivate static func concurrentPerformAndCollect<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        nonisolated(unsafe) let shared = results
        concurrentPerform(iterations: count) { shared[$0] = body($0) }
        return results.map { $0! }
    }
}
