// bench/client-cpu's Swift side: whole sign-ins through PasswordlessClient against passwordless-endpoint, and the CPU
// this process spent on them, from the scheduler's own count (/proc/self/task/*/schedstat, every thread: URLSession's
// too). Prints one JSON object.
//
//     passwordless-client-bench --endpoint URL --outbox FILE --first NUMBER --warm-up W --sign-ins N
//
// Signs in W + N accounts, +NUMBER, +NUMBER+1, …, each made beforehand with a verified phone number; the first W are
// not measured. Each sign-in: signIn, the code read from the outbox, answer. The tokens go to a store in memory, so
// the figure is the library's, not a disk's.

import Foundation
import PasswordlessClient

/// Tokens in memory.
final class MemoryStore: TokenStore, @unchecked Sendable {
    private let lock = NSLock()
    private var tokens: Tokens?

    func load() throws -> Tokens? { lock.withLock { tokens } }
    func save(_ tokens: Tokens) throws { lock.withLock { self.tokens = tokens } }
    func remove() throws { lock.withLock { tokens = nil } }
}

/// Nanoseconds on CPU of every thread of this process so far.
func cpuNanoseconds() -> UInt64 {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
    return tasks.reduce(0) { total, task in
        let text = (try? String(contentsOfFile: "/proc/self/task/\(task)/schedstat", encoding: .utf8)) ?? ""
        return total + (text.split(separator: " ").first.flatMap { UInt64($0) } ?? 0)
    }
}

/// The codes the endpoint wrote to its outbox, read as they come.
final class Outbox {
    let path: String
    var offset: UInt64 = 0
    var codes: [String: String] = [:]

    init(path: String) { self.path = path }

    func code(for destination: String) throws -> String {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: offset)
        let data = handle.readDataToEndOfFile()
        offset += UInt64(data.count)
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let object = try JSONSerialization.jsonObject(with: line) as? [String: Any],
                let to = object["destination"] as? String, let message = object["message"] as? String
            else { continue }
            codes[to] = message.split(whereSeparator: { !$0.isNumber }).first(where: { $0.count == 6 }).map(String.init)
        }
        guard let code = codes[destination] else { throw BenchError("no code for \(destination)") }
        return code
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func option(_ name: String) throws -> String {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { throw BenchError("\(name) is needed") }
    return arguments[index + 1]
}

func main() async throws {
    guard let endpoint = URL(string: try option("--endpoint")), let first = Int(try option("--first")),
        let warmUp = Int(try option("--warm-up")), let signIns = Int(try option("--sign-ins"))
    else { throw BenchError("usage: --endpoint URL --outbox FILE --first NUMBER --warm-up W --sign-ins N") }
    let outbox = Outbox(path: try option("--outbox"))
    let client = PasswordlessClient(
        configuration: PasswordlessConfiguration(endpoint: endpoint, clientID: "passwordlesslocalclient", flow: .customAuth),
        tokenStore: MemoryStore())
    func signIn(_ index: Int) async throws {
        let user = "+\(first + index)"
        guard case .enterCode = try await client.signIn(user) else { throw BenchError("\(user): no code asked for") }
        guard try await client.answer(try outbox.code(for: user)) == .signedIn else { throw BenchError("\(user): not signed in") }
    }
    try await signIn(0)
    // The process's whole CPU through its first sign-in: start-up, Foundation, URLSession's first connection.
    let cold = cpuNanoseconds()
    for index in 1..<max(1, warmUp) { try await signIn(index) }
    let before = cpuNanoseconds()
    let began = Date()
    for index in 0..<signIns { try await signIn(max(1, warmUp) + index) }
    let wall = Date().timeIntervalSince(began)
    let spent = cpuNanoseconds() - before
    let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0
    let result: [String: Any] = [
        "sign_ins": signIns, "cpu_us_per_sign_in": Double(spent) / Double(signIns) / 1e3,
        "wall_ms_per_sign_in": wall / Double(signIns) * 1e3, "cold_cpu_ms": Double(cold) / 1e6, "threads": threads,
    ]
    print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
}

do {
    try await main()
} catch {
    FileHandle.standardError.write(Data("passwordless-client-bench: \(error)\n".utf8))
    exit(1)
}
