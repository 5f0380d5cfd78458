import Synchronization

/// A connected TCP socket: the calls a blocking HTTP/1.1 client or server makes. It owns its descriptor, which is
/// closed once, by `close()` or when the last reference goes; calls after `close()` fail with EBADF.
///
/// A class, so that the copies callers pass to other threads share one descriptor and one closing. The calls read
/// the descriptor's number and do not hold the lock while they wait, so `close()` belongs after the calls of other
/// threads have returned, as with any descriptor.
package final class TCPSocket: Sendable {
    private let owner: Mutex<FileDescriptor?>

    /// Connects to `host`:`port`, trying each address the name resolves to, with Nagle's algorithm off (requests
    /// are written whole).
    package static func connect(host: String, port: UInt16) throws(SystemCallError) -> TCPSocket {
        TCPSocket(FileDescriptor(owning: try System.connectTCP(host: host, port: port).get()))
    }

    init(_ descriptor: consuming FileDescriptor) { owner = Mutex(descriptor) }

    /// The descriptor's number; -1 once closed.
    var descriptor: Int32 { owner.withLock { $0?.rawValue ?? -1 } }

    /// Sends all of `bytes`; a peer that closed gives an error whose `isPeerClosed` is true, never a SIGPIPE.
    package func sendAll(_ bytes: [UInt8]) throws(SystemCallError) {
        let fd = descriptor
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { System.send(fd, from: UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            if sent < 0 { throw .last("send") }
            offset += sent
        }
    }

    /// Reads what has arrived into `buffer`, waiting for at least one byte; 0 at end of stream.
    package func receive(into buffer: inout [UInt8]) throws(SystemCallError) -> Int {
        let fd = descriptor
        let received = buffer.withUnsafeMutableBytes { System.receive(fd, into: $0) }
        guard received >= 0 else { throw .last("recv") }
        return received
    }

    /// Ends what this side sends (the peer reads to the end), then reads and drops what the peer still sends, up to
    /// `maxBytes` or for `timeoutMs`: a client still sending a refused body then finishes and reads the answer, instead
    /// of meeting a reset connection.
    package func finishAndDiscardIncoming(maxBytes: Int, timeoutMs: Int64) {
        let fd = descriptor
        System.shutdownWriting(fd)
        let deadline = SystemClock.nowEpochMilliseconds() + timeoutMs
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var discarded = 0
        while discarded < maxBytes {
            let left = deadline - SystemClock.nowEpochMilliseconds()
            guard left > 0, System.waitUntilReadable(fd, timeoutMs: Int32(clamping: left)),
                let count = try? receive(into: &buffer), count > 0
            else { return }
            discarded += count
        }
    }

    /// Waits until bytes have arrived or the peer closed, at most `timeoutMs` (-1: as long as it takes); false when the
    /// time ran out.
    package func waitForIncoming(timeoutMs: Int32) -> Bool { System.waitUntilReadable(descriptor, timeoutMs: timeoutMs) }

    /// This side's and the peer's address and port, as `/proc/net/tcp` writes them (`0100007F:1F90`); nil when not
    /// IPv4 or no longer connected.
    package var ends: (local: String, remote: String)? { System.socketEnds(descriptor) }

    /// Closes the socket; later calls, and a second `close()`, do nothing to whatever gets the number next.
    package func close() {
        let closing = owner.withLock { $0.take() }
        try? closing?.close()
    }
}
