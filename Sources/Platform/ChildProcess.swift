#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
#error("Platform supports Darwin, Glibc and Musl")
#endif

/// A child process started with its own environment, its standard error read through a pipe.
package struct ChildProcess: Sendable {
    let pid: Int32
    /// The read end of the child's standard error.
    let standardError: Int32

    /// Starts `path` with `arguments` and exactly `environment`; standard input and output are /dev/null.
    package static func spawn(
        _ path: String, arguments: [String] = [], environment: [String: String]
    ) throws(SystemCallError) -> ChildProcess {
        var ends: [Int32] = [-1, -1]
        // Neither end lives on in later children; dup2 gives this child its own standard error without the flag.
        guard makePipe(&ends) else { throw .last("pipe") }
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
        posix_spawn_file_actions_adddup2(&actions, ends[1], 2)
        // A fresh process's signals, whatever thread starts it: none blocked, every one at its default action.
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
        close(ends[1])
        guard status == 0 else {
            close(ends[0])
            throw SystemCallError("cannot start \(path)", code: status)
        }
        return ChildProcess(pid: pid, standardError: ends[0])
    }

    /// The child's process id, for logs.
    package var processID: Int32 { pid }

    /// Reads what the child wrote to standard error into `buffer`; 0 once it closed it.
    package func readStandardError(into buffer: inout [UInt8]) -> Int {
        max(0, retryingOnInterrupt { buffer.withUnsafeMutableBytes { read(standardError, $0.baseAddress!, $0.count) } })
    }

    /// Waits until the child's standard error has bytes to read or has been closed.
    package func waitForStandardError() {
        _ = waitUntilReadable(standardError, timeoutMs: -1)
    }

    /// How many bytes the child wrote to standard error that nobody has read yet.
    package func unreadStandardErrorBytes() -> Int {
        var count: Int32 = 0
        return ioctl(standardError, bytesReadableRequest, &count) == 0 ? Int(count) : 0
    }

    /// Stops the child (SIGTERM) and waits for it.
    package func stop() {
        _ = systemKill(pid, SIGTERM)
        _ = waitForExit()
        close(standardError)
    }

    /// Asks the child to end (SIGTERM), without waiting: whoever reads its standard error reaps it.
    package func terminate() { _ = systemKill(pid, SIGTERM) }

    /// Ends the child at once (SIGKILL), as Lambda ends a runtime that ran out of time; whoever reads its standard
    /// error sees it close and reaps it with `waitForExit()`.
    package func kill() { _ = systemKill(pid, SIGKILL) }

    /// Waits for the child to end (reaps it): its exit status, or 128 plus the signal that ended it, as a shell
    /// reports it. Its standard error stays open: `closeStandardError()` closes it.
    package func waitForExit() -> Int32 {
        var status: Int32 = 0
        _ = retryingOnInterrupt { waitpid(pid, &status, 0) }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    /// Closes our end of its standard error, once it is read to the end.
    package func closeStandardError() { close(standardError) }
}

private func systemKill(_ pid: pid_t, _ signal: Int32) -> Int32 { kill(pid, signal) }

/// `FIONREAD`, which Darwin defines with a macro Swift cannot import.
#if canImport(Darwin)
private let bytesReadableRequest: UInt = 0x4004_667F
#else
private let bytesReadableRequest = UInt(FIONREAD)
#endif
