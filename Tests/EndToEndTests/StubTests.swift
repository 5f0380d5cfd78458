import Foundation
import Testing

@testable import MotoSupport
@testable import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The create zip's bootstrap links libcurl with stubs for the libraries behind features this project never uses
/// (scripts/make-stub-libs.sh): a stub that runs writes "lambda stub: <lib>: <symbol>() called" and kills the
/// process with SIGILL. These tests run a sign-in and every retry path through that bootstrap, against moto and the
/// fault proxy, and check that none of them reaches a stub: each answer arrives, the process is still serving
/// afterwards, and its log has no stub line. (libssh2_init, which curl_global_init calls on every start, is a stub
/// that returns success instead of trapping, and so are a few calls curl makes only in curl_version().)
@Suite(
    "The create zip's bootstrap never reaches a stub", .serialized, .motoHarness,
    .enabled(
        if: MotoHarness.enabled && (FileManager.default.fileExists(atPath: SendingTests.zip.path) || MotoHarness.required),
        "needs moto and .build/lambda/create-auth-challenge.zip (./build.sh)"))
struct StubTests {
    /// The zip unpacked once for the suite, as Lambda unpacks it.
    static let bootstrap: Result<URL, TestFailure> = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("create-stub-zip-\(getpid())")
        try? FileManager.default.removeItem(at: directory)
        let unzip = Process()
        unzip.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
        unzip.arguments = ["-q", SendingTests.zip.path, "-d", directory.path]
        do { try unzip.run() } catch { return .failure(TestFailure("unzip: \(error)")) }
        unzip.waitUntilExit()
        guard unzip.terminationStatus == 0 else { return .failure(TestFailure("unzip failed")) }
        return .success(directory.appendingPathComponent("bootstrap"))
    }()

    /// Serves `events` (name, request id, deadline in ms from now) to the bootstrap with `environment`, waits for
    /// all answers, checks that no stub ran, and returns the answers' paths in order and the process's log.
    func serve(
        _ events: [(name: String, id: String, deadlineMs: Int64)], environment: [String: String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (paths: [String], logs: String) {
        let executable = try Self.bootstrap.get()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let function = try ServedFunction(
            executable,
            events: try events.map { .init(try SampleEvents.bytes($0.name), id: $0.id, deadlineMs: now + $0.deadlineMs) },
            environment: environment.merging(["LOG_LEVEL": "debug"]) { $1 })
        let posts = function.mock.waitForPosts(events.count, timeout: 30)
        // A stub traps: a process that still runs after its answers has reached none.
        let stillServing = function.process.isRunning
        let logs = function.stop()
        let stubLines = logs.split(separator: "\n").filter { $0.contains("lambda stub:") }
        #expect(stubLines.isEmpty, "a stub ran: \(stubLines)", sourceLocation: sourceLocation)
        #expect(stillServing, "the bootstrap died; its log:\n\(logs.suffix(2_000))", sourceLocation: sourceLocation)
        #expect(
            posts.count == events.count, "\(posts.count) of \(events.count) answers; log:\n\(logs.suffix(2_000))",
            sourceLocation: sourceLocation)
        return (posts.map(\.path), logs)
    }

    static func answer(_ id: String, _ kind: String) -> String { "/2018-06-01/runtime/invocation/\(id)/\(kind)" }

    @Test("the zip links stubs, so the tests below can tell")
    func hasStubs() throws {
        let executable = try Self.bootstrap.get()
        var files = [executable]
        let lib = executable.deletingLastPathComponent().appendingPathComponent("lib")
        files += (try? FileManager.default.contentsOfDirectory(at: lib, includingPropertiesForKeys: nil)) ?? []
        let marker = Data("lambda-stub lib".utf8)
        let stubbed = files.contains { (try? Data(contentsOf: $0))?.range(of: marker) != nil }
        #expect(stubbed, "no stub in the create zip (built with --no-stubs?)")
    }

    /// The log line that says why the code was not sent.
    static func failure(_ logs: String) -> String {
        logs.split(separator: "\n").first { $0.contains("code not delivered") }.map(String.init) ?? "no failure logged:\n\(logs)"
    }

    @Test("a sign-in over HTTPS: an SMS, a retry that sends nothing, an email")
    func signIn() throws {
        let harness = try #require(MotoHarness.current)
        let smsBefore = try harness.modelData().sns.SMS.count
        let (paths, _) = try serve(
            [
                ("create-sms-first-round.json", "sms", 5_000), ("create-retry-after-wrong-code.json", "retry", 5_000),
                ("create-email-first-round.json", "email", 5_000),
            ], environment: harness.tlsEnv)
        #expect(paths == [Self.answer("sms", "response"), Self.answer("retry", "response"), Self.answer("email", "response")])
        #expect(try harness.modelData().sns.SMS.count == smsBefore + 1)
    }

    @Test("a sign-in with the shared send limits on: DynamoDB, then SNS, over HTTPS")
    func signInWithLimits() throws {
        let harness = try #require(MotoHarness.current)
        let environment = harness.tlsEnv.merging([
            "RATE_LIMIT_TABLE": harness.info.rateLimitTable, "HASH_KEY": "stub test key 0001",
        ]) { $1 }
        let (paths, _) = try serve([("create-sms-first-round.json", "limited", 5_000)], environment: environment)
        #expect(paths == [Self.answer("limited", "response")])
        #expect(try !harness.dynamoItems().isEmpty)
    }

    @Test(
        "a throttled or failing SNS or SES answer, then success",
        arguments: [
            ("throttle", "create-sms-first-round.json"), ("fail500", "create-sms-first-round.json"),
            ("throttle", "create-email-first-round.json"), ("fail500", "create-email-first-round.json"),
        ])
    func retriedThenSent(fault: String, event: String) throws {
        let harness = try #require(MotoHarness.current)
        try harness.proxyScript(fault, "forward")
        defer { try? harness.proxyScript("forward") }
        let (paths, _) = try serve([(event, "retried", 5_000)], environment: harness.proxyEnv)
        #expect(paths == [Self.answer("retried", "response")])
        #expect(try harness.proxyRequestCount() == 2)
    }

    @Test("every try throttled: retries until the attempts run out")
    func throttledOut() throws {
        let harness = try #require(MotoHarness.current)
        try harness.proxyScript("throttle")
        defer { try? harness.proxyScript("forward") }
        let (paths, logs) = try serve([("create-sms-first-round.json", "throttled", 5_000)], environment: harness.proxyEnv)
        #expect(paths == [Self.answer("throttled", "error")])
        #expect(try harness.proxyRequestCount() == 3)
        #expect(Self.failure(logs).contains("Throttling"), "\(Self.failure(logs))")
    }

    @Test("connection refused, every try")
    func refused() throws {
        let harness = try #require(MotoHarness.current)
        let (paths, logs) = try serve(
            [("create-sms-first-round.json", "refused", 5_000)], environment: harness.env(port: harness.info.refusedPort))
        #expect(paths == [Self.answer("refused", "error")])
        #expect(Self.failure(logs).contains("3 attempts"), "\(Self.failure(logs))")
    }

    @Test("a server that never answers: the try times out before the deadline")
    func timeout() throws {
        let harness = try #require(MotoHarness.current)
        try harness.proxyScript("hang")
        defer { try? harness.proxyScript("forward") }
        let (paths, logs) = try serve([("create-sms-first-round.json", "hang", 1_500)], environment: harness.proxyEnv)
        #expect(paths == [Self.answer("hang", "error")])
        #expect(Self.failure(logs).localizedCaseInsensitiveContains("time"), "\(Self.failure(logs))")
    }

    @Test("TLS: a certificate that is not trusted, and a server that does not speak TLS")
    func tlsFailures() throws {
        let harness = try #require(MotoHarness.current)
        var untrusted = harness.tlsEnv
        untrusted["SSL_CERT_FILE"] = nil
        let (paths, logs) = try serve([("create-sms-first-round.json", "untrusted", 5_000)], environment: untrusted)
        #expect(paths == [Self.answer("untrusted", "error")])
        #expect(Self.failure(logs).localizedCaseInsensitiveContains("certificate"), "\(Self.failure(logs))")
        var plain = harness.motoEnv
        plain["AWS_ENDPOINT_URL"] = "https://127.0.0.1:\(harness.info.motoPort)"
        let (plainPaths, plainLogs) = try serve([("create-sms-first-round.json", "plain", 5_000)], environment: plain)
        #expect(plainPaths == [Self.answer("plain", "error")])
        #expect(Self.failure(plainLogs).contains("SSL"), "\(Self.failure(plainLogs))")
    }
}
