import AWSClients
import AWSHTTP
import Foundation
import LambdaRuntime
import Settings
import TestSupport

#if canImport(Testing)
import Testing
#endif

/// What moto_harness.py prints once moto, the role credentials and the fault proxy are ready.
package struct HarnessInfo: Decodable, Sendable {
    package struct Role: Decodable, Sendable {
        package var accessKeyId: String
        package var secretAccessKey: String
        package var sessionToken: String
    }

    package var motoPort: Int
    package var proxyPort: Int
    package var refusedPort: Int
    /// An HTTPS relay to moto, with a self-signed certificate for 127.0.0.1.
    package var tlsPort: Int
    /// That certificate, to trust through `SSL_CERT_FILE`.
    package var certificateFile: String
    package var sender: String
    package var role: Role
    /// A DynamoDB table (`pk` string key, TTL on `expiresAt`) the role may update, item by item or in transactions.
    package var rateLimitTable: String
    /// A table of the same shape that the role's policy does not cover: writing to it is denied.
    package var deniedTable: String
    /// A Cognito user pool whose users' attributes the role may update (`AdminUpdateUserAttributes`), as verify's.
    package var userPool: String
    /// A pool the role's policy does not cover: updating its users is denied.
    package var deniedUserPool: String
}

/// The loopback moto server and fault proxy for one run of the integration suite.
package final class MotoHarness: @unchecked Sendable {
    // @unchecked: `process` and `input` are only touched by start() and stop(), on one task.
    @TaskLocal package static var current: MotoHarness?

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("moto_harness.py")

    /// The Python that runs moto: the virtual environment `scripts/test` makes under `.build/venv`, else `python3`.
    static let python: [String] = {
        let venv = script.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/venv/bin/python3")
        return FileManager.default.isExecutableFile(atPath: venv.path) ? [venv.path] : ["python3"]
    }()

    /// Whether that Python can import moto's server and boto3; checked once.
    package static let toolsAvailable: Bool = {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = python + ["-c", "import moto.server, boto3"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }()

    /// Whether this run must have moto: CI installs it, so there a missing moto fails instead of skipping.
    package static let required = ContinuousIntegration.isRunning

    /// Whether the moto suites run: the tools are here, or CI requires them.
    package static let enabled = toolsAvailable || required

    /// The ports, sender and role credentials.
    package let info: HarnessInfo
    private let process: Process
    private let input: Pipe
    private let errorLog: URL
    /// Control calls (proxy script, data.json) go through the library's own transport.
    let http = CurlTransport()

    private init(info: HarnessInfo, process: Process, input: Pipe, errorLog: URL) {
        self.info = info
        self.process = process
        self.input = input
        self.errorLog = errorLog
    }

    /// Starts moto and the fault proxy, and waits until they are ready.
    package static func start() throws -> MotoHarness {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = python + [script.path]
        let input = Pipe()
        let output = Pipe()
        let errorLog = FileManager.default.temporaryDirectory.appendingPathComponent("moto-harness-\(getpid()).log")
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        process.standardInput = input
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorLog)
        try process.run()

        // The harness prints one JSON line when ready, or exits with a traceback in the log.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty {
                process.waitUntilExit()
                let log = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
                throw HarnessFailure(message: "moto harness exited (\(process.terminationStatus)): \(log.suffix(2_000))")
            }
            line.append(chunk)
        }
        let info = try JSONDecoder().decode(HarnessInfo.self, from: line)
        return MotoHarness(info: info, process: process, input: input, errorLog: errorLog)
    }

    /// Closing stdin makes the harness exit; terminate covers a harness that is stuck.
    package func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: errorLog)
    }

    /// The environment a Lambda would have, with role credentials and the given endpoint port.
    package func env(port: Int, secretAccessKey: String? = nil) -> [String: String] {
        [
            "AWS_ACCESS_KEY_ID": info.role.accessKeyId,
            "AWS_SECRET_ACCESS_KEY": secretAccessKey ?? info.role.secretAccessKey,
            "AWS_SESSION_TOKEN": info.role.sessionToken,
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:\(port)",
            "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:\(port)",
            "EMAIL_FROM": "Sign-in <\(info.sender)>",
            "HASH_KEY": "moto harness hash key 0001",
            // The SMS pumping guard counts every test's sends to a calling code in the one table, and none are
            // answered: left on, it would close +1 part-way through the run. Its own tests set it as they need.
            "SMS_CONVERSION_MIN_PERCENT": "0", "MAX_SMS_PER_PREFIX_PER_HOUR": "10000", "MAX_SMS_PER_CALLING_CODE_PER_HOUR": "10000000",
        ]
    }

    /// The environment for sending straight to moto.
    package var motoEnv: [String: String] { env(port: info.motoPort) }
    /// The environment for sending to moto over HTTPS, trusting the harness's certificate.
    package var tlsEnv: [String: String] {
        env(port: info.tlsPort).merging([
            "AWS_ENDPOINT_URL": "https://127.0.0.1:\(info.tlsPort)", "AWS_ENDPOINT_URL_DYNAMODB": "https://127.0.0.1:\(info.tlsPort)",
            "SSL_CERT_FILE": info.certificateFile,
        ]) { $1 }
    }

    /// The environment for sending through the fault proxy.
    package var proxyEnv: [String: String] { env(port: info.proxyPort) }

    fileprivate func call(_ method: String, port: Int, path: String, body: String = "") throws -> HTTPResponse {
        let request = HTTPRequest(method: method, url: "http://127.0.0.1:\(port)\(path)", headers: [], body: Array(body.utf8))
        do {
            return try http.send(request, connectTimeoutMs: 2_000, timeoutMs: 10_000)
        } catch {
            throw HarnessFailure(message: "harness call \(path) failed: \(error)")
        }
    }

    /// Sets what the proxy does with the next requests, e.g. ["throttle", "forward"]; resets its counter.
    package func proxyScript(_ steps: String...) throws {
        _ = try call("POST", port: info.proxyPort, path: "/__script", body: steps.joined(separator: ","))
    }

    /// Makes the proxy answer `rate` (0–1) of the DynamoDB writes through it with a conflict, as DynamoDB does when
    /// a write meets a concurrent transaction on the same item; which ones comes from a generator seeded with
    /// `seed`. Resets the tallies.
    package func dynamoConflicts(rate: Double, seed: Int = 1) throws {
        _ = try call("POST", port: info.proxyPort, path: "/__dynamodb_conflicts", body: "\(rate),\(seed)")
    }

    /// DynamoDB writes through the proxy, and how many of them it answered with a conflict, since the rate was set.
    package func dynamoTally() throws -> (writes: Int, conflicts: Int) {
        let response = try call("GET", port: info.proxyPort, path: "/__dynamodb_tally")
        let parts = String(decoding: response.body, as: UTF8.self).split(separator: ",").compactMap { Int($0) }
        guard parts.count == 2 else { throw HarnessFailure(message: "harness tally: \(response.status)") }
        return (parts[0], parts[1])
    }

    /// Requests the proxy has seen since the last script was set.
    package func proxyRequestCount() throws -> Int {
        let response = try call("GET", port: info.proxyPort, path: "/__count")
        return Int(String(decoding: response.body, as: UTF8.self)) ?? -1
    }

    /// moto's record of the SMS and email it received (through the harness, which leaves out the rest of moto's data).
    package func modelData() throws -> MotoData {
        let response = try call("GET", port: info.proxyPort, path: "/__sent")
        guard response.status == 200 else {
            throw HarnessFailure(message: "harness call /__sent failed: HTTP \(response.status)")
        }
        return try JSONDecoder().decode(MotoData.self, from: Data(response.body))
    }

    /// Every item in a DynamoDB table (the rate-limit table unless named), scanned by the harness with its own
    /// credentials, so the role under test needs no read permission.
    package func dynamoItems(table: String? = nil) throws -> [DynamoItem] {
        let response = try call("GET", port: info.proxyPort, path: "/__dynamodb_items?table=\(table ?? info.rateLimitTable)")
        guard response.status == 200 else {
            throw HarnessFailure(message: "harness scan failed: HTTP \(response.status) \(String(decoding: response.body, as: UTF8.self))")
        }
        return try JSONDecoder().decode([[String: String]].self, from: Data(response.body)).map(DynamoItem.init)
    }
}

extension MotoHarness {
    /// A user pool's user as the harness reads it with its own credentials (`AdminGetUser`).
    package struct PoolUser: Decodable, Sendable {
        package var username: String
        package var attributes: [String: String]
    }

    /// Creates a user with `attributes` in `pool` (the granted pool unless named), or, with `attributes` nil, reads one.
    package func poolUser(_ username: String, attributes: [String: String]? = nil, pool: String? = nil) throws -> PoolUser {
        var request: [String: Any] = ["pool": pool ?? info.userPool, "username": username]
        if let attributes { request["attributes"] = attributes }
        let body = String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self)
        let response = try call("POST", port: info.proxyPort, path: "/__cognito_user", body: body)
        guard response.status == 200 else {
            let text = String(decoding: response.body, as: UTF8.self)
            throw HarnessFailure(message: "harness pool user failed: HTTP \(response.status) \(text)")
        }
        return try JSONDecoder().decode(PoolUser.self, from: Data(response.body))
    }
}

/// One DynamoDB item as the harness reads it: each string or number attribute as its text.
package struct DynamoItem: Sendable, Equatable {
    package var attributes: [String: String]

    package init(_ attributes: [String: String]) { self.attributes = attributes }

    /// The partition key, `pk`.
    package var pk: String { attributes["pk", default: ""] }

    /// A number attribute, such as the count `n` or `expiresAt`.
    package func number(_ name: String) -> Int64? { attributes[name].flatMap { Int64($0) } }
}

/// The harness could not start or answer.
package struct HarnessFailure: Error, CustomStringConvertible {
    package var message: String
    package var description: String { message }
    /// Creates a failure.
    package init(message: String) { self.message = message }
}

/// The parts of moto's /moto-api/data.json the tests read.
package struct MotoData: Decodable, Sendable {
    package struct SNS: Decodable, Sendable {
        package struct SMS: Decodable, Sendable {
            package var message: String
            package var message_id: String
            package var phone_number: String
        }

        package var SMS: [SMS]
    }

    package struct SES: Decodable, Sendable {
        package struct Message: Decodable, Sendable {
            package struct Destinations: Decodable, Sendable { package var ToAddresses: [String] }
            package var id: String
            package var body: String
            package var subject: String
            package var source: String
            package var destinations: Destinations
        }

        package var Message: [Message]
    }

    package var sns: SNS
    package var ses: SES
}

#if canImport(Testing)
/// Starts the harness before the suite and stops it after, handing it to the tests as a task-local.
package struct MotoHarnessTrait: SuiteTrait, TestScoping {
    /// Runs the suite inside a harness.
    package func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard MotoHarness.enabled else { return try await function() }
        let harness = try MotoHarness.start()
        defer { harness.stop() }
        try await MotoHarness.$current.withValue(harness) { try await function() }
    }
}

extension Trait where Self == MotoHarnessTrait {
    /// Runs the suite with a moto server and fault proxy on 127.0.0.1.
    package static var motoHarness: Self { MotoHarnessTrait() }
}
#endif

extension SNSClient {
    /// A client over libcurl with the system clock, built from these variables as create builds it.
    package static func live(_ environment: [String: String]) throws(SettingsError) -> SNSClient {
        try AWSClientFactory(SettingsReader(environment), transport: CurlTransport()).sns()
    }
}

extension SESClient {
    /// A client over libcurl with the system clock, built from these variables as create builds it.
    package static func live(_ environment: [String: String]) throws(SettingsError) -> SESClient {
        try AWSClientFactory(SettingsReader(environment), transport: CurlTransport()).ses()
    }
}

extension CognitoIdentityProviderClient {
    /// A client over libcurl with the system clock, built from these variables as verify builds it.
    package static func live(_ environment: [String: String]) throws(SettingsError) -> CognitoIdentityProviderClient {
        try AWSClientFactory(SettingsReader(environment), transport: CurlTransport()).cognitoIdentityProvider()
    }
}

extension DynamoDBClient {
    /// A client over libcurl with the system clock, built from these variables as create builds it.
    package static func live(_ environment: [String: String]) throws(SettingsError) -> DynamoDBClient {
        try AWSClientFactory(SettingsReader(environment), transport: CurlTransport()).dynamoDB()
    }
}
