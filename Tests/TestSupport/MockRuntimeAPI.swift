import Foundation
import HTTP1
import LambdaRuntime

/// A Lambda Runtime API on 127.0.0.1 for tests, on HTTP1's server and LambdaRuntime's paths and headers, serving
/// queued events.
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
        /// With no deadline given: the time the invocation has from when it is handed out, as Lambda's deadline
        /// counts from the invocation, not from when a test queued it (a queue served one by one on a loaded machine
        /// would otherwise hand out events already near their end).
        var timeFromDeliveryMs: Int64?

        /// An event with the usual headers and request id `id`; its deadline `deadlineMs`, or 5 s after it is handed out.
        package init(_ body: [UInt8], id: String, deadlineMs: Int64? = nil) {
            self.body = body
            timeFromDeliveryMs = deadlineMs == nil ? 5_000 : nil
            headers = [
                (RuntimeAPI.Header.requestID, id),
                (RuntimeAPI.Header.deadline, String(deadlineMs ?? 0)),
                (RuntimeAPI.Header.functionARN, "arn:aws:lambda:us-east-1:123456789012:function:test"),
                (RuntimeAPI.Header.traceID, "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"),
            ]
        }

        /// The headers as handed out now.
        var headersAtDelivery: [(String, String)] {
            guard let timeFromDeliveryMs else { return headers }
            let deadline = String(Int64(Date().timeIntervalSince1970 * 1000) + timeFromDeliveryMs)
            return headers.map { $0.0 == RuntimeAPI.Header.deadline ? ($0.0, deadline) : $0 }
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
    package var dropConnectionAfterEachExchange: Bool {
        get { lock.withLock { dropping } }
        set { lock.withLock { dropping = newValue } }
    }
    /// Whether to send `/next` bodies chunked instead of with Content-Length.
    package var chunkedEvents: Bool {
        get { lock.withLock { chunking } }
        set { lock.withLock { chunking = newValue } }
    }
    /// How long an empty queue waits for more events before answering 500.
    package var idleTimeout: TimeInterval {
        get { lock.withLock { idle } }
        set { lock.withLock { idle = newValue } }
    }

    private let lock = NSCondition()
    private var queue: [Event] = []
    private var posts: [Post] = []
    private var dropping = false
    private var chunking = false
    private var idle: TimeInterval = 0.2
    private var stopped = false
    private let server: HTTPServer
    /// The port it listens on.
    package var port: UInt16 { server.port }

    /// `host:port`, as `AWS_LAMBDA_RUNTIME_API` takes it.
    package var address: String { "127.0.0.1:\(port)" }

    /// Starts listening on a free port.
    package init(events: [Event] = []) throws {
        queue = events
        server = try HTTPServer(host: "127.0.0.1", port: 0)
        server.start(limits: HTTPLimits(maxBody: 8 << 20), label: "MockRuntimeAPI") { [weak self] request in
            guard let self else { return HTTPResponse(status: 503) }
            var response = answer(request)
            response.headers.append(("Content-Type", "application/json"))
            lock.withLock { response.closesConnection = dropping }
            return response
        }
    }

    deinit { stop() }

    /// Stops accepting connections.
    package func stop() {
        let wasStopped = lock.withLock {
            defer { stopped = true }
            lock.broadcast()
            return stopped
        }
        if !wasStopped { server.stop() }
    }

    /// Adds events to the queue.
    package func enqueue(_ events: [Event]) {
        lock.withLock {
            queue += events
            lock.broadcast()
        }
    }

    /// Every POST so far.
    package var recorded: [Post] { lock.withLock { posts } }

    /// Connections accepted so far.
    package var connectionCount: Int { server.connectionsAccepted }

    /// Waits until `count` POSTs have arrived, or `timeout` passes; returns them.
    package func waitForPosts(_ count: Int, timeout: TimeInterval = 10) -> [Post] {
        let end = Date().addingTimeInterval(timeout)
        return lock.withLock {
            while posts.count < count, lock.wait(until: end) {}
            return posts
        }
    }

    private func answer(_ request: HTTPRequest) -> HTTPResponse {
        if request.method == "GET" && request.path == RuntimeAPI.nextPath {
            let event = lock.withLock { () -> Event? in
                let end = Date().addingTimeInterval(idle)
                while queue.isEmpty && !stopped && lock.wait(until: end) {}
                return queue.isEmpty ? nil : queue.removeFirst()
            }
            guard let event else { return HTTPResponse(status: 500, body: Array("{\"errorType\":\"NoMoreEvents\"}".utf8)) }
            var response = HTTPResponse(status: 200, headers: event.headersAtDelivery, body: event.body)
            if chunkedEvents { response.chunkSize = 1000 }
            return response
        }
        if request.method == "POST" && request.path.hasPrefix("/\(RuntimeAPI.version)/runtime/") {
            let headers = Dictionary(request.headers.map { ($0.0.lowercased(), $0.1) }) { first, _ in first }
            lock.withLock {
                posts.append(Post(path: request.path, headers: headers, body: request.body))
                lock.broadcast()
            }
            return HTTPResponse(status: 202, body: Array("{\"status\":\"OK\"}".utf8))
        }
        return HTTPResponse(status: 404)
    }
}
