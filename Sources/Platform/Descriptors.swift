import CPlatform

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
#error("Platform supports Darwin, Glibc and Musl")
#endif

// Every descriptor this process makes is closed on exec from the moment it exists, so that the trigger processes the
// endpoint starts keep none of its listening sockets, connections or other children's output. The endpoint starts
// instances on several threads while others accept connections: a flag set a moment after the descriptor exists
// could miss a spawn in between. On Linux the calls take the flag (SOCK_CLOEXEC, accept4, pipe2, O_CLOEXEC); Darwin
// has neither accept4 nor pipe2, so there the flag follows at once (CPlatform's descriptors.c).

#if canImport(Glibc)
let streamSocketType = Int32(SOCK_STREAM.rawValue)
private let closedOnExec = Int32(SOCK_CLOEXEC.rawValue)
#elseif canImport(Musl)
let streamSocketType = SOCK_STREAM
private let closedOnExec = SOCK_CLOEXEC
#else
let streamSocketType = SOCK_STREAM
#endif

/// A new socket, closed on exec; -1 on failure, with `errno` set.
func makeSocket(family: Int32, type: Int32, protocol: Int32) -> Int32 {
    #if canImport(Darwin)
    let fd = socket(family, type, `protocol`)
    if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return fd
    #else
    return socket(family, type | closedOnExec, `protocol`)
    #endif
}

/// The next connection on a listening socket, closed on exec; -1 on failure, with `errno` set.
func acceptConnection(_ listening: Int32) -> Int32 { cplatform_accept_cloexec(listening) }

/// A pipe, both ends closed on exec (`dup2` gives a child its own copy without the flag); false on failure.
func makePipe(_ ends: inout [Int32]) -> Bool { cplatform_pipe_cloexec(&ends) == 0 }

/// `close(2)`, under a name the types' own `close()` methods do not hide.
func closeDescriptor(_ fd: Int32) { _ = close(fd) }

/// Waits until `fd` has bytes to read or its peer closed it, at most `timeoutMs` (-1: as long as it takes); false when
/// the time ran out or the wait failed.
func waitUntilReadable(_ fd: Int32, timeoutMs: Int32) -> Bool {
    var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    return retryingOnInterrupt { poll(&entry, 1, timeoutMs) } > 0
}
