#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
#error("Platform supports Darwin, Glibc and Musl")
#endif

/// A listening TCP socket on an IPv4 address, for the local servers (the Cognito endpoint and the Runtime APIs it
/// serves to the functions).
package struct TCPListener: Sendable {
    let descriptor: Int32
    /// The port it listens on (the kernel's choice when asked for 0).
    package let port: UInt16

    /// Listens on `host` (an IPv4 address such as 127.0.0.1) and `port`; 0 asks the kernel for a free port.
    package static func listen(host: String, port: UInt16) throws(SystemCallError) -> TCPListener {
        let fd = makeSocket(family: AF_INET, type: streamSocketType, protocol: 0)
        guard fd >= 0 else { throw .last("socket") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            closeDescriptor(fd)
            throw SystemCallError("\(host) is not an IPv4 address", code: 0)
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let error = SystemCallError.last("cannot listen on \(host):\(port)")
            closeDescriptor(fd)
            throw error
        }
        guard systemListen(fd, 128) == 0 else { throw .last("listen") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return TCPListener(descriptor: fd, port: UInt16(bigEndian: address.sin_port))
    }

    /// Stops listening: a thread waiting in `accept()`, and every later call, gets an error (on Linux; Darwin does
    /// not wake a waiting `accept()`). The descriptor stays open until `close()`, so its number is not reused while
    /// another thread may still call `accept()` with it.
    package func stopListening() { _ = shutdown(descriptor, Int32(SHUT_RDWR)) }

    package func close() { closeDescriptor(descriptor) }

    /// Waits for the next connection.
    package func accept() throws(SystemCallError) -> TCPSocket {
        while true {
            let fd = acceptConnection(descriptor)
            if fd >= 0 { return TCPSocket(connected: fd) }
            if errno != EINTR && errno != ECONNABORTED { throw .last("accept") }
        }
    }
}

private func systemListen(_ fd: Int32, _ backlog: Int32) -> Int32 { listen(fd, backlog) }
