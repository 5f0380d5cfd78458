#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
#error("Platform supports Darwin, Glibc and Musl")
#endif

/// A system call that failed, with the C library's words for its `errno`.
package struct SystemCallError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The `errno` value.
    package let code: Int32
    /// What was being done, such as `recv` or `cannot connect to 127.0.0.1:9001`.
    package let operation: String

    package init(_ operation: String, code: Int32) {
        self.operation = operation
        self.code = code
    }

    /// The failure of the call that just returned, from `errno`.
    static func last(_ operation: String) -> SystemCallError { SystemCallError(operation, code: errno) }

    /// The process or the system ran out of descriptors or memory for it: a call that may work once some are freed.
    package var isResourceShortage: Bool { code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM }

    /// The peer closed or reset the connection.
    package var isPeerClosed: Bool { code == EPIPE || code == ECONNRESET }

    /// The C library's words for the error, such as `No such file or directory`.
    package var message: String { String(cString: strerror(code)) }

    package var description: String { code == 0 ? operation : "\(operation): \(message)" }
}

/// Makes a system call again for as long as it fails with `EINTR` (a signal came first), and returns the first result
/// that is not such a failure, with `errno` as the call left it: the one place the package retries interrupted calls.
func retryingOnInterrupt<Result: SignedInteger>(_ call: () -> Result) -> Result {
    while true {
        let result = call()
        if result >= 0 || errno != EINTR { return result }
    }
}
