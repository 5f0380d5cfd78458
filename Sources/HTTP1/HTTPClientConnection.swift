import Platform

/// One kept-alive client connection: opened on first use, and again when the peer has closed it.
package struct HTTPClientConnection {
    private let host: String
    private let port: UInt16
    /// The Host header's value.
    private let hostHeader: String
    private var socket: TCPSocket?
    private var reader: MessageReader

    /// Connects lazily to `host`:`port`.
    package init(host: String, port: UInt16, hostHeader: String, limits: HTTPLimits = HTTPLimits()) {
        self.host = host
        self.port = port
        self.hostHeader = hostHeader
        reader = MessageReader(limits: limits)
    }

    /// Sends a request and reads the whole response. A kept-alive connection the peer closed while idle is opened
    /// again and the request sent once more: the peer had not seen it.
    package mutating func send(_ request: HTTPRequest) throws(HTTP1Error) -> HTTPResponse {
        let bytes = MessageWriter.request(request, host: hostHeader)
        let reused = socket != nil
        do {
            return try exchange(bytes)
        } catch  where reused && error.isPeerClosed {
            return try exchange(bytes)
        }
    }

    /// Closes the connection; the next request opens another.
    mutating func close() {
        socket?.close()
        socket = nil
        reader = MessageReader(limits: reader.limits)
    }

    private mutating func exchange(_ bytes: [UInt8]) throws(HTTP1Error) -> HTTPResponse {
        if socket == nil {
            do { socket = try TCPSocket.connect(host: host, port: port) } catch { throw .system(error) }
        }
        guard let socket else { throw .closed }
        do throws(HTTP1Error) {
            do { try socket.sendAll(bytes) } catch { throw HTTP1Error.system(error) }
            var head = try reader.readHead(from: socket)
            var status = try Self.status(head)
            // Interim answers (100 Continue) come before the real one.
            while (100..<200).contains(status) && status != 101 {
                head = try reader.readHead(from: socket)
                status = try Self.status(head)
            }
            let framing = try MessageReader.responseFraming(status: status, head.headers)
            let body = try reader.readBody(framing, from: socket)
            let response = HTTPResponse(status: status, headers: head.headers, body: body)
            if framing == .untilClose || response.header("connection")?.sameIgnoringCase("close") == true { close() }
            return response
        } catch {
            close()
            throw error
        }
    }

    private static func status(_ head: MessageHead) throws(HTTP1Error) -> Int {
        let code = head.second
        guard head.first.hasPrefix("HTTP/1."), code.utf8.count == 3, let status = Int(code) else {
            throw .malformed("bad status line")
        }
        return status
    }
}
