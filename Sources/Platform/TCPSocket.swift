#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
#error("Platform supports Darwin, Glibc and Musl")
#endif

/// A connected TCP socket: the calls a blocking HTTP/1.1 client makes.
package struct TCPSocket: Sendable {
    /// The file descriptor; -1 once closed.
    private(set) var descriptor: Int32

    /// Connects to `host`:`port`, trying each address the name resolves to, with Nagle's algorithm off (requests
    /// are written whole).
    package static func connect(host: String, port: UInt16) throws(SystemCallError) -> TCPSocket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = streamSocketType
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw SystemCallError("cannot resolve \(host): \(String(cString: gai_strerror(status)))", code: 0)
        }
        defer { freeaddrinfo(list) }
        var lastErrno: Int32 = 0
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            let fd = makeSocket(family: info.pointee.ai_family, type: info.pointee.ai_socktype, protocol: info.pointee.ai_protocol)
            if fd >= 0 {
                if systemConnect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return TCPSocket(connected: fd) }
                lastErrno = errno
                closeDescriptor(fd)
            } else {
                lastErrno = errno
            }
            entry = info.pointee.ai_next
        }
        throw SystemCallError("cannot connect to \(host):\(port)", code: lastErrno)
    }

    /// A connected socket with Nagle's algorithm off (requests and answers are written whole) and, on Darwin,
    /// which has no MSG_NOSIGNAL, SIGPIPE off.
    init(connected fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Darwin)
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        descriptor = fd
    }

    /// Sends all of `bytes`; a peer that closed gives an error whose `isPeerClosed` is true, never a SIGPIPE.
    package func sendAll(_ bytes: [UInt8]) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            let sent = retryingOnInterrupt {
                bytes.withUnsafeBytes { send(descriptor, $0.baseAddress! + offset, $0.count - offset, noSignal) }
            }
            if sent < 0 { throw .last("send") }
            offset += sent
        }
    }

    /// Reads what has arrived into `buffer`, waiting for at least one byte; 0 at end of stream.
    package func receive(into buffer: inout [UInt8]) throws(SystemCallError) -> Int {
        let received = retryingOnInterrupt { buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress!, $0.count, 0) } }
        guard received >= 0 else { throw .last("recv") }
        return received
    }

    /// Ends what this side sends (the peer reads to the end), then reads and drops what the peer still sends, up to
    /// `maxBytes` or for `timeoutMs`: a client still sending a refused body then finishes and reads the answer, instead
    /// of meeting a reset connection.
    package func finishAndDiscardIncoming(maxBytes: Int, timeoutMs: Int64) {
        _ = shutdown(descriptor, Int32(SHUT_WR))
        let deadline = SystemClock.nowEpochMilliseconds() + timeoutMs
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var discarded = 0
        while discarded < maxBytes {
            let left = deadline - SystemClock.nowEpochMilliseconds()
            guard left > 0, waitUntilReadable(descriptor, timeoutMs: Int32(left)), let count = try? receive(into: &buffer), count > 0
            else { return }
            discarded += count
        }
    }

    /// Waits until bytes have arrived or the peer closed, at most `timeoutMs` (-1: as long as it takes); false when the
    /// time ran out.
    package func waitForIncoming(timeoutMs: Int32) -> Bool { waitUntilReadable(descriptor, timeoutMs: timeoutMs) }

    package mutating func close() {
        if descriptor >= 0 { closeDescriptor(descriptor) }
        descriptor = -1
    }
}

#if canImport(Glibc)
private let noSignal = Int32(MSG_NOSIGNAL)
#elseif canImport(Musl)
private let noSignal = MSG_NOSIGNAL
#else
private let noSignal: Int32 = 0
#endif

// The C functions under names that the methods above do not hide.
private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>!, _ length: socklen_t) -> Int32 {
    connect(fd, address, length)
}
