/// One HTTP/1.1 request: what a server reads and a client writes.
package struct HTTPRequest: Sendable {
    package var method: String
    /// The request target as sent, query included.
    package var path: String
    /// The header fields in the order they came, names as written.
    package var headers: [(String, String)]
    package var body: [UInt8]

    package init(method: String, path: String, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, its name compared without letter case.
    package func header(_ name: String) -> String? { headers.value(of: name) }
}

/// One HTTP/1.1 response: what a server writes and a client reads.
package struct HTTPResponse: Sendable {
    package var status: Int
    /// The header fields; the server adds Content-Length (or Transfer-Encoding) itself.
    package var headers: [(String, String)]
    package var body: [UInt8]
    /// When set, the server sends the body chunked, in pieces of at most this many bytes.
    package var chunkSize: Int?
    /// The server closes the connection once this answer is sent (a `Connection: close` header says so in advance).
    package var closesConnection = false
    /// Called when this answer could not be sent (the peer had gone), so that what it handed over can be taken back.
    package var unsent: (@Sendable () -> Void)?

    package init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, its name compared without letter case.
    package func header(_ name: String) -> String? { headers.value(of: name) }

    /// The usual reason phrase of a status; a client reads the number only.
    static func reason(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 202: "Accepted"
        case 204: "No Content"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 410: "Gone"
        case 413: "Payload Too Large"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

extension [(String, String)] {
    /// The first value of a header, its name compared without letter case. Byte by byte, without making strings: the
    /// runtime client looks up four headers per event.
    func value(of name: String) -> String? {
        for field in self where field.0.sameIgnoringCase(name) { return field.1 }
        return nil
    }
}

extension String {
    /// True when both are the same text but for the letter case of ASCII letters.
    func sameIgnoringCase(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        var mine = self
        var theirs = other
        return mine.withUTF8 { left in
            theirs.withUTF8 { right in
                for index in 0..<left.count where left[index].asciiLowercased != right[index].asciiLowercased { return false }
                return true
            }
        }
    }

    /// True when the text ends in `suffix`, but for the letter case of ASCII letters.
    func hasSuffixIgnoringCase(_ suffix: String) -> Bool {
        let count = suffix.utf8.count
        guard utf8.count >= count else { return false }
        return String(decoding: utf8.suffix(count), as: UTF8.self).sameIgnoringCase(suffix)
    }
}

extension UInt8 {
    var asciiLowercased: UInt8 { (65...90).contains(self) ? self + 32 : self }
}

/// Writes messages: the head, then the body with its Content-Length (always given, so the peer knows where it ends).
enum MessageWriter {
    static func request(_ request: HTTPRequest, host: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256 + request.body.count)
        bytes += request.method.utf8
        bytes.append(32)
        bytes += request.path.utf8
        bytes += " HTTP/1.1\r\nHost: ".utf8
        bytes += host.utf8
        bytes += crlf
        for (name, value) in request.headers {
            bytes += name.utf8
            bytes += ": ".utf8
            bytes += value.utf8
            bytes += crlf
        }
        if request.method != "GET" || !request.body.isEmpty {
            bytes += "Content-Length: ".utf8
            bytes += String(request.body.count).utf8
            bytes += crlf
        }
        bytes += crlf
        bytes += request.body
        return bytes
    }

    static func response(_ response: HTTPResponse) -> [UInt8] {
        var head = "HTTP/1.1 \(response.status) \(HTTPResponse.reason(response.status))\r\n"
        if let chunkSize = response.chunkSize, chunkSize > 0 {
            head += "Transfer-Encoding: chunked\r\n"
            for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
            var bytes = Array((head + "\r\n").utf8)
            var offset = 0
            while offset < response.body.count {
                let size = min(chunkSize, response.body.count - offset)
                bytes += Array((String(size, radix: 16) + "\r\n").utf8)
                bytes += response.body[offset..<(offset + size)]
                bytes += crlf
                offset += size
            }
            bytes += Array("0\r\n\r\n".utf8)
            return bytes
        }
        head += "Content-Length: \(response.body.count)\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        var bytes = Array((head + "\r\n").utf8)
        bytes += response.body
        return bytes
    }
}
