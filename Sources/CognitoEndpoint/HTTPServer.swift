import Platform
import Settings

/// One HTTP/1.1 request as the endpoint's servers read it.
struct HTTPRequest: Sendable {
    var method: String
    var path: String
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        let name = name.asciiLowercased()
        return headers.first { $0.0.asciiLowercased() == name }?.1
    }
}

/// One HTTP/1.1 response.
struct HTTPResponse: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8] = []

    static func json(_ status: Int, _ value: JSONValue, contentType: String = "application/x-amz-json-1.1") -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", contentType)], body: value.bytes)
    }
}

/// A blocking HTTP/1.1 server on loopback: a thread per connection, kept alive between requests.
///
/// Bodies larger than `maxBody` are answered 413 and the connection is closed, so a client cannot make the
/// endpoint hold more than that per connection; what the client still sends of it (up to 8 MB, for 5 s) is read and
/// dropped first, so that a client which sends before it reads gets the 413 rather than a reset connection.
final class HTTPServer: Sendable {
    static let maxBody = 1 << 20
    let listener: TCPListener
    let handler: @Sendable (HTTPRequest) -> HTTPResponse

    init(
        host: String, port: UInt16, handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse = { _ in HTTPResponse(status: 503) }
    ) throws(SystemCallError) {
        listener = try TCPListener.listen(host: host, port: port)
        self.handler = handler
    }

    /// Accepts connections on a thread of its own until `stop()`. Out of descriptors (many idle connections), it
    /// says so once and tries again every 10 ms until some are closed, rather than stop accepting for good.
    func start(handler: (@Sendable (HTTPRequest) -> HTTPResponse)? = nil) {
        let handler = handler ?? self.handler
        DetachedThread.start { [self] in
            var short = false
            while true {
                let connection: TCPSocket
                do throws(SystemCallError) {
                    connection = try listener.accept()
                    short = false
                } catch  where error.isResourceShortage {
                    if !short {
                        FileIO.writeToStandardError("passwordless-endpoint: \(error); waiting for connections to close\n")
                    }
                    short = true
                    SystemClock.sleep(milliseconds: 10)
                    continue
                } catch {
                    break
                }
                // A thread per connection: each blocks in receive, and a Runtime API's in waiting for an event.
                if !DetachedThread.start({ self.serve(connection, handler) }) {
                    var refused = connection
                    refused.close()
                }
            }
            listener.close()
        }
    }

    /// Stops accepting connections; those open are served until their peer closes them.
    func stop() { listener.stopListening() }

    private func serve(_ connection: TCPSocket, _ handler: @Sendable (HTTPRequest) -> HTTPResponse) {
        var connection = connection
        var reader = RequestReader()
        while true {
            let request: HTTPRequest
            switch reader.next(from: connection) {
            case .request(let next): request = next
            case .tooLarge:
                var refusal = HTTPResponse.json(413, ["__type": "RequestEntityTooLargeException", "message": "Request body too large."])
                refusal.headers.append(("Connection", "close"))
                try? connection.sendAll(Self.encode(refusal))
                // A client that sends the whole body before it reads (most do) finishes and reads the 413.
                connection.finishAndDiscardIncoming(maxBytes: 8 << 20, timeoutMs: 5_000)
                connection.close()
                return
            case .malformed:
                try? connection.sendAll(Self.encode(HTTPResponse(status: 400)))
                connection.close()
                return
            case .closed:
                connection.close()
                return
            }
            let response = handler(request)
            guard (try? connection.sendAll(Self.encode(response))) != nil else {
                connection.close()
                return
            }
        }
    }

    static func encode(_ response: HTTPResponse) -> [UInt8] {
        var head = "HTTP/1.1 \(response.status) \(reason(response.status))\r\nContent-Length: \(response.body.count)\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        return Array((head + "\r\n").utf8) + response.body
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 202: "Accepted"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 413: "Payload Too Large"
        default: "Status"
        }
    }
}

/// Reads requests off one connection: the head up to a blank line, then `Content-Length` bytes of body.
struct RequestReader {
    enum Result {
        case request(HTTPRequest)
        case tooLarge(Int)
        case malformed
        case closed
    }

    private var buffer: [UInt8] = []
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)

    mutating func next(from connection: TCPSocket) -> Result {
        var headEnd: Int?
        while headEnd == nil {
            headEnd = Self.find(buffer)
            if headEnd == nil {
                if buffer.count > 64 * 1024 { return .malformed }
                guard fill(connection) else { return .closed }
            }
        }
        guard let (method, path, headers) = Self.parseHead(buffer[..<headEnd!]) else { return .malformed }
        buffer.removeFirst(headEnd! + 4)
        let lengthHeader: (String, String)? = headers.first { $0.0.asciiLowercased() == "content-length" }
        let length = lengthHeader.flatMap { Int($0.1) } ?? 0
        guard length >= 0 else { return .malformed }
        guard length <= HTTPServer.maxBody else { return .tooLarge(length) }
        while buffer.count < length {
            guard fill(connection) else { return .closed }
        }
        let body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return .request(HTTPRequest(method: method, path: path, headers: headers, body: body))
    }

    /// Reads and drops `count` bytes of body.
    mutating func discard(_ count: Int, from connection: TCPSocket) {
        var left = count - buffer.count
        buffer.removeAll()
        while left > 0, let received = try? connection.receive(into: &scratch), received > 0 { left -= received }
    }

    private mutating func fill(_ connection: TCPSocket) -> Bool {
        guard let count = try? connection.receive(into: &scratch), count > 0 else { return false }
        buffer += scratch[..<count]
        return true
    }

    /// The request line's method and target, and the header fields, read off the bytes of the head.
    private static func parseHead(_ head: ArraySlice<UInt8>) -> (String, String, [(String, String)])? {
        var lines = head.split(separator: 10, omittingEmptySubsequences: false).map { line in
            line.last == 13 ? line.dropLast() : line
        }
        let requestLine = lines.removeFirst().split(separator: UInt8(ascii: " "))
        guard requestLine.count == 3 else { return nil }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
            let value = line[(colon + 1)...].drop { $0 == 32 || $0 == 9 }
            let trimmed = value.reversed().drop { $0 == 32 || $0 == 9 }.count
            return (String(decoding: line[..<colon], as: UTF8.self), String(decoding: value.prefix(trimmed), as: UTF8.self))
        }
        return (String(decoding: requestLine[0], as: UTF8.self), String(decoding: requestLine[1], as: UTF8.self), headers)
    }

    private static func find(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }
}
