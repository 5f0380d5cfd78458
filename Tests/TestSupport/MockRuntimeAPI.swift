import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A Lambda Runtime API on 127.0.0.1 for tests: a real HTTP/1.1 server on a thread, serving queued events.
///
/// When the queue is empty, `GET /next` waits up to `idleTimeout` for more, then answers 500 so an
/// in-process loop ends. Every POST is recorded.
package final class MockRuntimeAPI: @unchecked Sendable {
    /// An event to serve, with the headers to send alongside.
    package struct Event: Sendable {
        /// The body.
        package var body: [UInt8]
        /// Headers; by default a request id, a deadline, an ARN and a trace id.
        package var headers: [(String, String)]

        /// An event with the usual headers and request id `id`.
        package init(_ body: [UInt8], id: String, deadlineMs: Int64 = Int64(Date().timeIntervalSince1970 * 1000) + 5_000) {
            self.body = body
            headers = [
                ("Lambda-Runtime-Aws-Request-Id", id),
                ("Lambda-Runtime-Deadline-Ms", String(deadlineMs)),
                ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:test"),
                ("Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"),
            ]
        }

        /// An event with exactly these headers.
        package init(_ body: [UInt8], headers: [(String, String)]) {
            self.body = body
            self.headers = headers
        }
    }

    /// A recorded POST.
    package struct Post: Sendable {
        /// The request path.
        package var path: String
        /// Headers, names lower-cased.
        package var headers: [String: String]
        /// The body.
        package var body: [UInt8]

        /// The body as text.
        package var text: String { String(decoding: body, as: UTF8.self) }
        /// The request id in a `/invocation/{id}/...` path.
        package var requestID: String? {
            let parts = path.split(separator: "/")
            return parts.count == 5 && parts[2] == "invocation" ? String(parts[3]) : nil
        }
    }

    /// Whether to close the connection after every exchange without saying so, to exercise reconnects.
    package var dropConnectionAfterEachExchange = false
    /// Whether to send `/next` bodies chunked instead of with Content-Length.
    package var chunkedEvents = false
    /// How long an empty queue waits for more events before answering 500.
    package var idleTimeout: TimeInterval = 0.2

    private let lock = NSCondition()
    private var queue: [Event] = []
    private var posts: [Post] = []
    private var connections = 0
    private let listener: Int32
    /// The port it listens on.
    package let port: UInt16
    private var stopped = false

    /// `host:port`, as `AWS_LAMBDA_RUNTIME_API` takes it.
    package var address: String { "127.0.0.1:\(port)" }

    /// Starts listening on a free port.
    package init(events: [Event] = []) throws {
        queue = events
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else { throw MockError("cannot listen: \(String(cString: strerror(errno)))") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    /// Stops accepting connections.
    package func stop() {
        lock.lock()
        let wasStopped = stopped
        stopped = true
        lock.broadcast()
        lock.unlock()
        if !wasStopped { shutdown(listener, Int32(SHUT_RDWR)); close(listener) }
    }

    /// Adds events to the queue.
    package func enqueue(_ events: [Event]) {
        lock.lock()
        queue += events
        lock.broadcast()
        lock.unlock()
    }

    /// Every POST so far.
    package var recorded: [Post] {
        lock.lock()
        defer { lock.unlock() }
        return posts
    }

    /// Connections accepted so far.
    package var connectionCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return connections
    }

    /// Waits until `count` POSTs have arrived, or `timeout` passes; returns them.
    package func waitForPosts(_ count: Int, timeout: TimeInterval = 10) -> [Post] {
        let end = Date().addingTimeInterval(timeout)
        lock.lock()
        defer { lock.unlock() }
        while posts.count < count, lock.wait(until: end) {}
        return posts
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            lock.lock()
            connections += 1
            lock.unlock()
            serve(client)
            close(client)
        }
    }

    private func serve(_ client: Int32) {
        var buffer: [UInt8] = []
        while let request = readRequest(client, &buffer) {
            let (status, headers, body) = answer(request)
            var head = "HTTP/1.1 \(status) \(status == 200 ? "OK" : "Other")\r\nContent-Type: application/json\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            var payload = body
            if chunkedEvents && request.method == "GET" && status == 200 {
                head += "Transfer-Encoding: chunked\r\n\r\n"
                payload = []
                var offset = 0
                while offset < body.count {
                    let size = min(1000, body.count - offset)
                    payload += Array((String(size, radix: 16) + "\r\n").utf8) + body[offset..<offset + size] + [13, 10]
                    offset += size
                }
                payload += Array("0\r\n\r\n".utf8)
            } else {
                head += "Content-Length: \(body.count)\r\n\r\n"
            }
            let bytes = Array(head.utf8) + payload
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes { send(client, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { return }
                sent += n
            }
            if dropConnectionAfterEachExchange { return }
        }
    }

    private struct Request { var method: String; var path: String; var headers: [String: String]; var body: [UInt8] }

    private func answer(_ request: Request) -> (Int, [(String, String)], [UInt8]) {
        if request.method == "GET" && request.path == "/2018-06-01/runtime/invocation/next" {
            lock.lock()
            let end = Date().addingTimeInterval(idleTimeout)
            while queue.isEmpty && !stopped && lock.wait(until: end) {}
            let event = queue.isEmpty ? nil : queue.removeFirst()
            lock.unlock()
            guard let event else { return (500, [], Array("{\"errorType\":\"NoMoreEvents\"}".utf8)) }
            return (200, event.headers, event.body)
        }
        if request.method == "POST" && request.path.hasPrefix("/2018-06-01/runtime/") {
            lock.lock()
            posts.append(Post(path: request.path, headers: request.headers, body: request.body))
            lock.broadcast()
            lock.unlock()
            return (202, [], Array("{\"status\":\"OK\"}".utf8))
        }
        return (404, [], [])
    }

    private func readRequest(_ client: Int32, _ buffer: inout [UInt8]) -> Request? {
        func fill() -> Bool {
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress!, $0.count, 0) }
            if n <= 0 { return false }
            buffer += chunk[..<n]
            return true
        }
        var headEnd: Int?
        while headEnd == nil {
            if buffer.count >= 4 {
                for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
                    headEnd = i
                    break
                }
            }
            if headEnd == nil && !fill() { return nil }
        }
        let lines = String(decoding: buffer[..<headEnd!], as: UTF8.self).components(separatedBy: "\r\n")
        let first = lines[0].split(separator: " ")
        guard first.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        buffer.removeFirst(headEnd! + 4)
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < length { if !fill() { return nil } }
        let body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return Request(method: String(first[0]), path: String(first[1]), headers: headers, body: body)
    }
}

struct MockError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
