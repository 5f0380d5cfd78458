import Synchronization

/// A listening TCP socket on an IPv4 address, for the local servers (the Cognito endpoint and the Runtime APIs it
/// serves to the functions). It owns its descriptor, closed once, by `close()` or when the last reference goes.
package final class TCPListener: Sendable {
    private let owner: Mutex<FileDescriptor?>
    /// The port it listens on (the kernel's choice when asked for 0).
    package let port: UInt16

    /// Listens on `host` (an IPv4 address such as 127.0.0.1) and `port`; 0 asks the kernel for a free port.
    package static func listen(host: String, port: UInt16) throws(SystemCallError) -> TCPListener {
        let (fd, port) = try System.listenTCP(host: host, port: port).get()
        return TCPListener(FileDescriptor(owning: fd), port: port)
    }

    init(_ descriptor: consuming FileDescriptor, port: UInt16) {
        owner = Mutex(descriptor)
        self.port = port
    }

    /// The descriptor's number; -1 once closed.
    var descriptor: Int32 { owner.withLock { $0?.rawValue ?? -1 } }

    /// Stops listening: a thread waiting in `accept()`, and every later call, gets an error (on Linux; Darwin does
    /// not wake a waiting `accept()`). The descriptor stays open until `close()`, so its number is not reused while
    /// another thread may still call `accept()` with it; after `close()` this does nothing.
    package func stopListening() {
        owner.withLock { owner in
            if let fd = owner?.rawValue { System.shutdownBoth(fd) }
        }
    }

    /// Closes the socket, once `accept()` can no longer be running on another thread (after `stopListening()` woke
    /// it); a second `close()` does nothing.
    package func close() {
        let closing = owner.withLock { $0.take() }
        try? closing?.close()
    }

    /// Waits for the next connection.
    package func accept() throws(SystemCallError) -> TCPSocket {
        let fd = System.accept(descriptor)
        guard fd >= 0 else { throw .last("accept") }
        return TCPSocket(FileDescriptor(owning: fd))
    }
}
