import Platform

/// The start line and header fields of a message.
struct MessageHead {
    /// The start line's three parts: method, target, version; or version, status, reason (the last may be empty).
    var first: String
    var second: String
    var third: String
    var headers: [(String, String)]
}

/// How a body is delimited.
enum BodyFraming: Equatable {
    case length(Int)
    case chunked
    /// A response without a length: the body runs to the end of the connection.
    case untilClose
}

/// Reads messages off one connection through a buffer, within the limits.
struct MessageReader {
    let limits: HTTPLimits
    private var buffer: [UInt8] = []
    /// Bytes of `buffer` before this index are read.
    private var start = 0
    private var scratch: [UInt8] = []
    /// When the message being read must be in (its first byte's arrival plus the read time); nil between messages.
    private var deadline: Int64?

    init(limits: HTTPLimits) { self.limits = limits }

    /// True when bytes of the next message are already here.
    var hasBufferedBytes: Bool { start < buffer.count }

    /// Reads the head of the next message: `.closed` when the connection ends before its first byte, `.timedOut`
    /// when no byte comes within the idle time.
    mutating func readHead(from socket: TCPSocket) throws(HTTP1Error) -> MessageHead {
        deadline = nil
        var searchFrom = start
        while true {
            if let end = find(crlfcrlf, from: searchFrom) {
                let head = try Self.parseHead(buffer[start..<end])
                consume(upTo: end + 4)
                return head
            }
            if buffer.count - start > limits.maxHead { throw .tooLarge }
            searchFrom = max(start, buffer.count - 3)
            let began = buffer.count > start
            if began, deadline == nil, let readTimeoutMs = limits.readTimeoutMs {
                deadline = SystemClock.nowEpochMilliseconds() + Int64(readTimeoutMs)
            }
            guard try fill(socket, timeoutMs: began ? messageTimeLeft : limits.idleTimeoutMs) else {
                throw began ? .truncated : .closed
            }
        }
    }

    /// Reads a body of the given framing, refusing one longer than the limit before reading it where the length is
    /// declared.
    mutating func readBody(_ framing: BodyFraming, from socket: TCPSocket) throws(HTTP1Error) -> [UInt8] {
        switch framing {
        case .length(let count):
            guard count <= limits.maxBody else { throw .tooLarge }
            return try readExactly(count, from: socket)
        case .chunked:
            return try readChunked(from: socket)
        case .untilClose:
            while try fill(socket, timeoutMs: messageTimeLeft) {
                if buffer.count - start > limits.maxBody { throw .tooLarge }
            }
            let body = Array(buffer[start...])
            consume(upTo: buffer.count)
            return body
        }
    }

    /// The framing of a request's body: chunked, a Content-Length, or none.
    static func requestFraming(_ headers: [(String, String)]) throws(HTTP1Error) -> BodyFraming {
        if let coding = headers.value(of: "transfer-encoding") {
            guard coding.hasSuffixIgnoringCase("chunked") else { throw .malformed("unsupported Transfer-Encoding") }
            return .chunked
        }
        return .length(try contentLength(headers) ?? 0)
    }

    /// The framing of a response's body, which also depends on its status.
    static func responseFraming(status: Int, _ headers: [(String, String)]) throws(HTTP1Error) -> BodyFraming {
        if (100..<200).contains(status) || status == 204 || status == 304 { return .length(0) }
        if let coding = headers.value(of: "transfer-encoding"), coding.hasSuffixIgnoringCase("chunked") { return .chunked }
        if let length = try contentLength(headers) { return .length(length) }
        return .untilClose
    }

    /// The Content-Length, when given; several fields must agree.
    private static func contentLength(_ headers: [(String, String)]) throws(HTTP1Error) -> Int? {
        var length: Int?
        for (name, value) in headers where name.sameIgnoringCase("content-length") {
            guard !value.isEmpty, value.utf8.allSatisfy({ (48...57).contains($0) }), value.utf8.count <= 18, let parsed = Int(value)
            else { throw .malformed("bad Content-Length") }
            if let length, length != parsed { throw .malformed("conflicting Content-Length") }
            length = parsed
        }
        return length
    }

    private mutating func readExactly(_ count: Int, from socket: TCPSocket) throws(HTTP1Error) -> [UInt8] {
        while buffer.count - start < count {
            guard try fill(socket, timeoutMs: messageTimeLeft) else { throw .truncated }
        }
        let bytes = Array(buffer[start..<(start + count)])
        consume(upTo: start + count)
        return bytes
    }

    private mutating func readLine(from socket: TCPSocket) throws(HTTP1Error) -> ArraySlice<UInt8> {
        var searchFrom = start
        while true {
            if let end = find(crlf, from: searchFrom) {
                let line = buffer[start..<end]
                consume(upTo: end + 2)
                return line
            }
            if buffer.count - start > limits.maxHead { throw .tooLarge }
            searchFrom = max(start, buffer.count - 1)
            guard try fill(socket, timeoutMs: messageTimeLeft) else { throw .truncated }
        }
    }

    private mutating func readChunked(from socket: TCPSocket) throws(HTTP1Error) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let line = try readLine(from: socket)
            let sizeDigits = line.prefix { $0 != UInt8(ascii: ";") }.filter { $0 != 32 && $0 != 9 }
            guard !sizeDigits.isEmpty, sizeDigits.count <= 15, let size = Int(String(decoding: sizeDigits, as: UTF8.self), radix: 16)
            else { throw .malformed("bad chunk size") }
            if size == 0 {
                // Trailer fields, if any, up to an empty line; dropped.
                while try !readLine(from: socket).isEmpty {}
                return body
            }
            guard body.count + size <= limits.maxBody else { throw .tooLarge }
            body += try readExactly(size, from: socket)
            guard try readExactly(2, from: socket) == crlf else { throw .malformed("chunk not followed by CRLF") }
        }
    }

    /// What is left of the read time for the message that has begun: a client that sends a byte now and then (a
    /// slow loris) is cut off when the whole message is late, not only when one gap is long.
    private var messageTimeLeft: Int32? {
        guard let readTimeoutMs = limits.readTimeoutMs else { return nil }
        guard let deadline else { return readTimeoutMs }
        return Int32(clamping: max(0, deadline - SystemClock.nowEpochMilliseconds()))
    }

    /// Reads what has arrived; false at the end of the stream.
    private mutating func fill(_ socket: TCPSocket, timeoutMs: Int32?) throws(HTTP1Error) -> Bool {
        if let timeoutMs, !socket.waitForIncoming(timeoutMs: timeoutMs) { throw .timedOut }
        // Not cleared: receive writes the bytes it reports, and clearing 64 KB cost every cold start 16 page faults
        // for pages a small message never reaches.
        if scratch.isEmpty { scratch = [UInt8](unsafeUninitializedCapacity: 64 * 1024) { _, count in count = 64 * 1024 } }
        let received: Int
        do { received = try socket.receive(into: &scratch) } catch {
            throw error.isPeerClosed ? (hasBufferedBytes ? .truncated : .closed) : .system(error)
        }
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer += scratch[..<received]
        return received > 0
    }

    private mutating func consume(upTo index: Int) {
        start = index
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 64 * 1024 {
            buffer.removeFirst(start)
            start = 0
        }
    }

    private func find(_ needle: [UInt8], from index: Int) -> Int? {
        guard buffer.count - index >= needle.count else { return nil }
        return buffer.withUnsafeBufferPointer { hay -> Int? in
            var at = index
            let last = hay.count - needle.count
            while at <= last {
                if hay[at] == needle[0] {
                    var matched = 1
                    while matched < needle.count && hay[at + matched] == needle[matched] { matched += 1 }
                    if matched == needle.count { return at }
                }
                at += 1
            }
            return nil
        }
    }

    /// Splits the head into its start line's three parts and its header fields, blanks around values removed; one pass
    /// over the bytes, a string made only for what is kept.
    static func parseHead(_ head: ArraySlice<UInt8>) throws(HTTP1Error) -> MessageHead {
        var parsed = MessageHead(first: "", second: "", third: "", headers: [])
        var lineStart = head.startIndex
        var isFirst = true
        while lineStart < head.endIndex {
            var lineEnd = lineStart
            while lineEnd < head.endIndex && head[lineEnd] != 10 { lineEnd += 1 }
            let contentEnd = lineEnd > lineStart && head[lineEnd - 1] == 13 ? lineEnd - 1 : lineEnd
            if isFirst {
                // "METHOD TARGET VERSION" or "VERSION STATUS REASON", the reason possibly empty or with blanks.
                guard let space = head[lineStart..<contentEnd].firstIndex(of: 32), space > lineStart else {
                    throw .malformed("bad start line")
                }
                let secondEnd = head[(space + 1)..<contentEnd].firstIndex(of: 32) ?? contentEnd
                guard secondEnd > space + 1 else { throw .malformed("bad start line") }
                parsed.first = String(decoding: head[lineStart..<space], as: UTF8.self)
                parsed.second = String(decoding: head[(space + 1)..<secondEnd], as: UTF8.self)
                parsed.third = secondEnd < contentEnd ? String(decoding: head[(secondEnd + 1)..<contentEnd], as: UTF8.self) : ""
                isFirst = false
            } else {
                guard let colon = head[lineStart..<contentEnd].firstIndex(of: 58), colon > lineStart, head[lineStart] != 32,
                    head[lineStart] != 9
                else { throw .malformed("bad header line") }
                var valueStart = colon + 1
                var valueEnd = contentEnd
                while valueStart < valueEnd, head[valueStart] == 32 || head[valueStart] == 9 { valueStart += 1 }
                while valueEnd > valueStart, head[valueEnd - 1] == 32 || head[valueEnd - 1] == 9 { valueEnd -= 1 }
                parsed.headers.append(
                    (String(decoding: head[lineStart..<colon], as: UTF8.self), String(decoding: head[valueStart..<valueEnd], as: UTF8.self))
                )
            }
            lineStart = lineEnd + 1
        }
        guard !isFirst else { throw .malformed("bad start line") }
        return parsed
    }
}

let crlf: [UInt8] = [13, 10]
private let crlfcrlf: [UInt8] = [13, 10, 13, 10]
