import Foundation
import Testing

@testable import CognitoEndpoint
@testable import HTTP1

/// Kept apart from the other suites so it runs beside them (it waits out the endpoint's 10 s timeouts).
@Suite("passwordless-endpoint: idle and read timeouts")
struct EndpointTimeoutTests {
    @Test("an idle kept-alive connection is closed and a slow loris cut off after 10 s; sign-ins meanwhile and after (boto3)")
    func timeouts() throws { try EndpointClientTests.run("timeouts") }

    @Test("the Cognito server's limits: 1 MB bodies, 10 s idle, 10 s for a whole request")
    func limits() {
        let limits = HTTPServer.cognitoLimits
        #expect(limits.maxBody == 1 << 20 && limits.idleTimeoutMs == 10_000 && limits.readTimeoutMs == 10_000)
    }
}

@Suite("passwordless-endpoint: whose state directory")
struct EndpointStateOwnerTests {
    /// Starts the endpoint on `state`; its exit status and what it wrote to standard error, once it has exited.
    private func start(_ state: String) throws -> (Int32, String) {
        let endpoint = Process()
        endpoint.executableURL = EndpointClientTests.products.appendingPathComponent("passwordless-endpoint")
        endpoint.arguments = ["--port", "0", "--state", state]
        let errors = Pipe()
        endpoint.standardError = errors
        endpoint.standardOutput = FileHandle.nullDevice
        try endpoint.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        endpoint.waitUntilExit()
        return (endpoint.terminationStatus, text)
    }

    @Test("a link to a private directory, and a directory of another user's, are refused at start and left untouched")
    func refused() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("owner-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(
            atPath: base + "/private", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: base) }
        try FileManager.default.createSymbolicLink(atPath: base + "/link", withDestinationPath: base + "/private")
        let (linkStatus, linkText) = try start(base + "/link")
        #expect(linkStatus == 1 && linkText.contains("must be a directory of your own"), "\(linkText)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: base + "/private").isEmpty)

        // Another user's 0700 directory: as root (CI), one given to nobody; otherwise root's own home.
        let foreign: String
        if geteuid() == 0 {
            foreign = base + "/nobodys"
            try FileManager.default.createDirectory(
                atPath: foreign, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try #require(chown(foreign, 65534, 65534) == 0)
        } else {
            foreign = "/root"
        }
        let (foreignStatus, foreignText) = try start(foreign)
        #expect(foreignStatus == 1 && foreignText.contains("must be a directory of your own"), "\(foreignText)")
        if geteuid() == 0 { #expect(try FileManager.default.contentsOfDirectory(atPath: foreign).isEmpty) }
    }

    @Test("a new state directory is made 0700 and every file in it 0600")
    func modes() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("modes-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        let state = base + "/state"
        let endpoint = Process()
        endpoint.executableURL = EndpointClientTests.products.appendingPathComponent("passwordless-endpoint")
        endpoint.arguments = ["--port", "0", "--state", state]
        let output = Pipe()
        endpoint.standardOutput = output
        endpoint.standardError = FileHandle.nullDevice
        try endpoint.run()
        // The first line is printed once the state is made and the server listens.
        _ = try output.fileHandleForReading.read(upToCount: 1)
        endpoint.terminate()
        endpoint.waitUntilExit()
        let directory = try FileManager.default.attributesOfItem(atPath: state)
        #expect((directory[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        let files = try FileManager.default.contentsOfDirectory(atPath: state)
        #expect(files.contains("signing-key.pem") && files.contains("hash-key"), "\(files)")
        for file in files {
            let attributes = try FileManager.default.attributesOfItem(atPath: state + "/" + file)
            #expect(attributes[.type] as? FileAttributeType == .typeRegular, "\(file)")
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "\(file)")
        }
    }
}
