import Platform
import Synchronization
import Testing

@testable import HTTP1

/// Sends raw bytes on a new connection and reads until the peer closes or `until` is found in what came back.
private func exchange(_ port: UInt16, _ bytes: [UInt8], until marker: String? = nil) throws -> String {
    let socket = try TCPSocket.connect(host: "127.0.0.1", port: port)
    defer { socket.close() }
    try socket.sendAll(bytes)
    return read(socket, until: marker)
}

private func read(_ socket: TCPSocket, until marker: String? = nil) -> String {
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while socket.waitForIncoming(timeoutMs: 5_000), let count = try? socket.receive(into: &buffer), count > 0 {
        received += buffer[..<count]
        if let marker, String(decoding: received, as: UTF8.self).contains(marker) { break }
    }
    return String(decoding: received, as: UTF8.self)
}

/// A server that answers every request with its method, path, body and a few headers, echoed.
private func echoServer(_ limits: HTTPLimits = HTTPLimits(maxBody: 100)) throws -> HTTPServer {
    let server = try HTTPServer(host: "127.0.0.1", port: 0)
    server.start(limits: limits, label: "test") { request in
        let summary =
            "\(request.method) \(request.path) type=\(request.header("CONTENT-TYPE") ?? "-") body="
            + String(decoding: request.body, as: UTF8.self)
        return HTTPResponse(status: 200, headers: [("X-Echo", "yes")], body: Array(summary.utf8))
    }
    return server
}

private final class Counter: Sendable { let value = Mutex(0) }

@Suite struct HTTP1Tests {
    @Test func keptAliveClientAndServer() throws {
        let server = try echoServer()
        defer { server.stop() }
        var client = HTTPClientConnection(host: "127.0.0.1", port: server.port, hostHeader: "127.0.0.1:\(server.port)")
        defer { client.close() }
        let first = try client.send(
            HTTPRequest(method: "POST", path: "/a", headers: [("content-type", "text/plain")], body: Array("one".utf8)))
        #expect(first.status == 200)
        #expect(first.header("x-echo") == "yes")
        #expect(String(decoding: first.body, as: UTF8.self) == "POST /a type=text/plain body=one")
        let second = try client.send(HTTPRequest(method: "GET", path: "/b?x=1"))
        #expect(String(decoding: second.body, as: UTF8.self) == "GET /b?x=1 type=- body=")
    }

    @Test func chunkedAnswersAndAClosingAnswer() throws {
        let server = try HTTPServer(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        server.start(limits: HTTPLimits(), label: "test") { request in
            var response = HTTPResponse(status: 200, body: Array(repeating: UInt8(ascii: "z"), count: 2_500))
            response.chunkSize = 1_000
            response.closesConnection = request.path == "/close"
            return response
        }
        var client = HTTPClientConnection(host: "127.0.0.1", port: server.port, hostHeader: "h")
        defer { client.close() }
        let chunked = try client.send(HTTPRequest(method: "GET", path: "/"))
        #expect(chunked.header("transfer-encoding") == "chunked")
        #expect(chunked.body == Array(repeating: UInt8(ascii: "z"), count: 2_500))
        _ = try client.send(HTTPRequest(method: "GET", path: "/close"))
        // The server closed that connection without a word: the client opens another for the next request.
        #expect(try client.send(HTTPRequest(method: "GET", path: "/")).status == 200)
        #expect(server.connectionsAccepted == 2)
    }

    @Test func chunkedRequestBody() throws {
        let server = try echoServer()
        defer { server.stop() }
        let request =
            "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: t\r\n\r\n"
        let answer = try exchange(server.port, Array(request.utf8), until: "body=abcde")
        #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(answer.hasSuffix("POST /c type=- body=abcde"))
    }

    @Test func expectContinueGetsAnInterimAnswerBeforeTheBody() throws {
        let server = try echoServer()
        defer { server.stop() }
        let socket = try TCPSocket.connect(host: "127.0.0.1", port: server.port)
        defer { socket.close() }
        try socket.sendAll(Array("PUT /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n".utf8))
        #expect(read(socket, until: "\r\n\r\n") == "HTTP/1.1 100 Continue\r\n\r\n")
        try socket.sendAll(Array("body".utf8))
        #expect(read(socket, until: "body=body").hasSuffix("PUT /e type=- body=body"))
    }

    @Test func aBodyOverTheLimitIsRefusedWithTheCallersAnswer() throws {
        let server = try HTTPServer(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        server.start(
            limits: HTTPLimits(maxBody: 10), label: "test",
            refusal: { error in HTTPResponse(status: error == .tooLarge ? 413 : 400, body: Array("refused: \(error)".utf8)) },
            handler: { _ in HTTPResponse(status: 200) })
        // The whole body is sent before anything is read: the refusal must still arrive, not a reset.
        let big = Array("POST / HTTP/1.1\r\nContent-Length: 200000\r\n\r\n".utf8) + [UInt8](repeating: 65, count: 200_000)
        let answer = try exchange(server.port, big)
        #expect(answer.hasPrefix("HTTP/1.1 413 Payload Too Large\r\n"))
        #expect(answer.contains("Connection: close"))
        #expect(answer.hasSuffix("refused: the message is over the size limit"))
        // Asked to wait, the client gets the refusal instead of 100 Continue.
        let asked = try exchange(server.port, Array("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n".utf8))
        #expect(asked.hasPrefix("HTTP/1.1 413 "))
        #expect(!asked.contains("100 Continue"))
        // A chunked body over the limit, found out while reading it.
        let chunked = try exchange(
            server.port, Array("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n".utf8))
        #expect(chunked.hasPrefix("HTTP/1.1 413 "))
    }

    @Test(arguments: [
        "GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nno colon here\r\n\r\n", "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ])
    func malformedRequestsGet400(_ request: String) throws {
        let server = try echoServer()
        defer { server.stop() }
        #expect(try exchange(server.port, Array(request.utf8)).hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
    }

    @Test func anIdleConnectionIsClosedAfterTheIdleTime() throws {
        let server = try echoServer(HTTPLimits(maxBody: 100, idleTimeoutMs: 100))
        defer { server.stop() }
        let started = SystemClock.nowEpochMilliseconds()
        #expect(try exchange(server.port, []) == "")
        let waited = SystemClock.nowEpochMilliseconds() - started
        #expect(waited >= 90 && waited < 4_000)
    }

    @Test func aHandlerSeesTheClientHangUp() throws {
        let server = try HTTPServer(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        let sawHangUp = Mutex<Bool?>(nil)
        let beforeHangUp = Mutex<Bool?>(nil)
        server.start(limits: HTTPLimits(), label: "test") { _, peer in
            beforeHangUp.withLock { $0 = peer.hasHungUp }
            let limit = SystemClock.nowEpochMilliseconds() + 5_000
            while !peer.hasHungUp && SystemClock.nowEpochMilliseconds() < limit { SystemClock.sleep(milliseconds: 5) }
            sawHangUp.withLock { $0 = peer.hasHungUp }
            return HTTPResponse(status: 200)
        }
        let socket = try TCPSocket.connect(host: "127.0.0.1", port: server.port)
        try socket.sendAll(Array("GET /next HTTP/1.1\r\n\r\n".utf8))
        SystemClock.sleep(milliseconds: 100)
        socket.close()
        let limit = SystemClock.nowEpochMilliseconds() + 5_000
        while sawHangUp.withLock({ $0 }) == nil && SystemClock.nowEpochMilliseconds() < limit { SystemClock.sleep(milliseconds: 5) }
        #expect(beforeHangUp.withLock { $0 } == false)
        #expect(sawHangUp.withLock { $0 } == true)
    }

    /// A raw server that answers each connection's first request with `answers[n]` and then closes it without saying.
    private func closingServer(_ answers: [String]) throws -> (TCPListener, Counter) {
        let listener = try TCPListener.listen(host: "127.0.0.1", port: 0)
        let accepted = Counter()
        DetachedThread.start {
            for answer in answers {
                guard let connection = try? listener.accept() else { return }
                accepted.value.withLock { $0 += 1 }
                _ = read(connection, until: "\r\n\r\n")
                try? connection.sendAll(Array(answer.utf8))
                connection.close()
            }
        }
        return (listener, accepted)
    }

    @Test func theClientReconnectsOnceWhenAKeptAliveConnectionWasClosed() throws {
        let (listener, accepted) = try closingServer([
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none",
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n",
            "HTTP/1.1 202 Accepted\r\n\r\nthree, to the end",
        ])
        defer { listener.close() }
        var client = HTTPClientConnection(host: "127.0.0.1", port: listener.port, hostHeader: "h")
        defer { client.close() }
        #expect(try client.send(HTTPRequest(method: "GET", path: "/")).body == Array("one".utf8))
        // The server closed the first connection: the request goes again on a new one.
        let second = try client.send(HTTPRequest(method: "GET", path: "/"))
        #expect(second.status == 200)
        #expect(second.body == Array("two".utf8))
        let third = try client.send(HTTPRequest(method: "POST", path: "/", body: [1]))
        #expect(third.status == 202)
        #expect(third.body == Array("three, to the end".utf8))
        #expect(accepted.value.withLock { $0 } == 3)
    }

    @Test func theClientReportsAResponseCutShort() throws {
        let (listener, _) = try closingServer(["HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"])
        defer { listener.close() }
        var client = HTTPClientConnection(host: "127.0.0.1", port: listener.port, hostHeader: "h")
        #expect(throws: HTTP1Error.truncated) { try client.send(HTTPRequest(method: "GET", path: "/")) }
    }

    @Test func aClientWithNoServerGetsASystemError() throws {
        let listener = try TCPListener.listen(host: "127.0.0.1", port: 0)
        let port = listener.port
        listener.close()
        var client = HTTPClientConnection(host: "127.0.0.1", port: port, hostHeader: "h")
        do {
            _ = try client.send(HTTPRequest(method: "GET", path: "/"))
            Issue.record("a closed port answered")
        } catch {
            guard case .system(let failure) = error else { Issue.record("\(error)"); return }
            #expect(failure.description.contains("cannot connect"))
        }
    }

    @Test func aSlowLorisIsCutOffWhenTheWholeRequestIsLateNotOnlyWhenOneGapIs() throws {
        let server = try echoServer(HTTPLimits(maxBody: 100, idleTimeoutMs: 5_000, readTimeoutMs: 300))
        defer { server.stop() }
        let socket = try TCPSocket.connect(host: "127.0.0.1", port: server.port)
        defer { socket.close() }
        let started = SystemClock.nowEpochMilliseconds()
        // A byte every 50 ms: no gap is near the read time, but the head would take 2 s in all.
        var cutOff = false
        for byte in Array("GET / HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaa\r\n\r\n".utf8) {
            if socket.waitForIncoming(timeoutMs: 50) {
                cutOff = true
                break
            }
            do { try socket.sendAll([byte]) } catch {
                cutOff = true
                break
            }
        }
        #expect(cutOff, "the server still listened after the whole head trickled in")
        #expect(read(socket) == "", "closed without an answer")
        #expect(SystemClock.nowEpochMilliseconds() - started < 1_500)
        // A prompt request on a new connection is served.
        #expect(try exchange(server.port, Array("GET /x HTTP/1.1\r\nConnection: close\r\n\r\n".utf8)).hasPrefix("HTTP/1.1 200 "))
    }

    @Test func aConnectionTheServerDoesNotAdmitIsClosedUnread() throws {
        let server = try HTTPServer(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        let handled = Counter()
        let admitted = Mutex<[String]>([])
        server.start(
            limits: HTTPLimits(), label: "test",
            admit: { peer in
                let ends = peer.ends
                admitted.withLock { $0.append(ends.map { "\($0.local) \($0.remote)" } ?? "none") }
                return false
            }
        ) { _, _ in
            handled.value.withLock { $0 += 1 }
            return HTTPResponse(status: 200)
        }
        #expect(try exchange(server.port, Array("GET / HTTP/1.1\r\n\r\n".utf8)) == "")
        #expect(handled.value.withLock { $0 } == 0)
        // The ends as /proc/net/tcp writes them: 127.0.0.1 is 0100007F, then the port in hex.
        let port = String(server.port, radix: 16, uppercase: true)
        let local = "0100007F:" + String(repeating: "0", count: 4 - port.count) + port
        #expect(admitted.withLock { $0.first?.hasPrefix(local + " 0100007F:") } == true, "\(admitted.withLock { $0 })")
    }

    @Test func aHandlerLearnsItsAnswerWasNotSent() throws {
        let server = try HTTPServer(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        let unsent = Mutex(false)
        let answered = Mutex(false)
        server.start(limits: HTTPLimits(), label: "test") { _, peer in
            let limit = SystemClock.nowEpochMilliseconds() + 5_000
            while !peer.hasHungUp && SystemClock.nowEpochMilliseconds() < limit { SystemClock.sleep(milliseconds: 5) }
            // More than the socket buffers hold: the peer has gone, so the write fails partway.
            var response = HTTPResponse(status: 200, body: [UInt8](repeating: 65, count: 16 << 20))
            response.unsent = { unsent.withLock { $0 = true } }
            answered.withLock { $0 = true }
            return response
        }
        let socket = try TCPSocket.connect(host: "127.0.0.1", port: server.port)
        try socket.sendAll(Array("GET /next HTTP/1.1\r\n\r\n".utf8))
        socket.close()
        let limit = SystemClock.nowEpochMilliseconds() + 10_000
        while !unsent.withLock({ $0 }) && SystemClock.nowEpochMilliseconds() < limit { SystemClock.sleep(milliseconds: 5) }
        #expect(answered.withLock { $0 })
        #expect(unsent.withLock { $0 })
    }
}
