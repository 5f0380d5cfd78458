import Foundation
import Testing

@testable import TestSupport

/// Which shared libraries each built executable loads: only create and verify (which marks destinations verified)
/// may bring libcurl and OpenSSL.
@Suite("Linked libraries")
struct LinkageTests {
    /// The `NEEDED` entries of an ELF file, as `readelf -d` lists them.
    static func needed(_ name: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["readelf", "-d", try ExecutableTests.executable(name).path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "readelf failed on \(name)")
        return text.split(separator: "\n").filter { $0.contains("(NEEDED)") }.compactMap { line in
            line.firstRange(of: "[").map { String(line[$0.upperBound...].prefix { $0 != "]" }) }
        }
    }

    @Test(
        "define, pre-sign-up and passwordless-local need neither libcurl nor libcrypto",
        arguments: ["define-auth-challenge", "pre-sign-up", "passwordless-local"])
    func withoutCurlOrCrypto(name: String) throws {
        let libraries = try Self.needed(name)
        #expect(!libraries.isEmpty)
        #expect(!libraries.contains { $0.hasPrefix("libcurl") || $0.hasPrefix("libcrypto") || $0.hasPrefix("libssl") }, "\(libraries)")
    }

    @Test(
        "create and verify need libcurl and libcrypto, so the check above can tell",
        arguments: ["create-auth-challenge", "verify-auth-challenge"])
    func createHasThem(name: String) throws {
        let libraries = try Self.needed(name)
        #expect(libraries.contains { $0.hasPrefix("libcurl") }, "\(libraries)")
        #expect(libraries.contains { $0.hasPrefix("libcrypto") }, "\(libraries)")
    }
}
