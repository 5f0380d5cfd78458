/// A system call that failed, with the C library's words for its `errno`.
package struct SystemCallError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The `errno` value.
    let code: Int32
    /// What was being done, such as `recv` or `cannot connect to 127.0.0.1:9001`.
    let operation: String

    init(_ operation: String, code: Int32) {
        self.operation = operation
        self.code = code
    }

    /// The failure of the call that just returned, from `errno`.
    static func last(_ operation: String) -> SystemCallError { SystemCallError(operation, code: System.lastErrorCode) }

    /// The process or the system ran out of descriptors or memory for it: a call that may work once some are freed.
    package var isResourceShortage: Bool { System.isResourceShortage(code) }

    /// The peer closed or reset the connection.
    package var isPeerClosed: Bool { System.isPeerClosed(code) }

    /// The C library's words for the error, such as `No such file or directory`.
    package var message: String { System.errorMessage(code) }

    package var description: String { code == 0 ? operation : "\(operation): \(message)" }
}
