import JSON
import LocalLambda
import Platform
import Synchronization

/// What the sign-in flow invokes: a function behind a Runtime API, or a stand-in in tests.
protocol Invocable: Sendable {
    func invoke(_ event: [UInt8]) -> TriggerFunction.Answer
    func stop()
}

/// One trigger as Lambda runs it, with Cognito's 5 s wait: LocalLambda's function, its instances polling Runtime APIs
/// on 127.0.0.1.
typealias TriggerFunction = LocalFunction

extension LocalFunction: Invocable {
    /// What an invocation gave back.
    typealias Answer = LocalLambda.Answer

    /// Starts a trigger's first instance: its log lines go to the endpoint's standard error, its console deliveries
    /// to the outbox.
    convenience init(name: String, executable: String, environment: [String: String], outbox: Outbox) throws(EndpointError) {
        let configuration = FunctionConfiguration(
            name: name, executable: executable, environment: environment, timeoutMs: LocalFunction.cognitoWaitMs,
            deadlineMs: LocalFunction.cognitoWaitMs,
            output: {
                let pump = StandardErrorPump(function: name, outbox: outbox)
                return { pump.take($0) }
            },
            observe: { event in
                if case .started(let processID) = event {
                    FileIO.writeToStandardError("passwordless-endpoint: \(name) instance started (process \(processID))\n")
                }
            },
            log: { FileIO.writeToStandardError("passwordless-endpoint: \($0)\n") })
        do { try self.init(configuration) } catch { throw .function(error.description) }
    }
}

/// Passes a function's log lines to the endpoint's standard error, and takes console deliveries
/// (`--- SMS to … ---` … `--- end ---`) for the outbox. One per process: it reads that process's output in order.
final class StandardErrorPump: Sendable {
    private struct Partial {
        var pending: [UInt8] = []
        var message: (channel: String, destination: String, lines: [String])?
    }

    let function: String
    let outbox: Outbox
    private let state = Mutex(Partial())

    init(function: String, outbox: Outbox) {
        self.function = function
        self.outbox = outbox
    }

    /// Takes the next bytes the process wrote; whole lines are handled, the rest kept for later.
    func take(_ bytes: [UInt8]) {
        state.withLock { state in
            state.pending += bytes
            while let newline = state.pending.firstIndex(of: 10) {
                let line = String(decoding: state.pending[..<newline], as: UTF8.self)
                state.pending.removeFirst(newline + 1)
                if let open = Self.opening(line) {
                    state.message = (open.0, open.1, [])
                } else if line == "--- end ---", let done = state.message {
                    outbox.append(channel: done.channel, destination: done.destination, message: done.lines.joined(separator: "\n"))
                    state.message = nil
                } else if state.message != nil {
                    state.message?.lines.append(line)
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
