import Foundation
import Testing

@testable import TestSupport

/// Runs the built executables the way a user and Lambda do.
@Suite("Executables", .serialized)
struct ExecutableTests {
    /// The folder holding the built products: the test bundle sits beside them.
    static let productsDirectory: URL = {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" && !url.lastPathComponent.hasSuffix(".xctest") { url.deleteLastPathComponent() }
        if url.path == "/" { url = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath() }
        return url.deletingLastPathComponent()
    }()

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func executable(_ name: String) throws -> URL {
        let url = productsDirectory.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw TestFailure("\(url.path) is not built; run `swift build` before `swift test`")
        }
        return url
    }

    /// Runs an executable to completion, with a clean environment plus `environment`.
    static func run(_ name: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = try executable(name)
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self))
    }

    @Test(
        "--help prints usage and exits 0",
        arguments: ["define-auth-challenge", "create-auth-challenge", "verify-auth-challenge", "pre-sign-up", "passwordless-local"])
    func help(name: String) throws {
        let run = try Self.run(name, ["--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("Usage"))
    }

    @Test("a sample event is answered on stdout")
    func answersSample() throws {
        let run = try Self.run("define-auth-challenge", [SampleEvents.directory.appendingPathComponent("define-success.json").path])
        #expect(run.status == 0)
        let response = try #require(try jsonObject(Array(run.stdout.utf8))["response"] as? [String: Any])
        #expect(response["issueTokens"] as? Bool == true)
    }

    @Test("an event on stdin with -")
    func readsStdin() throws {
        let event = try String(contentsOf: SampleEvents.directory.appendingPathComponent("verify-correct-code.json"), encoding: .utf8)
        let run = try Self.run("verify-auth-challenge", ["-"], stdin: event)
        #expect(run.status == 0)
        #expect((try jsonObject(Array(run.stdout.utf8))["response"] as? [String: Any])?["answerCorrect"] as? Bool == true)
    }

    @Test(
        "missing, unreadable or invalid input gives one line on stderr and a non-zero exit",
        arguments: [
            (["/nonexistent/event.json"], "cannot read /nonexistent/event.json: No such file or directory"),
            (["/"], "cannot read /: Is a directory"),
            ([String](), "expected one event file"),
            (["a.json", "b.json"], "expected one event file"),
        ])
    func badInput(arguments: [String], message: String) throws {
        let run = try Self.run("define-auth-challenge", arguments)
        #expect(run.status != 0)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.split(separator: "\n").count == 1, "one line, no crash trace: \(run.stderr)")
        #expect(run.stderr.contains(message))
    }

    @Test("invalid JSON gives one InvalidEvent line and no crash")
    func invalidJSON() throws {
        let run = try Self.run("create-auth-challenge", ["-"], environment: ["OTP_DELIVERY": "console"], stdin: "{\"version\": ")
        #expect(run.status == 1)
        #expect(run.stderr == "create-auth-challenge: InvalidEvent: invalid event: the event is not valid JSON\n")
    }

    @Test("bad configuration names the variable")
    func badConfiguration() throws {
        let run = try Self.run(
            "create-auth-challenge", [SampleEvents.directory.appendingPathComponent("create-sms-first-round.json").path],
            environment: ["OTP_LENGTH": "abc", "OTP_DELIVERY": "console"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("OTP_LENGTH"))
        #expect(run.stdout.isEmpty)
    }

    @Test("under a Runtime API: a bad event goes to /error, the next is answered, the process keeps serving")
    func servesRuntimeAPI() throws {
        let good = try SampleEvents.bytes("create-email-first-round.json")
        let function = try ServedFunction(
            try Self.executable("create-auth-challenge"),
            events: [.init(Array("{oops".utf8), id: "bad"), .init(good, id: "good")],
            environment: ["OTP_DELIVERY": "console", "LOG_LEVEL": "error", "HASH_KEY": "executable test key 01"])
        let posts = function.waitForPosts(2)
        #expect(
            posts.map(\.path) == ["/2018-06-01/runtime/invocation/bad/error", "/2018-06-01/runtime/invocation/good/response"],
            "connections \(function.mock.connectionCount)")
        #expect(posts.first?.headers["lambda-runtime-function-error-type"] == "InvalidEvent")
        let response = try #require(try jsonObject(posts[1].body)["response"] as? [String: Any])
        #expect((response["publicChallengeParameters"] as? [String: String])?["destination"] == "***@***")
        #expect(function.process.isRunning, "still waiting for the next event")
        let logs = function.stop()
        #expect(logs.contains("\"errorType\":\"InvalidEvent\""), "stderr: \(logs)")
        #expect(logs.contains("\"requestId\":\"bad\""))
    }

    @Test(
        "under a Runtime API: bad configuration is posted once to /runtime/init/error, naming the variable",
        arguments: [
            ("OTP_LENGTH", ["OTP_LENGTH": "abc", "OTP_DELIVERY": "console"]),
            ("OTP_DELIVERY", ["OTP_DELIVERY": "pigeon"]),
            ("LOG_LEVEL", ["LOG_LEVEL": "loud", "OTP_DELIVERY": "console"]),
            ("AWS_ACCESS_KEY_ID", [:]),
            ("AWS_REGION", ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"]),
            ("EMAIL_FROM", ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "us-east-1"]),
            // Without HASH_KEY every limit key could be computed offline.
            ("HASH_KEY", ["OTP_DELIVERY": "console"]),
            ("HASH_KEY", ["OTP_DELIVERY": "console", "HASH_KEY": "fifteen bytes.."]),
        ])
    func initError(variable: String, environment: [String: String]) throws {
        try Self.expectInitError("create-auth-challenge", "create-sms-first-round.json", variable: variable, environment: environment)
    }

    @Test("verify with RATE_LIMIT_TABLE under a Runtime API needs create's HASH_KEY, and says so at start")
    func verifyInitError() throws {
        let environment = [
            "RATE_LIMIT_TABLE": "limits", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "us-east-1",
        ]
        try Self.expectInitError("verify-auth-challenge", "verify-correct-code.json", variable: "HASH_KEY", environment: environment)
    }

    /// Runs `function` under a mock Runtime API: it must post one init error naming `variable`, and exit.
    static func expectInitError(_ function: String, _ event: String, variable: String, environment: [String: String]) throws {
        let function = try ServedFunction(
            try Self.executable(function), events: [.init(try SampleEvents.bytes(event), id: "never")], environment: environment)
        let logs = function.waitForExit()
        let posts = function.mock.recorded
        #expect(function.process.terminationStatus != 0)
        #expect(posts.count == 1, "stderr: \(logs)")
        #expect(posts.first?.path == "/2018-06-01/runtime/init/error")
        #expect(posts.first?.headers["lambda-runtime-function-error-type"] == "InvalidConfiguration")
        let message = try #require(try jsonObject(posts.first?.body ?? [])["errorMessage"] as? String)
        #expect(message.hasPrefix(variable + " "), "\(message)")
        #expect(!message.contains("secret"))
    }

    @Test("the local sign-in takes the code from the console and signs in")
    func localSignIn() throws {
        // Answer wrong once, then with the code the console delivery printed.
        let process = Process()
        process.executableURL = try Self.executable("passwordless-local")
        process.arguments = ["--email", "carol@example.com"]
        process.environment = ["PATH": "/usr/bin:/bin", "OTP_LENGTH": "8"]
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        // The code is on stderr before the prompt waits for it.
        var collected = Data()
        var code: String?
        let deadline = Date().addingTimeInterval(10)
        while code == nil && Date() < deadline {
            collected.append(err.fileHandleForReading.availableData)
            let text = String(decoding: collected, as: UTF8.self)
            if let range = text.range(of: #"code is (\d{8})"#, options: .regularExpression) {
                code = String(text[range].suffix(8))
            }
        }
        let found = try #require(code)
        input.fileHandleForWriting.write(Data("11111111\n\(found)\n".utf8))
        try input.fileHandleForWriting.close()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(stdout.contains("answerCorrect=false"))
        #expect(stdout.contains("Signed in"))
        #expect(stdout.components(separatedBy: "destination=***@***").count == 3, "the retry showed the same destination")
    }
}
