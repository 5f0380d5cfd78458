import Platform

/// Why reading or writing a message failed.
package enum HTTP1Error: Error, Equatable, CustomStringConvertible {
    /// The peer closed the connection, or reset it, before a message began: on a kept-alive connection, the usual end.
    case closed
    /// The peer closed the connection inside a message.
    case truncated
    /// The bytes are not HTTP/1.1 as this layer reads it.
    case malformed(String)
    /// The head, or the body's declared or received length, is over the limit.
    case tooLarge
    /// Nothing arrived within the time allowed.
    case timedOut
    /// A system call failed.
    case system(SystemCallError)

    package var description: String {
        switch self {
        case .closed: "the peer closed the connection"
        case .truncated: "the peer closed the connection inside a message"
        case .malformed(let detail): "malformed HTTP/1.1: \(detail)"
        case .tooLarge: "the message is over the size limit"
        case .timedOut: "timed out waiting for the peer"
        case .system(let error): error.description
        }
    }

    /// The peer had closed the line before it saw anything of this exchange (worth one retry on a reused connection).
    var isPeerClosed: Bool {
        switch self {
        case .closed: true
        case .system(let error): error.isPeerClosed
        default: false
        }
    }
}

/// The sizes and times a connection allows.
package struct HTTPLimits: Sendable {
    /// The longest head (request or status line and header fields).
    var maxHead: Int
    /// The longest body.
    var maxBody: Int
    /// How long to wait for the next message on an open connection, in milliseconds; nil waits as long as it takes.
    var idleTimeoutMs: Int32?
    /// How long a message may take to arrive in full once its first byte has, in milliseconds (the head and the body
    /// together, however the bytes trickle in); nil waits as long as it takes.
    var readTimeoutMs: Int32?

    package init(maxHead: Int = 64 * 1024, maxBody: Int = 6 << 20, idleTimeoutMs: Int32? = nil, readTimeoutMs: Int32? = nil) {
        self.maxHead = maxHead
        self.maxBody = maxBody
        self.idleTimeoutMs = idleTimeoutMs
        self.readTimeoutMs = readTimeoutMs
    }
}
