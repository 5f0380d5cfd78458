import Synchronization

/// A child process started with its own environment, its standard error read through a pipe.
///
/// A class, so that the threads that read its output, end it and reap it share one pipe and one process id: the
/// pipe is closed once, and once the child is reaped no signal goes to the id (which the system may then give to
/// another process) and a second wait gives the same status.
package final class ChildProcess: Sendable {
    let pid: Int32
    /// The read end of the child's standard error, nil once closed.
    private let standardErrorOwner: Mutex<FileDescriptor?>
    /// The exit status once reaped. Signals are sent under this lock, so never to a reaped id.
    private let exitStatus = Mutex<Int32?>(nil)

    private init(pid: Int32, standardError: consuming FileDescriptor) {
        self.pid = pid
        standardErrorOwner = Mutex(standardError)
    }

    /// Starts `path` with `arguments` and exactly `environment`; standard input and output are /dev/null.
    package static func spawn(
        _ path: String, arguments: [String] = [], environment: [String: String]
    ) throws(SystemCallError) -> ChildProcess {
        // Both ends are closed on exec, so neither lives on in later children; the child gets its own copy of the
        // write end as its standard error.
        guard let ends = System.pipe() else { throw .last("pipe") }
        let reading = FileDescriptor(owning: ends.read)
        let writing = FileDescriptor(owning: ends.write)
        let started = System.spawn(path, arguments: arguments, environment: environment, standardError: writing.rawValue)
        // Our copy of the write end goes at once, so the read end sees the end of the output when the child ends.
        try? writing.close()
        let pid = try started.get()
        return ChildProcess(pid: pid, standardError: reading)
    }

    /// The child's process id, for logs.
    package var processID: Int32 { pid }

    /// The read end's number; -1 once closed.
    var standardError: Int32 { standardErrorOwner.withLock { $0?.rawValue ?? -1 } }

    /// Reads what the child wrote to standard error into `buffer`; 0 once it closed it (or once we did).
    package func readStandardError(into buffer: inout [UInt8]) -> Int {
        let fd = standardError
        return max(0, buffer.withUnsafeMutableBytes { System.read(fd, into: $0) })
    }

    /// Waits until the child's standard error has bytes to read or has been closed.
    package func waitForStandardError() {
        _ = System.waitUntilReadable(standardError, timeoutMs: -1)
    }

    /// How many bytes the child wrote to standard error that nobody has read yet.
    package func unreadStandardErrorBytes() -> Int { System.bytesReadable(standardError) }

    /// Stops the child (SIGTERM), waits for it and closes our end of its standard error.
    func stop() {
        signal(.terminate)
        _ = waitForExit()
        closeStandardError()
    }

    /// Asks the child to end (SIGTERM), without waiting: whoever reads its standard error reaps it.
    package func terminate() { signal(.terminate) }

    /// Ends the child at once (SIGKILL), as Lambda ends a runtime that ran out of time; whoever reads its standard
    /// error sees it close and reaps it with `waitForExit()`. Does nothing once the child is reaped.
    package func kill() { signal(.kill) }

    private func signal(_ signal: System.Signal) {
        exitStatus.withLock { status in
            if status == nil { System.signal(pid, signal) }
        }
    }

    /// Waits for the child to end and reaps it: its exit status, or 128 plus the signal that ended it, as a shell
    /// reports it; later calls give the same. Its standard error stays open: `closeStandardError()` closes it. -1 if
    /// the system would not tell (the child was reaped by someone else).
    package func waitForExit() -> Int32 {
        if let status = exitStatus.withLock({ $0 }) { return status }
        // Wait without reaping, then reap under the lock that signals take: the id stays this child's until then.
        _ = System.waitForEnd(of: pid)
        return exitStatus.withLock { status in
            if status == nil { status = System.reap(pid) ?? -1 }
            return status!
        }
    }

    /// Closes our end of its standard error, once it is read to the end; a second call does nothing.
    package func closeStandardError() {
        let closing = standardErrorOwner.withLock { $0.take() }
        try? closing?.close()
    }
}
