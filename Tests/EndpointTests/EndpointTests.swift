import Foundation
import Testing

@testable import CognitoEndpoint

/// The endpoint as an app developer runs it: the built `passwordless-endpoint` in front of the built trigger
/// executables, driven by boto3, the AWS CLI and PyJWT from the test venv (Tests/EndpointTests/client_test.py).
@Suite("passwordless-endpoint with boto3, the AWS CLI and PyJWT", .serialized)
struct EndpointClientTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let products: URL = {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" && !url.lastPathComponent.hasSuffix(".xctest") { url.deleteLastPathComponent() }
        if url.path == "/" { url = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath() }
        return url.deletingLastPathComponent()
    }()
    static let python = root.appendingPathComponent(".build/venv/bin/python3").path

    @Test("sign-ins, wrong codes, lockout, resend and its limit, unknown users, errors, 50 at once, the admin calls, sign-up, a restart")
    func clients() throws { try Self.run("main") }

    @Test("a create that errors and one past 5 s, and no pre-sign-up, from --functions DIR")
    func failingFunctions() throws { try Self.run("functions") }

    @Test("--username-attributes none: sign-in and sign-up by user name, and a choice of channel")
    func userNames() throws { try Self.run("usernames") }

    /// Runs one scenario of client_test.py against the built endpoint; it must pass every check.
    static func run(_ scenario: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: python), "run scripts/setup-tools first (.build/venv)")
        let signUp = FileManager.default.isExecutableFile(atPath: products.appendingPathComponent("pre-sign-up").path)
        let client = Process()
        client.executableURL = URL(fileURLWithPath: python)
        client.arguments =
            [
                root.appendingPathComponent("Tests/EndpointTests/client_test.py").path, "--endpoint-bin",
                products.appendingPathComponent("passwordless-endpoint").path, "--scenario", scenario,
            ] + (signUp ? ["--sign-up"] : [])
        let output = Pipe()
        client.standardOutput = output
        client.standardError = output
        try client.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        client.waitUntilExit()
        #expect(client.terminationStatus == 0, "\(text)")
        #expect(text.contains("checks passed"), "\(text)")
    }
}

/// Kept apart from the suite above so it runs beside the other tests.
@Suite("passwordless-endpoint: out of descriptors")
struct EndpointDescriptorTests {
    @Test("idle connections use up its 64 descriptors; once they close it accepts and serves again (boto3)")
    func descriptors() throws { try EndpointClientTests.run("descriptors") }
}

@Suite("passwordless-endpoint: SMS pumping through self sign-up, the limits in moto's DynamoDB")
struct EndpointPumpingTests {
    @Test("60 new numbers ask for 180 codes and get at most 30 SMS, 300 more after them; real users sign in (boto3)")
    func pumping() throws { try EndpointClientTests.run("pumping") }
}

/// Kept apart from the suite above so it runs beside the other tests.
@Suite("passwordless-endpoint: the pool template.yaml declares")
struct EndpointTemplateTests {
    @Test(
        "--template template.yaml --parameter AllowSelfSignUp=true ...: email sign-up and sign-in (boto3); the defaults refuse SignUp; bad parameters refused at start"
    )
    func template() throws { try EndpointClientTests.run("template") }
}

/// Kept apart from the suite above so it runs beside the other tests.
@Suite("passwordless-endpoint: after sign-in")
struct EndpointAfterSignInTests {
    @Test("refresh, GetUser, GlobalSignOut and what it refuses, RevokeToken, AdminUserGlobalSignOut, USERNAME required (boto3, AWS CLI)")
    func afterSignIn() throws { try EndpointClientTests.run("after-sign-in") }
}

/// Kept apart from the suite above so it runs beside the other tests.
@Suite("passwordless-endpoint: Cognito's answers")
struct EndpointAnswersTests {
    @Test(
        "input checks before any trigger, SignUp's refusals, FORCE_CHANGE_PASSWORD and NEW_PASSWORD_REQUIRED, the new operations (boto3, AWS CLI)"
    )
    func answers() throws { try EndpointClientTests.run("answers") }
}

/// Kept apart from the suite above so it runs beside the other tests.
@Suite("passwordless-endpoint: Cognito Essentials' own passwordless sign-in")
struct EndpointEssentialsTests {
    @Test(
        "a seed article's boto3 calls unchanged, a wrong code, SELECT_CHALLENGE and SMS_OTP (AWS CLI), the refusals, the template form"
    )
    func essentials() throws { try EndpointClientTests.run("essentials") }
}

/// Kept apart from the suite above so it runs beside the other tests.
@Suite("passwordless-endpoint: session tokens expire")
struct EndpointSessionExpiryTests {
    @Test("a session token lasts 3 minutes from its own issue, and works once (boto3; the endpoint's --test-clock moves time)")
    func expiry() throws { try EndpointClientTests.run("expiry") }
}

/// Two more AWS SDK families, as Debian 12 packages them (scripts/setup-tools installs them): the AWS SDKs for Go v1
/// and v2, separate code bases with separate JSON protocol implementations. Each program in Tests/EndpointTests/sdk-go-*
/// runs a whole journey through the SDK's typed Cognito client against an endpoint started here, and checks that
/// every answer parses into the SDK's output type and every refusal into its typed error.
@Suite("passwordless-endpoint with the AWS SDKs for Go v1 and v2")
struct EndpointGoSDKTests {
    /// Debian's Go source tree, where golang-github-aws-aws-sdk-go-dev and -v2-dev put the SDKs.
    static let gopath = "/usr/share/gocode"
    /// The programs and Go's build cache, so a second run only links.
    static let buildDirectory = EndpointClientTests.root.appendingPathComponent(".build/sdk-go")

    @Test(
        "AWS SDK for Go v1: AdminCreateUser, CUSTOM_AUTH with a wrong and the right code, GetUser, refresh, GlobalSignOut and its refusals, RevokeToken, NEW_PASSWORD_REQUIRED, AdminGetUser, ListUsers, SignUp and other refusals"
    )
    func goV1() throws { try Self.run("sdk-go-v1", sdk: "github.com/aws/aws-sdk-go/service/cognitoidentityprovider") }

    @Test(
        "AWS SDK for Go v2: AdminCreateUser, CUSTOM_AUTH with a wrong and the right code, GetUser, refresh, GlobalSignOut and its refusals, RevokeToken, NEW_PASSWORD_REQUIRED, AdminGetUser, ListUsers, SignUp and other refusals"
    )
    func goV2() throws { try Self.run("sdk-go-v2", sdk: "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider") }

    /// Builds the program from Debian's source tree (GOPATH mode, no network), starts an endpoint as client_test.py
    /// does (port 0, a temporary state directory and outbox, no template), and runs the program against it.
    static func run(_ program: String, sdk: String) throws {
        let go = try #require(
            ((ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/go" } + ["/usr/bin/go"])
                .first { FileManager.default.isExecutableFile(atPath: $0) }, "no go: run scripts/setup-tools first (golang-go)")
        try #require(FileManager.default.fileExists(atPath: "\(gopath)/src/\(sdk)"), "no \(sdk): run scripts/setup-tools first")
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("\(program)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        let binary = buildDirectory.appendingPathComponent(program).path
        let (built, buildOutput) = try Self.runToEnd(
            go, ["build", "-o", binary, "./Tests/EndpointTests/\(program)"], in: EndpointClientTests.root,
            env: [
                "PATH": "/usr/bin:/bin", "HOME": work.path, "GO111MODULE": "off", "GOPATH": gopath, "GOPROXY": "off",
                "GOENV": "off", "GOTOOLCHAIN": "local", "GOCACHE": buildDirectory.appendingPathComponent("cache").path,
            ])
        try #require(built == 0, "go build \(program): \(buildOutput)")

        let endpoint = Process()
        endpoint.executableURL = EndpointClientTests.products.appendingPathComponent("passwordless-endpoint")
        let outbox = work.appendingPathComponent("outbox.jsonl").path
        endpoint.arguments = ["--port", "0", "--state", work.appendingPathComponent("state").path, "--outbox", outbox, "--no-template"]
        endpoint.environment = ["PATH": "/usr/bin:/bin", "OTP_DELIVERY": "console", "HOME": work.path]
        let log = work.appendingPathComponent("endpoint.log")
        try Data().write(to: log)
        endpoint.standardError = try FileHandle(forWritingTo: log)
        let started = Pipe()
        endpoint.standardOutput = started
        try endpoint.run()
        defer {
            endpoint.terminate()
            endpoint.waitUntilExit()
        }
        var line: [UInt8] = []
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = started.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let url = try #require(
            String(decoding: line, as: UTF8.self).split(separator: " ").first { $0.hasPrefix("http://127.0.0.1:") },
            "the endpoint printed \(String(decoding: line, as: UTF8.self))")

        let (status, text) = try Self.runToEnd(
            binary, ["-endpoint", String(url), "-outbox", outbox], in: work, env: ["PATH": "/usr/bin:/bin", "HOME": work.path])
        let endpointLog = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(status == 0, "\(text)\nthe endpoint's log:\n\(endpointLog.suffix(4000))")
        #expect(text.contains("checks passed"), "\(text)")
    }

    /// Runs a command to its end: its exit status, and its standard output and error together.
    static func runToEnd(_ executable: String, _ arguments: [String], in directory: URL, env: [String: String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}

@Suite("passwordless-endpoint: its state directory")
struct EndpointStateTests {
    @Test("a state directory others can read or write is refused at start, naming it, and nothing is made in it")
    func openStateDirectory() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("open-state-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: state) }
        let endpoint = Process()
        endpoint.executableURL = EndpointClientTests.products.appendingPathComponent("passwordless-endpoint")
        endpoint.arguments = ["--port", "0", "--state", state, "--no-template"]
        let errors = Pipe()
        endpoint.standardError = errors
        endpoint.standardOutput = FileHandle.nullDevice
        try endpoint.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        endpoint.waitUntilExit()
        #expect(endpoint.terminationStatus == 1)
        #expect(text.contains("the state directory \(state) must be a directory of your own"), "\(text)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: state).isEmpty)
    }
}

@Suite("passwordless-endpoint: the Host names it answers")
struct EndpointHostTests {
    @Test("on loopback, its own address and the loopback names with its port; listening wider, any")
    func allowedHosts() {
        let allowed = EndpointCommand.allowedHosts("127.0.0.1", port: 9229)
        #expect(allowed == ["127.0.0.1:9229", "localhost:9229", "[::1]:9229"])
        #expect(EndpointCommand.allowedHosts("127.0.0.2", port: 80)?.contains("127.0.0.2:80") == true)
        #expect(EndpointCommand.allowedHosts("0.0.0.0", port: 9229) == nil)
    }
}

@Suite("Tokens: RS256 under the kept key")
struct TokenSignerTests {
    @Test("a token verifies, a changed one does not, and the key survives a reload")
    func signAndVerify() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let signer = try TokenSigner(keyPath: path)
        let token = signer.sign(["sub": "abc", "token_use": "id"])
        #expect(signer.verify(token)?["sub"]?.string == "abc")
        var tampered = Array(token.utf8)
        let middle = tampered.firstIndex(of: UInt8(ascii: "."))! + 3
        tampered[middle] = tampered[middle] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(signer.verify(String(decoding: tampered, as: UTF8.self)) == nil)
        let reloaded = try TokenSigner(keyPath: path)
        #expect(reloaded.keyID == signer.keyID && reloaded.verify(token) != nil)
        #expect(signer.modulus.count == 256 && signer.exponent == [1, 0, 1])
    }

    @Test("the key file is made with mode 0600 from the start, and a symbolic link at its path is replaced, not followed")
    func keyFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("elsewhere").path
        try Data("not a key".utf8).write(to: URL(fileURLWithPath: target))
        let path = directory.appendingPathComponent("signing-key.pem").path
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        let signer = try TokenSigner(keyPath: path)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "not a key", "the link's target is untouched")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(!FileManager.default.fileExists(atPath: path + ".new"))
        #expect(try TokenSigner(keyPath: path).keyID == signer.keyID, "read back")
    }

    @Test("base64url round trips every length", arguments: 0..<40)
    func base64URL(length: Int) {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let text = Base64URL.encode(bytes)
        #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
        #expect(Base64URL.decode(text) == bytes)
    }
}
