import Platform
import Settings

/// The Runtime API over one kept-alive HTTP/1.1 connection on a plain socket.
///
/// Plain sockets cost a fraction of the CPU and start-up time of a general HTTP client, and the Runtime API
/// needs little: fixed paths, Content-Length or chunked bodies, and a reconnect when the peer drops the line.
struct SocketRuntimeClient: RuntimeAPIClient {
    private var connection: HTTPConnection

    /// Connects lazily to `host:port`, the form of `AWS_LAMBDA_RUNTIME_API`.
    init(address: String) throws(SettingsError) {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]),
            colon != address.startIndex
        else {
            throw .invalid(RuntimeAPI.addressVariable, "must be host:port, got \"\(address)\"")
        }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        connection = HTTPConnection(host: host, port: port, hostHeader: address)
    }

    package mutating func next() throws -> Invocation {
        let response = try connection.send(method: "GET", path: RuntimeAPI.nextPath, headers: [], body: [])
        guard response.status == 200 else {
            throw LambdaRuntimeError.unexpectedStatus(path: RuntimeAPI.nextPath, status: response.status)
        }
        let metadata = try InvocationMetadata(header: response.header)
        return Invocation(metadata: metadata, body: response.body)
    }

    mutating func respond(to requestID: String, body: [UInt8]) throws {
        try post(RuntimeAPI.responsePath(requestID), headers: [], body: body)
    }

    mutating func reportError(for requestID: String, _ report: ErrorReport) throws {
        try post(RuntimeAPI.errorPath(requestID), headers: [(RuntimeAPI.Header.errorType, report.errorType)], body: report.json)
    }

    mutating func reportInitError(_ report: ErrorReport) throws {
        try post(RuntimeAPI.initErrorPath, headers: [(RuntimeAPI.Header.errorType, report.errorType)], body: report.json)
    }

    private mutating func post(_ path: String, headers: [(String, String)], body: [UInt8]) throws {
        let response = try connection.send(
            method: "POST", path: path, headers: headers + [("Content-Type", "application/json")], body: body)
        guard (200..<300).contains(response.status) else {
            throw LambdaRuntimeError.unexpectedStatus(path: path, status: response.status)
        }
    }
}

/// An HTTP/1.1 response: status, the header lines as received, and body.
///
/// Headers are looked up in the raw lines when asked for; the loop reads only a few of them.
struct RuntimeResponse {
    var status: Int
    /// The header lines, without the status line, each ending in CRLF.
    var headerLines: [UInt8]
    var body: [UInt8]
    var closeAfter = false

    /// The value of a header, its name compared without letter case; blanks around the value removed.
    func header(_ name: String) -> String? {
        let name = name.utf8.map(\.asciiLowercased)
        return headerLines.withUnsafeBufferPointer { lines -> String? in
            var lineStart = 0
            while lineStart < lines.count {
                var lineEnd = lineStart
                while lineEnd < lines.count && lines[lineEnd] != 13 { lineEnd += 1 }
                let colon = lineStart + name.count
                if colon < lineEnd, lines[colon] == 58, Self.equalsLowercased(lines, from: lineStart, name) {
                    var valueStart = colon + 1
                    var valueEnd = lineEnd
                    while valueStart < valueEnd, lines[valueStart] == 32 || lines[valueStart] == 9 { valueStart += 1 }
                    while valueEnd > valueStart, lines[valueEnd - 1] == 32 || lines[valueEnd - 1] == 9 { valueEnd -= 1 }
                    return String(decoding: UnsafeBufferPointer(rebasing: lines[valueStart..<valueEnd]), as: UTF8.self)
                }
                lineStart = lineEnd + 2
            }
            return nil
        }
    }

    private static func equalsLowercased(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, _ name: [UInt8]) -> Bool {
        for (offset, expected) in name.enumerated() {
            let byte = bytes[start + offset]
            if byte.asciiLowercased != expected { return false }
        }
        return true
    }
}

/// One client connection that is opened on first use and opened again when the peer closes it.
struct HTTPConnection {
    let host: String
    let port: UInt16
    let hostHeader: String
    private var socket: TCPSocket?
    private var buffer: [UInt8] = []
    private var scratch: [UInt8] = []

    init(host: String, port: UInt16, hostHeader: String) {
        self.host = host
        self.port = port
        self.hostHeader = hostHeader
    }

    /// Sends a request and reads the whole response. A connection the peer closed while idle is
    /// opened again and the request sent once more; the peer had not seen it.
    mutating func send(
        method: String, path: String, headers: [(String, String)], body: [UInt8]
    ) throws(LambdaRuntimeError) -> RuntimeResponse {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nUser-Agent: swift-cognito-passwordless\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if method != "GET" || !body.isEmpty { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        let reused = socket != nil
        do {
            return try exchange(head: head, body: body)
        } catch let error where reused && error.isPeerClosed {
            close()
            do { return try exchange(head: head, body: body) } catch { throw error.asRuntimeError }
        } catch {
            throw error.asRuntimeError
        }
    }

    private mutating func exchange(head: String, body: [UInt8]) throws(ConnectionFailure) -> RuntimeResponse {
        if socket == nil { try open() }
        do {
            try writeAll(head, body)
            let response = try readResponse()
            if response.closeAfter || response.header("connection")?.lowercased() == "close" { close() }
            return response
        } catch {
            close()
            throw error
        }
    }

    private mutating func open() throws(ConnectionFailure) {
        do {
            socket = try TCPSocket.connect(host: host, port: port)
        } catch {
            throw .failed(error.description)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func close() {
        socket?.close()
        socket = nil
        buffer.removeAll(keepingCapacity: true)
    }

    /// Sends head and body in one `send`, so a small request is one packet.
    private func writeAll(_ head: String, _ body: [UInt8]) throws(ConnectionFailure) {
        var request = Array(head.utf8)
        request.append(contentsOf: body)
        do {
            try socket?.sendAll(request)
        } catch {
            throw error.isPeerClosed ? .peerClosed : .failed(error.description)
        }
    }

    /// Reads more bytes into the buffer; false at end of stream.
    private mutating func fill() throws(ConnectionFailure) -> Bool {
        if scratch.isEmpty { scratch = [UInt8](repeating: 0, count: 64 * 1024) }
        guard let socket else { throw .peerClosed }
        let received: Int
        do {
            received = try socket.receive(into: &scratch)
        } catch {
            throw error.isPeerClosed ? .peerClosed : .failed(error.description)
        }
        buffer.append(contentsOf: scratch[..<received])
        return received > 0
    }

    private mutating func readResponse() throws(ConnectionFailure) -> RuntimeResponse {
        var headEnd: Int? = nil
        var searchFrom = 0
        while true {
            if let end = Self.find(crlfcrlf, in: buffer, from: searchFrom) { headEnd = end; break }
            searchFrom = max(0, buffer.count - 3)
            guard try fill() else {
                throw buffer.isEmpty ? .peerClosed : .failed("connection closed inside the response head")
            }
        }
        var response = try Self.parseHead(buffer[..<headEnd!])
        let status = response.status
        buffer.removeFirst(headEnd! + 4)
        if response.header("transfer-encoding")?.lowercased().contains("chunked") == true {
            response.body = try readChunked()
        } else if let lengthText = response.header("content-length") {
            guard let length = Int(lengthText), length >= 0 else { throw .failed("bad Content-Length") }
            response.body = try readExactly(length)
        } else if status == 204 || status == 304 || (100..<200).contains(status) {
            response.body = []
        } else {
            while try fill() {}
            response.body = buffer
            buffer.removeAll()
            response.closeAfter = true
        }
        return response
    }

    /// Reads the status from the status line and keeps the header lines as they are.
    static func parseHead(_ head: ArraySlice<UInt8>) throws(ConnectionFailure) -> RuntimeResponse {
        // "HTTP/1.x NNN reason"
        guard head.count >= 12, head.starts(with: httpPrefix), head[head.startIndex + 8] == 32 else {
            throw .failed("bad status line")
        }
        var status = 0
        for byte in head[(head.startIndex + 9)..<(head.startIndex + 12)] {
            guard (48...57).contains(byte) else { throw .failed("bad status line") }
            status = status * 10 + Int(byte - 48)
        }
        var lines: [UInt8] = []
        if let firstLineEnd = head.firstIndex(of: 10) {
            lines = Array(head[(firstLineEnd + 1)...])
            lines += crlf
        }
        return RuntimeResponse(status: status, headerLines: lines, body: [])
    }

    private mutating func readExactly(_ count: Int) throws(ConnectionFailure) -> [UInt8] {
        while buffer.count < count {
            guard try fill() else { throw .failed("connection closed inside the response body") }
        }
        let body = Array(buffer[..<count])
        buffer.removeFirst(count)
        return body
    }

    private mutating func readLine() throws(ConnectionFailure) -> String {
        while true {
            if let end = Self.find(crlf, in: buffer, from: 0) {
                let line = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + 2)
                return line
            }
            guard try fill() else { throw .failed("connection closed inside a chunk") }
        }
    }

    private mutating func readChunked() throws(ConnectionFailure) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeText = try readLine().split(separator: ";").first ?? ""
            guard let size = Int(sizeText.filter { !$0.isWhitespace }, radix: 16), size >= 0 else {
                throw .failed("bad chunk size")
            }
            if size == 0 {
                while try !readLine().isEmpty {}
                return body
            }
            body += try readExactly(size)
            _ = try readExactly(2)
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count - start >= needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                var index = start
                let last = hay.count - pin.count
                while index <= last {
                    if hay[index] == pin[0] {
                        var matched = 1
                        while matched < pin.count && hay[index + matched] == pin[matched] { matched += 1 }
                        if matched == pin.count { return index }
                    }
                    index += 1
                }
                return nil
            }
        }
    }
}

private let crlf: [UInt8] = [13, 10]
private let httpPrefix: [UInt8] = Array("HTTP/1.".utf8)
private let crlfcrlf: [UInt8] = [13, 10, 13, 10]

/// Why an exchange failed: the peer closed the line (worth one retry on a reused connection), or anything else.
enum ConnectionFailure: Error {
    case peerClosed
    case failed(String)

    var isPeerClosed: Bool {
        if case .peerClosed = self { return true }
        return false
    }

    var asRuntimeError: LambdaRuntimeError {
        switch self {
        case .peerClosed: .connection("the Runtime API closed the connection")
        case .failed(let detail): .connection(detail)
        }
    }
}
