import LocalLambda
import Platform

// local-lambda [--repeat N] [--deadline-ms MS] [--timeout S] [--bodies|--no-bodies] [--env K=V ...]
//              EVENT.json [EVENT.json ...] -- COMMAND [ARGS...]
//
// Starts COMMAND with AWS_LAMBDA_RUNTIME_API pointing at a Runtime API on 127.0.0.1 (LocalLambda's), serves the events
// in order (the whole list --repeat times), then ends COMMAND once every event is answered, after an init error, when
// it exits, or after --timeout; prints one JSON report on stdout (LocalRun.Report says what it holds). Exit status: 0
// when every event got a /response and there was no init error, 1 otherwise, 2 on a usage error.

let usage =
    "usage: local-lambda [--repeat N] [--deadline-ms MS] [--timeout S] [--bodies|--no-bodies] [--env K=V ...] EVENT.json... -- COMMAND [ARGS...]\n"

func fail(_ message: String) -> Never {
    FileIO.writeToStandardError("local-lambda: \(message)\n" + usage)
    FileIO.exitProcess(2)
}

func runLocalLambda() -> Never {
    var arguments = Array(CommandLine.arguments.dropFirst())
    guard let split = arguments.firstIndex(of: "--") else { fail("COMMAND missing: put it after --") }
    let command = Array(arguments[(split + 1)...])
    arguments = Array(arguments[..<split])
    guard !command.isEmpty else { fail("COMMAND missing: put it after --") }

    var options = LocalRun.Options()
    var extra: [String: String] = [:]
    var eventPaths: [String] = []
    var index = 0
    func value(_ name: String) -> String {
        index += 1
        guard index < arguments.count else { fail("\(name) wants a value") }
        return arguments[index]
    }
    while index < arguments.count {
        let argument = arguments[index]
        switch argument {
        case "--repeat":
            guard let count = Int(value(argument)) else { fail("--repeat wants a whole number") }
            options.repeatCount = max(count, 0)
        case "--deadline-ms":
            guard let milliseconds = Int64(value(argument)) else { fail("--deadline-ms wants a whole number") }
            options.deadlineMs = milliseconds
        case "--timeout":
            guard let seconds = Double(value(argument)), seconds >= 0 else { fail("--timeout wants seconds") }
            options.timeoutMs = Int64(seconds * 1000)
        case "--bodies": options.bodies = true
        case "--no-bodies": options.bodies = false
        case "--env":
            let pair = value(argument)
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else { fail("--env wants K=V, got \(pair)") }
            extra[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        case "-h", "--help":
            FileIO.writeToStandardOutput(usage)
            FileIO.exitProcess(0)
        default:
            guard !argument.hasPrefix("-") else { fail("unknown option \(argument)") }
            eventPaths.append(argument)
        }
        index += 1
    }
    guard !eventPaths.isEmpty else { fail("no EVENT.json given") }

    var events: [(name: String, body: [UInt8])] = []
    for path in eventPaths {
        guard case .success(let bytes) = FileIO.readAll(path: path) else { fail("cannot read \(path)") }
        events.append((String(path.split(separator: "/").last ?? Substring(path)), bytes))
    }

    let environment = ProcessEnvironment.all().merging(extra) { $1 }
    guard let executable = LocalRun.resolve(command[0], path: environment["PATH"]) else {
        FileIO.writeToStandardError("local-lambda: cannot start \(command[0]): not found\n")
        FileIO.exitProcess(2)
    }
    let run = LocalRun(options: options, events: Array(repeating: events, count: options.repeatCount).flatMap { $0 })
    do {
        let report = try run.run(executable: executable, arguments: Array(command.dropFirst()), environment: environment)
        FileIO.writeToStandardOutput(report.json(bodies: options.bodies) + "\n")
        FileIO.exitProcess(report.succeeded ? 0 : 1)
    } catch {
        FileIO.writeToStandardError("local-lambda: \(error)\n")
        FileIO.exitProcess(2)
    }
}

runLocalLambda()
