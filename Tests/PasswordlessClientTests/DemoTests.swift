import Foundation
import TestSupport
import Testing

/// `passwordless-demo`, the example command-line app, run as a user runs it against the built endpoint.
@Suite("passwordless-demo against passwordless-endpoint")
struct DemoTests {
    /// The demo with `arguments` after its endpoint and token options; standard input is a pipe the test writes to.
    /// What blocks (reading its output, waiting for its exit) runs off the test's thread.
    final class Demo: @unchecked Sendable {
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        /// Its output so far; read only between the awaits of one test.
        var text = ""

        init(_ endpoint: LocalEndpoint, _ arguments: [String]) throws {
            process.executableURL = LocalEndpoint.products.appendingPathComponent("passwordless-demo")
            process.arguments = ["--endpoint", endpoint.url.absoluteString, "--tokens", endpoint.work + "/demo/tokens.json"] + arguments
            process.standardInput = input
            process.standardOutput = output
            process.standardError = output
            try process.run()
        }

        /// Reads until the output so far contains `marker` `times` times, or ends; true when it does.
        func read(until marker: String, times: Int = 1) async throws -> Bool {
            try await offThePool {
                while self.text.components(separatedBy: marker).count - 1 < times {
                    let chunk = self.output.fileHandleForReading.availableData
                    if chunk.isEmpty { return false }
                    self.text += String(decoding: chunk, as: UTF8.self)
                }
                return true
            }
        }

        func type(_ line: String) { input.fileHandleForWriting.write(Data((line + "\n").utf8)) }

        /// Waits for the end; the exit status.
        func finish() async throws -> Int32 {
            try? input.fileHandleForWriting.close()
            _ = try await read(until: "\u{0}never")
            return try await offThePool {
                self.process.waitUntilExit()
                return self.process.terminationStatus
            }
        }
    }

    @Test("sign-up, then sign-in with codes from the outbox; tokens; sign-out; then no tokens")
    func outbox() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let signUp = try Demo(endpoint, ["--outbox", endpoint.outbox, "sign-up", "demo@example.com"])
        #expect(try await signUp.finish() == 0, "\(signUp.text)")
        #expect(signUp.text.contains("Signed up. Now sign in.") && signUp.text.contains("Signed in."), "\(signUp.text)")
        #expect(signUp.text.contains("A code was sent by email to ***@*** (6 digits); 3 attempts left; resend."), "\(signUp.text)")
        let tokens = try Demo(endpoint, ["tokens", "--refresh"])
        #expect(try await tokens.finish() == 0 && tokens.text.contains("Signed in; the tokens expire at"), "\(tokens.text)")
        let out = try Demo(endpoint, ["sign-out", "--everywhere"])
        #expect(try await out.finish() == 0 && out.text.contains("Signed out."), "\(out.text)")
        let none = try Demo(endpoint, ["tokens"])
        #expect(try await none.finish() == 1 && none.text.contains("notSignedIn"), "\(none.text)")
    }

    @Test("at the terminal: a wrong code, `resend`, then the new code")
    func terminal() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let phone = "+15555550130"
        try await endpoint.makeAccount(phone, ["phone_number_verified": "true"])
        let demo = try Demo(endpoint, ["sign-in", phone])
        #expect(try await demo.read(until: "Code:"), "\(demo.text)")
        let first = try #require(endpoint.code(to: phone))
        demo.type(wrong(first))
        #expect(try await demo.read(until: "Code:", times: 2), "\(demo.text)")
        #expect(demo.text.contains("That code is wrong.\nA code was sent by sms to +********** (6 digits); 2 attempts left; resend."))
        #expect(endpoint.count(to: phone) == 1)
        demo.type("resend")
        #expect(try await demo.read(until: "Code:", times: 3), "\(demo.text)")
        #expect(endpoint.count(to: phone) == 2)
        demo.type(try #require(endpoint.code(to: phone)))
        #expect(try await demo.finish() == 0, "\(demo.text)")
        #expect(demo.text.hasSuffix("Signed in.\n"), "\(demo.text)")
        #expect(endpoint.count(to: phone) == 2)
    }

    @Test("a bad option: the usage on standard error and exit status 2")
    func usage() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let demo = try Demo(endpoint, ["--flow", "sideways", "sign-in", "+15555550131"])
        #expect(try await demo.finish() == 2 && demo.text.contains("--flow is custom, user or discover") && demo.text.contains("usage:"))
    }
}
