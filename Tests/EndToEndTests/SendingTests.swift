import Foundation
import Testing

@testable import MotoSupport
@testable import TestSupport

/// The built create executable, and the create zip's bootstrap, sending through moto under a Runtime API.
@Suite(
    "Sending from the executables against moto on 127.0.0.1", .serialized, .motoHarness,
    .enabled(if: MotoHarness.enabled, "python3 with moto[server] and boto3 not found; skipped"))
struct SendingTests {
    /// Runs create under a Runtime API with moto's environment and checks the SMS moto received for the event.
    func sendsThroughSNS(executable: URL, https: Bool = false) throws {
        let harness = try #require(MotoHarness.current)
        let before = try harness.modelData().sns.SMS.filter { $0.phone_number == "+15555550123" }.count
        // No LD_LIBRARY_PATH: a zip's bootstrap must find its libraries through its own rpath.
        let function = try ServedFunction(
            executable, events: [.init(try SampleEvents.bytes("create-sms-first-round.json"), id: "sms-1")],
            environment: (https ? harness.tlsEnv : harness.motoEnv).merging(["LOG_LEVEL": "error"]) { $1 })
        let posts = function.waitForPosts(1)
        #expect(posts.first?.path == "/2018-06-01/runtime/invocation/sms-1/response", "\(posts.first?.text ?? "no answer")")
        let response = try #require(try jsonObject(posts.first?.body ?? [])["response"] as? [String: Any])
        let code = try #require((response["privateChallengeParameters"] as? [String: String])?["code"])
        let sent = try harness.modelData().sns.SMS.filter { $0.phone_number == "+15555550123" }
        #expect(sent.count == before + 1)
        #expect(sent.last?.message == "Your sign-in code is \(code). It expires in 5 minutes.")
    }

    @Test("the built executable sends through SNS under a Runtime API, over HTTP and HTTPS", arguments: [false, true])
    func executableSends(https: Bool) throws {
        try sendsThroughSNS(executable: try ExecutableTests.executable("create-auth-challenge"), https: https)
    }

    @Test("HTTPS to a server whose certificate is not trusted fails, is not retried, and sends nothing")
    func untrustedCertificate() throws {
        let harness = try #require(MotoHarness.current)
        var environment = harness.tlsEnv.merging(["LOG_LEVEL": "error"]) { $1 }
        environment["SSL_CERT_FILE"] = nil
        let before = try harness.modelData().sns.SMS.count
        let function = try ServedFunction(
            try ExecutableTests.executable("create-auth-challenge"),
            events: [.init(try SampleEvents.bytes("create-sms-first-round.json"), id: "tls-1")], environment: environment)
        let posts = function.waitForPosts(1)
        #expect(posts.first?.path == "/2018-06-01/runtime/invocation/tls-1/error")
        // The caller gets a fixed sentence (Cognito shows it); the cause is in the log only.
        let message = try #require(try jsonObject(posts.first?.body ?? [])["errorMessage"] as? String)
        #expect(message == "The code could not be sent. Try again in a minute")
        let logs = function.stop()
        let failure = try #require(logs.split(separator: "\n").first { $0.contains("code not delivered") }.map(String.init))
        #expect(failure.contains("SNS Publish failed:"), "\(failure)")
        #expect(failure.localizedCaseInsensitiveContains("certificate"), "\(failure)")
        #expect(!failure.contains("after 2 attempts") && !failure.contains("after 3 attempts"), "not retried: \(failure)")
        #expect(try harness.modelData().sns.SMS.count == before)
    }

    /// `./build.sh` (run by scripts/test before swift test) leaves the zip; CI must have it.
    static let zip = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/lambda/create-auth-challenge.zip")

    @Test(
        "the Lambda zip's bootstrap sends over HTTPS through its statically linked libcurl",
        .enabled(
            if: FileManager.default.fileExists(atPath: zip.path) || MotoHarness.required,
            "no .build/lambda/create-auth-challenge.zip: run ./build.sh first"))
    func zipSends() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("create-zip-\(getpid())")
        try? FileManager.default.removeItem(at: directory)
        defer { try? FileManager.default.removeItem(at: directory) }
        let unzip = Process()
        unzip.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
        unzip.arguments = ["-q", Self.zip.path, "-d", directory.path]
        try unzip.run()
        unzip.waitUntilExit()
        try #require(unzip.terminationStatus == 0, "unzip failed")
        try sendsThroughSNS(executable: directory.appendingPathComponent("bootstrap"), https: true)
    }
}
