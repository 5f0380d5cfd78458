// Every descriptor Platform makes is closed on exec from the moment it exists, so that the trigger processes the
// endpoint starts keep none of its listening sockets, connections or other children's output. The endpoint starts
// instances on several threads while others accept connections: a flag set a moment after the descriptor exists
// could miss a spawn in between. On Linux the calls take the flag (SOCK_CLOEXEC, accept4, pipe2, O_CLOEXEC); Darwin
// has neither accept4 nor pipe2, so there the flag follows at once (System.swift and CPlatform's descriptors.c).

/// Owns one open file descriptor and closes it exactly once: by `close()`, or when the owner goes away. Not
/// copyable, so no second owner can close the number again after the kernel has given it to someone else.
struct FileDescriptor: ~Copyable {
    /// The descriptor's number, for the calls that use it; valid while this owner lives.
    let rawValue: Int32

    /// Takes over `rawValue`, which must be open and owned by nothing else.
    init(owning rawValue: Int32) {
        precondition(rawValue >= 0, "no descriptor to own")
        self.rawValue = rawValue
    }

    /// Closes the descriptor; a failure (say, the last write to a file on a full disk) is reported, and the number
    /// is released all the same.
    consuming func close() throws(SystemCallError) {
        let fd = rawValue
        discard self
        if System.close(fd) != 0 { throw .last("close") }
    }

    deinit { _ = System.close(rawValue) }
}
