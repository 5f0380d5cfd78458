import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The built `passwordless-endpoint` in front of the built trigger executables, on 127.0.0.1 with a port the kernel
/// picks, a temporary state directory and outbox, and no template; stopped and removed when the test is done with it.
/// What a test needs besides the client it drives: the codes sent (the outbox), accounts made as an administrator
/// would, and the endpoint's clock moved ahead.
package final class LocalEndpoint: Sendable {
    /// The endpoint's URL, `http://127.0.0.1:PORT/`.
    package let url: URL
    /// The temporary directory holding the state, the outbox, the clock file and the endpoint's log.
    package let work: String
    package let outbox: String
    private let process: Process
    private let stopped = Mutex(false)

    /// The directory of the built products (`.build/debug`), where the test bundle is.
    package static let products: URL = {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" && !url.lastPathComponent.hasSuffix(".xctest") { url.deleteLastPathComponent() }
        if url.path == "/" { url = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath() }
        return url.deletingLastPathComponent()
    }()

    /// Starts the endpoint with `arguments` after its own (`--port 0 --state … --outbox … --test-clock …`, and
    /// `--no-template` unless `arguments` give `--template`) and `environment` besides `OTP_DELIVERY=console`; waits for it on a thread of its own, not
    /// the test's.
    package static func start(arguments: [String] = [], environment: [String: String] = [:]) async throws -> LocalEndpoint {
        try await offThePool { try LocalEndpoint(arguments: arguments, environment: environment) }
    }

    private init(arguments: [String], environment: [String: String]) throws {
        work = FileManager.default.temporaryDirectory.appendingPathComponent("client-endpoint-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        outbox = work + "/outbox.jsonl"
        process = Process()
        process.executableURL = Self.products.appendingPathComponent("passwordless-endpoint")
        // A pool from the options, unless the test gives a template.
        let pool = arguments.contains("--template") ? [] : ["--no-template"]
        process.arguments =
            ["--port", "0", "--state", work + "/state", "--outbox", outbox, "--test-clock", work + "/clock"] + pool + arguments
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": work, "OTP_DELIVERY": "console"].merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        _ = FileManager.default.createFile(atPath: work + "/endpoint.log", contents: nil)
        process.standardError = FileHandle(forWritingAtPath: work + "/endpoint.log")
        // The child inherits this thread's signal mask, and a thread of the test process may block SIGTERM: this one,
        // made for the start, lets it through, so that stop() ends the endpoint and its functions the usual way.
        var terminate = sigset_t()
        sigemptyset(&terminate)
        sigaddset(&terminate, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &terminate, nil)
        try process.run()
        // The first line names the address: "passwordless-endpoint on http://127.0.0.1:PORT  pool …".
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: #"http://127\.0\.0\.1:\d+"#, options: .regularExpression) else {
            process.terminate()
            throw Failure("the endpoint printed \(text.debugDescription); its log: \(work)/endpoint.log")
        }
        url = URL(string: String(text[range]) + "/")!
    }

    /// Stops the endpoint and removes its directory.
    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: work)
    }

    /// Stops the endpoint: SIGTERM, and SIGKILL if it still runs 5 s later; returns once it has ended. Its directory
    /// stays until the test lets go of it.
    ///
    /// It waits with `waitid(WNOWAIT)`, not `Process.waitUntilExit()`: Foundation learns of a child's end when a
    /// socket it gave the child closes, and a process started beside it by another test may hold a copy of that socket
    /// for as long as it lives, so Foundation's wait can outlast the test. Foundation still reaps it.
    package func stop() {
        let pid = process.processIdentifier
        guard pid > 0,
            !stopped.withLock({ stopped in
                defer { stopped = true }; return stopped
            })
        else { return }
        kill(pid, SIGTERM)
        let ended = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
            ended.signal()
        }
        if ended.wait(timeout: .now() + 5) == .timedOut {
            kill(pid, SIGKILL)
            ended.wait()
        }
    }

    /// The endpoint's log so far, for a failed expectation's message.
    package var log: String { (try? String(contentsOfFile: work + "/endpoint.log", encoding: .utf8)) ?? "" }

    /// Every message sent, oldest first: `channel`, `destination` in full, `message`.
    package func messages() -> [(channel: String, destination: String, message: String)] {
        guard let text = try? String(contentsOfFile: outbox, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let channel = object["channel"] as? String, let destination = object["destination"] as? String,
                let message = object["message"] as? String
            else { return nil }
            return (channel, destination, message)
        }
    }

    /// How many messages went to `destination`.
    package func count(to destination: String) -> Int { messages().filter { $0.destination == destination }.count }

    /// The code of the newest message to `destination`: its first run of `length` digits.
    package func code(to destination: String, length: Int = 6) -> String? {
        guard let message = messages().last(where: { $0.destination == destination })?.message else { return nil }
        let runs = message.split(whereSeparator: { !$0.isASCII || !$0.isNumber })
        return runs.first(where: { $0.count == length }).map(String.init)
    }

    /// Moves the endpoint's own clock (sessions, tokens) `seconds` ahead of the system's.
    package func moveClock(ahead seconds: Int) throws {
        try Data(String(seconds).utf8).write(to: URL(fileURLWithPath: work + "/clock"))
    }

    /// Calls an operation as a client would; admin operations `signed` (the endpoint checks that a SigV4
    /// `Authorization` is there, not its signature). The HTTP status and the answer's JSON object.
    package func call(_ operation: String, _ body: [String: Any], signed: Bool = false) async throws -> (status: Int, answer: [String: Any])
    {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        request.setValue("application/x-amz-json-1.1", forHTTPHeaderField: "Content-Type")
        request.setValue("AWSCognitoIdentityProviderService.\(operation)", forHTTPHeaderField: "X-Amz-Target")
        if signed {
            request.setValue(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=0",
                forHTTPHeaderField: "Authorization")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, object)
    }

    /// An account made by an administrator (`AdminCreateUser`, no message), with `attributes` (`phone_number`,
    /// `phone_number_verified`, …); `permanent` gives it a permanent password (`AdminSetUserPassword`), as
    /// docs/deploy.md tells administrators to, so its sign-in ends in tokens rather than `NEW_PASSWORD_REQUIRED`.
    package func makeAccount(_ username: String, _ attributes: [String: String], permanent: Bool = true) async throws {
        let made = try await call(
            "AdminCreateUser",
            [
                "UserPoolId": "us-east-1_LocalPool", "Username": username, "MessageAction": "SUPPRESS",
                "UserAttributes": attributes.map { ["Name": $0.key, "Value": $0.value] },
            ], signed: true)
        guard made.status == 200 else { throw Failure("AdminCreateUser answered \(made.status) \(made.answer)") }
        guard permanent else { return }
        let set = try await call(
            "AdminSetUserPassword",
            ["UserPoolId": "us-east-1_LocalPool", "Username": username, "Password": "Unused-Password-1", "Permanent": true], signed: true)
        guard set.status == 200 else { throw Failure("AdminSetUserPassword answered \(set.status) \(set.answer)") }
    }

    /// What went wrong starting or driving the endpoint.
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
        package init(_ description: String) { self.description = description }
    }
}

/// Runs `body`, which blocks (a child's pipe, its exit), on a thread of its own: blocking the test's task would hold
/// one of the few threads Swift's concurrency runs every test on, and starve the tests beside it.
package func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result(catching: body)) }
    }
}
