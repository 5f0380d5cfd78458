import Platform
import Synchronization

/// A blocking HTTP/1.1 server: an accept loop on a thread of its own, and a thread per connection (each blocks in a
/// read, or in a handler that waits), at most `maxConnections` at once, connections kept alive between requests.
package final class HTTPServer: Sendable {
    /// What a handler may ask of the connection its request came on.
    package struct Peer: Sendable {
        fileprivate let socket: TCPSocket

        /// True when the client has closed the connection (or sent more) while it waits for this answer: a client
        /// that waits for an answer sends nothing, so bytes or the end of the stream mean it has gone.
        package var hasHungUp: Bool { socket.waitForIncoming(timeoutMs: 0) }
        /// This side's and the peer's address and port, as `/proc/net/tcp` writes them; nil when unknown.
        package var ends: (local: String, remote: String)? { socket.ends }
    }

    private let listener: TCPListener
    private let active = Atomic(0)
    private let started = Atomic(false)
    private let accepted = Atomic(0)
    /// The port it listens on (the kernel's choice when asked for 0).
    package var port: UInt16 { listener.port }
    /// How many connections it has accepted.
    package var connectionsAccepted: Int { accepted.load(ordering: .acquiring) }

    /// Listens on `host` (IPv4) and `port` (0: any free one); serving starts with `start`.
    package init(host: String, port: UInt16) throws(SystemCallError) {
        listener = try TCPListener.listen(host: host, port: port)
    }

    /// Serves on a thread of its own until `stop()`, each request answered by `handler`.
    ///
    /// A request over the limits is answered with `refusal(.tooLarge)` (or `.malformed`) and the connection closed;
    /// what the client still sends of it (up to 8 MB, for 5 s) is read and dropped first, so that a client which sends
    /// before it reads gets the answer rather than a reset connection. Out of descriptors (many idle connections), the
    /// loop says so once (`label: error`) and tries again every 10 ms, rather than stop accepting for good. Each
    /// connection is first put to `admit`, on its own thread: one it refuses is closed before anything is read.
    package func start(
        limits: HTTPLimits, maxConnections: Int = 512, label: String,
        refusal: @escaping @Sendable (HTTP1Error) -> HTTPResponse = HTTPServer.plainRefusal,
        admit: @escaping @Sendable (Peer) -> Bool = { _ in true },
        handler: @escaping @Sendable (HTTPRequest, Peer) -> HTTPResponse
    ) {
        started.store(true, ordering: .releasing)
        DetachedThread.start { [self] in
            var short = false
            while true {
                while active.load(ordering: .acquiring) >= maxConnections { SystemClock.sleep(milliseconds: 10) }
                let connection: TCPSocket
                do throws(SystemCallError) {
                    connection = try listener.accept()
                    short = false
                } catch  where error.isResourceShortage {
                    if !short { FileIO.writeToStandardError("\(label): \(error); waiting for connections to close\n") }
                    short = true
                    SystemClock.sleep(milliseconds: 10)
                    continue
                } catch {
                    break
                }
                active.add(1, ordering: .acquiringAndReleasing)
                accepted.add(1, ordering: .acquiringAndReleasing)
                let started = DetachedThread.start {
                    if admit(Peer(socket: connection)) {
                        Self.serve(connection, limits: limits, refusal: refusal, handler: handler)
                    } else {
                        connection.close()
                    }
                    self.active.subtract(1, ordering: .acquiringAndReleasing)
                }
                if !started {
                    active.subtract(1, ordering: .acquiringAndReleasing)
                    connection.close()
                }
            }
            listener.close()
        }
    }

    /// Stops accepting connections; those open are served until their peer closes them.
    package func stop() { listener.stopListening() }

    // A server never started closes its socket here; a started one, when its accept loop ends.
    deinit { if !started.load(ordering: .acquiring) { listener.close() } }

    /// 413 or 400 with an empty body.
    static func plainRefusal(_ error: HTTP1Error) -> HTTPResponse {
        HTTPResponse(status: error == .tooLarge ? 413 : 400)
    }

    private static func serve(
        _ connection: TCPSocket, limits: HTTPLimits, refusal: (HTTP1Error) -> HTTPResponse,
        handler: (HTTPRequest, Peer) -> HTTPResponse
    ) {
        defer { connection.close() }
        var reader = MessageReader(limits: limits)
        while true {
            let request: HTTPRequest
            do {
                request = try readRequest(&reader, from: connection)
            } catch .closed, .timedOut, .truncated, .system {
                return
            } catch {
                var answer = refusal(error)
                answer.headers.append(("Connection", "close"))
                try? connection.sendAll(MessageWriter.response(answer))
                if error == .tooLarge { connection.finishAndDiscardIncoming(maxBytes: 8 << 20, timeoutMs: 5_000) }
                return
            }
            let response = handler(request, Peer(socket: connection))
            guard (try? connection.sendAll(MessageWriter.response(response))) != nil else {
                response.unsent?()
                return
            }
            if response.closesConnection || request.header("connection")?.sameIgnoringCase("close") == true { return }
        }
    }

    private static func readRequest(_ reader: inout MessageReader, from connection: TCPSocket) throws(HTTP1Error) -> HTTPRequest {
        let head = try reader.readHead(from: connection)
        guard head.third.hasPrefix("HTTP/1.") else { throw .malformed("bad request line") }
        let framing = try MessageReader.requestFraming(head.headers)
        if case .length(let count) = framing, count > reader.limits.maxBody { throw .tooLarge }
        // A client that asked waits for this before it sends the body (or for the refusal above instead).
        if head.headers.value(of: "expect")?.sameIgnoringCase("100-continue") == true, framing != .length(0) {
            do { try connection.sendAll(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) } catch { throw .system(error) }
        }
        let body = try reader.readBody(framing, from: connection)
        return HTTPRequest(method: head.first, path: head.second, headers: head.headers, body: body)
    }
}

extension HTTPServer {
    /// Serves with a handler that does not look at the connection.
    package func start(
        limits: HTTPLimits, maxConnections: Int = 512, label: String,
        refusal: @escaping @Sendable (HTTP1Error) -> HTTPResponse = HTTPServer.plainRefusal,
        handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse
    ) {
        start(limits: limits, maxConnections: maxConnections, label: label, refusal: refusal) { request, _ in handler(request) }
    }
}
