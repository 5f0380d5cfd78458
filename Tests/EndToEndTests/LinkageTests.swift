import Foundation
import Testing

@testable import TestSupport

/// Which shared libraries each built executable loads: only create and verify (which marks destinations verified)
/// may bring libcurl and OpenSSL, and no trigger brings Foundation, as a library or linked in.
@Suite("Linked libraries")
struct LinkageTests {
    /// What a binutils tool prints about a file.
    static func output(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(tool) failed on \(arguments.last ?? "")")
        return text
    }

    /// The `NEEDED` entries of an ELF file, as `readelf -d` lists them.
    static func needed(_ name: String) throws -> [String] {
        try needed(at: try ExecutableTests.executable(name))
    }

    static func needed(at url: URL) throws -> [String] {
        try output("readelf", ["-d", url.path]).split(separator: "\n").filter { $0.contains("(NEEDED)") }.compactMap { line in
            line.firstRange(of: "[").map { String(line[$0.upperBound...].prefix { $0 != "]" }) }
        }
    }

    /// The symbols of an ELF file, static and dynamic, defined or not, that name Foundation: Swift's mangled
    /// names spell the module (`10Foundation`, `20FoundationEssentials`), so a copy linked in statically, which
    /// leaves no `NEEDED` line, shows here too.
    static func foundationSymbols(at url: URL) throws -> [String] {
        let all = try output("nm", ["--no-sort", url.path]) + (try output("nm", ["--no-sort", "-D", url.path]))
        return all.split(separator: "\n").filter { $0.contains("Foundation") }.map(String.init)
    }

    /// The test bundle, which imports Foundation: the control that shows the checks can see it.
    static func testBundle() throws -> URL {
        let directory = ExecutableTests.productsDirectory
        let name = try #require(
            try FileManager.default.contentsOfDirectory(atPath: directory.path).first { $0.hasSuffix(".xctest") })
        let url = directory.appendingPathComponent(name)
        var isDirectory: ObjCBool = false
        // On Linux the bundle is the ELF file itself.
        try #require(FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue)
        return url
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

    @Test(
        "no trigger loads or contains Foundation or FoundationEssentials",
        arguments: ["define-auth-challenge", "create-auth-challenge", "verify-auth-challenge", "pre-sign-up"])
    func withoutFoundation(name: String) throws {
        let url = try ExecutableTests.executable(name)
        let libraries = try Self.needed(at: url)
        #expect(!libraries.isEmpty)
        #expect(!libraries.contains { $0.contains("Foundation") }, "\(libraries)")
        let symbols = try Self.foundationSymbols(at: url)
        #expect(symbols.isEmpty, "\(symbols.prefix(5))")
        // The code is there to look at: the symbol table is not stripped.
        #expect(try Self.output("nm", ["--no-sort", url.path]).contains("main"))
    }

    /// The symbols of an ELF file, static and dynamic, that call the standard library's string processing
    /// (`_StringProcessing`, which brings the Regex engine: 1.3 MB) or Swift Concurrency's runtime (`swift_task_`,
    /// which brings Dispatch: 0.7 MB); either would be linked into a trigger's static build.
    static func heavyRuntimeSymbols(at url: URL) throws -> [String] {
        let all = try output("nm", ["--no-sort", url.path]) + (try output("nm", ["--no-sort", "-D", url.path]))
        return all.split(separator: "\n").filter { $0.contains("17_StringProcessing") || $0.contains("swift_task_") }
            .map(String.init)
    }

    @Test(
        "no trigger calls string processing (Regex) or Swift Concurrency",
        arguments: ["define-auth-challenge", "create-auth-challenge", "verify-auth-challenge", "pre-sign-up"])
    func withoutStringProcessingOrConcurrency(name: String) throws {
        let symbols = try Self.heavyRuntimeSymbols(at: try ExecutableTests.executable(name))
        #expect(symbols.isEmpty, "\(symbols.prefix(5))")
    }

    @Test("the test bundle, which imports Foundation, shows it in both checks, so they can tell")
    func foundationControl() throws {
        let url = try Self.testBundle()
        #expect(try Self.needed(at: url).contains { $0.contains("Foundation") })
        #expect(try Self.foundationSymbols(at: url).contains { $0.contains("10Foundation") })
    }

    @Test("the test bundle, which uses string processing and Swift Concurrency, shows both, so the check can tell")
    func heavyRuntimeControl() throws {
        let symbols = try Self.heavyRuntimeSymbols(at: try Self.testBundle())
        #expect(symbols.contains { $0.contains("17_StringProcessing") })
        #expect(symbols.contains { $0.contains("swift_task_") })
    }
}
