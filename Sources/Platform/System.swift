// The one file of Platform that imports the C library: every system call the module makes is a thin wrapper here,
// so the platform branches and the handling of EINTR are in one place and the other files are plain Swift.

import CPlatform

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import CKernelRandom
import Glibc
#elseif canImport(Musl)
import CKernelRandom
import Musl
#else
#error("unsupported platform")
#endif

/// Calls `call` again for as long as it fails with `EINTR` (a signal arrived first, and its handler was installed
/// without `SA_RESTART`), and returns the first result that is not such a failure, with `errno` as the call left it.
/// The one place Platform retries interrupted calls.
func retryingOnInterrupt<Result: SignedInteger>(_ call: () -> Result) -> Result {
    while true {
        let result = call()
        if result >= 0 || errno != EINTR { return result }
    }
}

/// The system calls Platform makes, each taking and giving Swift values. A failure is -1, nil or false with `errno`
/// set, for `SystemCallError.last`, or a `Result` where the error needs more words than errno's.
enum System {
    // MARK: Errors

    /// `errno` as the last call left it.
    static var lastErrorCode: Int32 { errno }

    /// The C library's words for `code`.
    static func errorMessage(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// Out of descriptors or memory: a call that may work once some are freed.
    static func isResourceShortage(_ code: Int32) -> Bool {
        code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM
    }

    /// The peer closed or reset the connection.
    static func isPeerClosed(_ code: Int32) -> Bool { code == EPIPE || code == ECONNRESET }

    // MARK: Descriptors

    /// `close(2)`, never retried after EINTR. Linux releases the number before it can be interrupted, so a retry
    /// would close whatever descriptor another thread was given in between; POSIX leaves the state unspecified,
    /// and Darwin is treated the same.
    static func close(_ fd: Int32) -> Int32 { cClose(fd) }

    /// `read(2)`: the count, 0 at end of file, -1 on failure.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        retryingOnInterrupt { cRead(fd, buffer.baseAddress, buffer.count) }
    }

    /// `write(2)`: the count written (perhaps short), -1 on failure.
    static func write(_ fd: Int32, from bytes: UnsafeRawBufferPointer) -> Int {
        retryingOnInterrupt { cWrite(fd, bytes.baseAddress, bytes.count) }
    }

    /// Waits until `fd` has bytes to read or its peer closed it, at most `timeoutMs` (-1: as long as it takes);
    /// false when the time ran out or the wait failed. A signal does not restart the whole wait, only what is left.
    static func waitUntilReadable(_ fd: Int32, timeoutMs: Int32) -> Bool {
        // In nanoseconds, and what is left rounded up: a deadline in whole milliseconds would end the wait up to 1 ms
        // early after a signal (started at 1000.9 ms, it would end at 1300.0, not 1300.9).
        let deadline = monotonicNanoseconds() + Int64(timeoutMs) * 1_000_000
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = retryingOnInterrupt {
            let left = timeoutMs < 0 ? -1 : Int32(clamping: max(0, (deadline - monotonicNanoseconds() + 999_999) / 1_000_000))
            return poll(&entry, 1, left)
        }
        return ready > 0
    }

    /// How many bytes are waiting to be read on `fd`; 0 if that cannot be told.
    static func bytesReadable(_ fd: Int32) -> Int {
        var count: Int32 = 0
        return ioctl(fd, bytesReadableRequest, &count) == 0 ? Int(count) : 0
    }

    /// A pipe, both ends closed on exec; nil on failure.
    static func pipe() -> (read: Int32, write: Int32)? {
        var ends: [Int32] = [-1, -1]
        guard cplatform_pipe_cloexec(&ends) == 0 else { return nil }
        return (ends[0], ends[1])
    }

    /// Whether `fd` is an open descriptor of this process.
    static func isOpen(_ fd: Int32) -> Bool { fcntl(fd, F_GETFD) != -1 }

    // MARK: Files

    /// Opens an existing file for reading.
    static func openForReading(_ path: String) -> Int32 {
        retryingOnInterrupt { open(path, O_RDONLY | O_CLOEXEC) }
    }

    /// Opens a file for appending, creating it (mode 0600) if needed.
    static func openForAppending(_ path: String) -> Int32 {
        retryingOnInterrupt { open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600) }
    }

    /// Creates a new file (mode 0600) for writing; fails if anything, a symbolic link included, is at `path`.
    static func createNew(_ path: String) -> Int32 {
        retryingOnInterrupt { open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600) }
    }

    static func synchronize(_ fd: Int32) -> Bool { retryingOnInterrupt { fsync(fd) } == 0 }

    static func removeFile(_ path: String) -> Bool { unlink(path) == 0 }

    static func rename(_ from: String, to: String) -> Bool { cRename(from, to) == 0 }

    static func makeDirectory(_ path: String) -> Bool { mkdir(path, 0o700) == 0 }

    /// The names in a directory, without `.` and `..`; nil when it cannot be opened.
    static func directoryEntries(_ path: String) -> [String]? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Where a symbolic link points (for `/proc/PID/fd/N`: `socket:[INODE]`); nil when `path` is no link.
    static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let count = buffer.withUnsafeMutableBufferPointer { readlink(path, $0.baseAddress!, $0.count) }
        guard count >= 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func isReadable(_ path: String) -> Bool { access(path, R_OK) == 0 }

    /// What `stat(2)` (or `lstat(2)`, which does not follow a last symbolic link) tells of a path; nil when it fails.
    static func fileStatus(_ path: String, followingLinks: Bool) -> FileStatus? {
        var info = stat()
        guard (followingLinks ? stat(path, &info) : lstat(path, &info)) == 0 else { return nil }
        return FileStatus(
            isDirectory: (info.st_mode & S_IFMT) == S_IFDIR, isOwnedByThisUser: info.st_uid == geteuid(),
            permissions: Int(info.st_mode & 0o7777))
    }

    struct FileStatus {
        let isDirectory: Bool
        let isOwnedByThisUser: Bool
        /// The permission bits, such as 0o700.
        let permissions: Int
    }

    /// Flushes the C library's buffered streams.
    static func flushBufferedOutput() { fflush(nil) }

    static func exitProcess(_ status: Int32) -> Never { exit(status) }

    // MARK: Sockets

    /// Connects a TCP socket (closed on exec, Nagle's algorithm off) to `host`:`port`, trying each address the name
    /// resolves to. A connect interrupted by a signal is not retried: the connection goes on in the background and
    /// a second call fails, so it counts as failed for that address.
    static func connectTCP(host: String, port: UInt16) -> Result<Int32, SystemCallError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = streamSocketType
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            return .failure(SystemCallError("cannot resolve \(host): \(String(cString: gai_strerror(status)))", code: 0))
        }
        defer { freeaddrinfo(list) }
        var lastCode: Int32 = 0
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            let fd = makeSocket(family: info.pointee.ai_family, type: info.pointee.ai_socktype, protocol: info.pointee.ai_protocol)
            if fd >= 0 {
                if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                    prepareConnection(fd)
                    return .success(fd)
                }
                lastCode = errno
                _ = close(fd)
            } else {
                lastCode = errno
            }
            entry = info.pointee.ai_next
        }
        return .failure(SystemCallError("cannot connect to \(host):\(port)", code: lastCode))
    }

    /// A TCP socket (closed on exec) listening on `host` (an IPv4 address) and `port`, 0 for the kernel's choice;
    /// the descriptor and the port it listens on.
    static func listenTCP(host: String, port: UInt16) -> Result<(fd: Int32, port: UInt16), SystemCallError> {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            return .failure(SystemCallError("\(host) is not an IPv4 address", code: 0))
        }
        let fd = makeSocket(family: AF_INET, type: streamSocketType, protocol: 0)
        guard fd >= 0 else { return .failure(.last("socket")) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let failure = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address -> SystemCallError? in
                if bind(fd, address, length) != 0 { return .last("cannot listen on \(host):\(port)") }
                if listen(fd, 128) != 0 { return .last("listen") }
                if getsockname(fd, address, &length) != 0 { return .last("getsockname") }
                return nil
            }
        }
        if let failure {
            _ = close(fd)
            return .failure(failure)
        }
        return .success((fd, UInt16(bigEndian: address.sin_port)))
    }

    /// The next connection on a listening socket (closed on exec, Nagle's algorithm off); a connection the peer
    /// aborted before it was taken is skipped.
    static func accept(_ listening: Int32) -> Int32 {
        while true {
            let fd = retryingOnInterrupt { cplatform_accept_cloexec(listening) }
            if fd >= 0 {
                prepareConnection(fd)
                return fd
            }
            if errno != ECONNABORTED { return -1 }
        }
    }

    /// Both ends of a connected IPv4 socket as `/proc/net/tcp` writes them (the address as the kernel's 32-bit value
    /// in hex, then the port in hex: `0100007F:1F90`): this side's, then the peer's; nil when either is unknown.
    static func socketEnds(_ fd: Int32) -> (local: String, remote: String)? {
        func end(_ call: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32) -> String? {
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let status = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { call(fd, $0, &length) }
            }
            guard status == 0, Int32(address.sin_family) == AF_INET else { return nil }
            func hex(_ value: UInt32, _ digits: Int) -> String {
                let text = String(value, radix: 16, uppercase: true)
                return String(repeating: "0", count: max(0, digits - text.count)) + text
            }
            return hex(address.sin_addr.s_addr, 8) + ":" + hex(UInt32(UInt16(bigEndian: address.sin_port)), 4)
        }
        guard let local = end({ getsockname($0, $1, $2) }), let remote = end({ getpeername($0, $1, $2) }) else { return nil }
        return (local, remote)
    }

    /// `send(2)` that never raises SIGPIPE: a peer that closed is an EPIPE failure.
    static func send(_ fd: Int32, from bytes: UnsafeRawBufferPointer) -> Int {
        retryingOnInterrupt { cSend(fd, bytes.baseAddress, bytes.count, noSignal) }
    }

    /// `recv(2)`: the count, 0 at end of stream, -1 on failure.
    static func receive(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        retryingOnInterrupt { recv(fd, buffer.baseAddress, buffer.count, 0) }
    }

    /// Ends what this side sends; the peer reads to the end.
    static func shutdownWriting(_ fd: Int32) { _ = shutdown(fd, Int32(SHUT_WR)) }

    /// Ends both directions: on Linux a thread waiting in `accept` on a listening socket wakes with an error.
    static func shutdownBoth(_ fd: Int32) { _ = shutdown(fd, Int32(SHUT_RDWR)) }

    /// A new socket, closed on exec. Linux takes the flag in the call; Darwin has no SOCK_CLOEXEC, so there it is
    /// set right after, which leaves a moment in which a spawn on another thread would inherit the socket.
    private static func makeSocket(family: Int32, type: Int32, protocol: Int32) -> Int32 {
        #if canImport(Darwin)
        let fd = socket(family, type, `protocol`)
        if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return fd
        #else
        return socket(family, type | closedOnExec, `protocol`)
        #endif
    }

    /// Nagle's algorithm off (requests and answers are written whole) and, on Darwin, which has no MSG_NOSIGNAL,
    /// SIGPIPE off.
    private static func prepareConnection(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Darwin)
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    // MARK: Processes

    /// Starts `path` with `arguments` and exactly `environment`, standard input and output on /dev/null and
    /// standard error on `standardError`, with no signal blocked and every one at its default action, whatever
    /// the calling thread blocked or ignored. The process id, or the error code posix_spawn returned.
    static func spawn(
        _ path: String, arguments: [String], environment: [String: String], standardError: Int32
    ) -> Result<Int32, SystemCallError> {
        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t? = nil
        var attributes: posix_spawnattr_t? = nil
        #else
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        // dup2 gives the child a copy without close-on-exec; the original, like every other descriptor, is closed.
        posix_spawn_file_actions_adddup2(&actions, standardError, 2)
        // Ours are all close-on-exec, but a library's may not be (Foundation's Process and Pipe in the tests): a
        // function process that kept one would hold another child's pipe or exit notice open for its whole life.
        _ = cplatform_spawn_close_from(&actions, 3)
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        sigfillset(&signals)
        posix_spawnattr_setsigdefault(&attributes, &signals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        return status == 0 ? .success(pid) : .failure(SystemCallError("cannot start \(path)", code: status))
    }

    enum Signal {
        case terminate
        case kill

        fileprivate var number: Int32 { self == .terminate ? SIGTERM : SIGKILL }
    }

    /// Sends `signal` to the process `pid`.
    static func signal(_ pid: Int32, _ signal: Signal) { _ = kill(pid, signal.number) }

    /// Waits until the child `pid` has ended, without reaping it: its id stays its own (no new process can take it)
    /// until `reap`. False when the wait failed (no such child).
    static func waitForEnd(of pid: Int32) -> Bool {
        var info = siginfo_t()
        return retryingOnInterrupt { waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) } == 0
    }

    /// Reaps the child `pid`, waiting for it to end if need be: its exit status, or 128 plus the signal that ended
    /// it, as a shell reports it; nil when the wait failed (no such child, or reaped before).
    static func reap(_ pid: Int32) -> Int32? {
        var status: Int32 = 0
        guard retryingOnInterrupt({ waitpid(pid, &status, 0) }) == pid else { return nil }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    // MARK: Threads

    /// Runs `body` on a new thread that nobody joins; false if the system would not make one.
    static func startDetachedThread(_ body: @escaping @Sendable () -> Void) -> Bool {
        let work = Unmanaged.passRetained(ThreadWork(body)).toOpaque()
        #if canImport(Darwin)
        var thread: pthread_t? = nil
        let status = pthread_create(&thread, nil, { ThreadWork.run($0) }, work)
        if status == 0, let thread { pthread_detach(thread) }
        #else
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { ThreadWork.run($0!) }, work)
        if status == 0 { pthread_detach(thread) }
        #endif
        if status != 0 { Unmanaged<ThreadWork>.fromOpaque(work).release() }
        return status == 0
    }

    /// What a new thread runs, passed to it through pthread_create's one pointer.
    private final class ThreadWork {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }

        static func run(_ raw: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
            Unmanaged<ThreadWork>.fromOpaque(raw).takeRetainedValue().body()
            return nil
        }
    }

    // MARK: Time

    /// The wall clock, in milliseconds since 1970.
    static func realtimeMilliseconds() -> Int64 { milliseconds(of: CLOCK_REALTIME) }

    /// A clock that only moves forward, in nanoseconds: for a deadline kept across signals.
    static func monotonicNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    private static func milliseconds(of clock: clockid_t) -> Int64 {
        var now = timespec()
        clock_gettime(clock, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    /// Blocks for `milliseconds`; after a signal, sleeps what is left.
    static func sleep(milliseconds: Int64) {
        var request = timespec(tv_sec: Int(milliseconds / 1000), tv_nsec: Int(milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        _ = retryingOnInterrupt {
            let result = nanosleep(&request, &remaining)
            request = remaining
            return result
        }
    }

    #if os(Linux)
    /// The CPU time of another process's whole thread group, in milliseconds: its scheduler clock, by
    /// clock_getcpuclockid's encoding on Linux; nil once it is reaped.
    static func processCPUMilliseconds(_ pid: Int32) -> Double? {
        var time = timespec()
        guard clock_gettime(clockid_t((~pid) << 3 | 2), &time) == 0 else { return nil }
        return Double(time.tv_sec) * 1e3 + Double(time.tv_nsec) / 1e6
    }
    #endif

    #if os(Linux)
    /// Milliseconds since boot, counting time suspended, and the kernel's clock ticks per second (`/proc`'s unit);
    /// nil when the tick rate cannot be read.
    static func bootClock() -> (sinceBootMs: Int64, ticksPerSecond: Int64)? {
        let ticksPerSecond = Int64(sysconf(Int32(_SC_CLK_TCK)))
        guard ticksPerSecond > 0 else { return nil }
        return (milliseconds(of: CLOCK_BOOTTIME), ticksPerSecond)
    }
    #endif

    // MARK: Randomness

    /// One draw from the kernel's cryptographically secure generator into `buffer`: the count, -1 on failure.
    static func randomBytes(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        #if canImport(Darwin)
        // getentropy(2) gives at most 256 bytes a call.
        let size = min(256, buffer.count)
        return getentropy(buffer.baseAddress!, size) == 0 ? size : -1
        #else
        // getrandom(2) without GRND_NONBLOCK waits only until the kernel's pool is first initialised, at boot.
        return retryingOnInterrupt { getrandom(buffer.baseAddress, buffer.count, 0) }
        #endif
    }

    // MARK: Environment

    /// Every environment variable, name and value split at the first `=` byte, as getenv(3) does; an entry
    /// without one is left out. Bytes that are not UTF-8 are replaced, as `String(cString:)` does.
    static func environmentVariables() -> [String: String] {
        #if canImport(Darwin)
        let start = _NSGetEnviron().pointee!
        #else
        let start = environ
        #endif
        var count = 0
        while start[count] != nil { count += 1 }
        var variables: [String: String] = [:]
        variables.reserveCapacity(count)
        for index in 0..<count {
            let entry = UnsafeRawPointer(start[index]!).assumingMemoryBound(to: UInt8.self)
            let length = strlen(start[index]!)
            guard let equals = memchr(entry, Int32(UInt8(ascii: "=")), length) else { continue }
            let nameLength = UnsafeRawPointer(equals) - UnsafeRawPointer(entry)
            let name = String(decoding: UnsafeBufferPointer(start: entry, count: nameLength), as: UTF8.self)
            variables[name] = String(
                decoding: UnsafeBufferPointer(start: entry + nameLength + 1, count: length - nameLength - 1), as: UTF8.self)
        }
        return variables
    }

    static func setEnvironment(_ name: String, to value: String) { setenv(name, value, 1) }

    static func removeEnvironment(_ name: String) { unsetenv(name) }
}

// The C functions whose names `System`'s own methods hide inside the enum.
private func cClose(_ fd: Int32) -> Int32 { close(fd) }
private func cRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, buffer, count) }
private func cWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int { write(fd, buffer, count) }
private func cRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }
private func cSend(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int, _ flags: Int32) -> Int {
    send(fd, buffer, count, flags)
}

#if canImport(Glibc)
private let streamSocketType = Int32(SOCK_STREAM.rawValue)
private let closedOnExec = Int32(SOCK_CLOEXEC.rawValue)
private let noSignal = Int32(MSG_NOSIGNAL)
#elseif canImport(Musl)
private let streamSocketType = SOCK_STREAM
private let closedOnExec = SOCK_CLOEXEC
private let noSignal = MSG_NOSIGNAL
#else
private let streamSocketType = SOCK_STREAM
private let noSignal: Int32 = 0
#endif

/// `FIONREAD`, which Darwin defines with a macro Swift cannot import.
#if canImport(Darwin)
private let bytesReadableRequest: UInt = 0x4004_667F
#else
private let bytesReadableRequest = UInt(FIONREAD)
#endif
