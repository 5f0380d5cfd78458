import Synchronization
import Testing

@testable import Platform

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Descriptors are moved to numbers from here up, which nothing else in the test process reaches (the kernel gives
/// the lowest free number, and the tests hold a few hundred at most), so a number the test frees and fills again is
/// not taken by another test in between.
private let privateNumbers: Int32 = 10_000

/// A new descriptor for /dev/null at exactly `fd`, as a later open in this process could be given that number.
private func reuse(_ fd: Int32) throws {
    let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
    try #require(devNull >= 0)
    defer { close(devNull) }
    try #require(dup2(devNull, fd) == fd)
}

/// Whether `fd` is open and /dev/null, a character device.
private func isDevNull(_ fd: Int32) -> Bool {
    var info = stat()
    return fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR
}

@Suite("Descriptors are closed once, by their owner")
struct DescriptorOwnerTests {
    /// A connected pair, the accepted end moved to a private number.
    private func connectedPair() throws -> (client: TCPSocket, accepted: TCPSocket, number: Int32) {
        let listener = try TCPListener.listen(host: "127.0.0.1", port: 0)
        defer { listener.close() }
        let client = try TCPSocket.connect(host: "127.0.0.1", port: listener.port)
        let accepted = try listener.accept()
        let number = fcntl(accepted.descriptor, F_DUPFD_CLOEXEC, privateNumbers)
        try #require(number >= privateNumbers)
        accepted.close()
        return (client, TCPSocket(FileDescriptor(owning: number)), number)
    }

    @Test("an owner that goes away closes its descriptor")
    func deinitCloses() throws {
        let pipe = try #require(System.pipe())
        defer { _ = System.close(pipe.write) }
        let number = fcntl(pipe.read, F_DUPFD_CLOEXEC, privateNumbers)
        _ = System.close(pipe.read)
        try #require(number >= privateNumbers && System.isOpen(number))
        do { _ = FileDescriptor(owning: number) }
        #expect(!System.isOpen(number))
    }

    @Test("a socket closed twice, and dropped, leaves alone the descriptor that took its number")
    func socketClosesOnce() throws {
        let pair = try connectedPair()
        defer { pair.client.close() }
        var accepted: TCPSocket? = pair.accepted
        let number = pair.number
        accepted!.close()
        #expect(!System.isOpen(number))
        #expect(accepted!.descriptor == -1)
        try reuse(number)
        defer { close(number) }
        accepted!.close()
        #expect(throws: SystemCallError.self) { try accepted!.sendAll([1]) }
        var buffer = [UInt8](repeating: 0, count: 8)
        #expect(throws: SystemCallError.self) { _ = try accepted!.receive(into: &buffer) }
        accepted = nil
        #expect(isDevNull(number), "the new descriptor at \(number) is still open")
    }

    @Test("a socket dropped without close() is closed; the peer sees the end of the stream")
    func droppedSocketCloses() throws {
        var pair: (client: TCPSocket, accepted: TCPSocket, number: Int32)? = try connectedPair()
        let client = pair!.client
        let number = pair!.number
        defer { client.close() }
        try #require(System.isOpen(number))
        pair = nil
        #expect(!System.isOpen(number))
        var buffer = [UInt8](repeating: 0, count: 8)
        #expect(try client.receive(into: &buffer) == 0)
    }

    @Test("a listener closed twice, and stopped after, touches no descriptor that took its number")
    func listenerClosesOnce() throws {
        let listening = try TCPListener.listen(host: "127.0.0.1", port: 0)
        let number = fcntl(listening.descriptor, F_DUPFD_CLOEXEC, privateNumbers)
        listening.close()
        try #require(number >= privateNumbers)
        let listener = TCPListener(FileDescriptor(owning: number), port: listening.port)
        listener.close()
        #expect(!System.isOpen(number))
        try reuse(number)
        defer { close(number) }
        listener.close()
        listener.stopListening()
        #expect(throws: SystemCallError.self) { _ = try listener.accept() }
        #expect(isDevNull(number))
    }

    @Test("a child's standard error closed twice, then stopped, is closed once; its status is kept after the reaping")
    func childClosesOnceAndReapsOnce() throws {
        let child = try ChildProcess.spawn("/bin/sh", arguments: ["-c", "echo out >&2; exit 3"], environment: [:])
        var buffer = [UInt8](repeating: 0, count: 64)
        var output: [UInt8] = []
        while case let count = child.readStandardError(into: &buffer), count > 0 { output += buffer[..<count] }
        #expect(output == Array("out\n".utf8))
        #expect(child.waitForExit() == 3)
        // The id is free for the system to give again: a second wait must not wait on it, nor report 0.
        #expect(child.waitForExit() == 3)
        child.closeStandardError()
        #expect(child.standardError == -1)
        child.closeStandardError()
        child.kill()
        child.stop()
        #expect(child.readStandardError(into: &buffer) == 0)
    }

    @Test("a child ended by a signal reports 128 plus its number")
    func childKilled() throws {
        let child = try ChildProcess.spawn("/bin/sleep", arguments: ["30"], environment: [:])
        defer { child.closeStandardError() }
        child.kill()
        #expect(child.waitForExit() == 128 + SIGKILL)
    }

    @Test("a file replaced through the owner is closed: no descriptor is left open for it")
    func replaceLeavesNothingOpen() throws {
        let directory = "/tmp/platform-owner-\(UInt64.random(in: 0..<UInt64.max))"
        try #require(FileIO.makeDirectory(directory))
        defer {
            _ = unlink(directory + "/file")
            _ = rmdir(directory)
        }
        #expect(FileIO.replace(directory + "/file", with: [1, 2, 3]))
        FileIO.append("more", to: directory + "/file")
        guard case .success(let bytes) = FileIO.readAll(path: directory + "/file") else {
            Issue.record("cannot read back")
            return
        }
        #expect(bytes == [1, 2, 3] + Array("more".utf8))
        var entries: [String] = []
        if let list = opendir("/proc/self/fd") {
            defer { closedir(list) }
            while let entry = readdir(list) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                var target = [CChar](repeating: 0, count: 4096)
                let count = readlink("/proc/self/fd/" + name, &target, target.count - 1)
                if count > 0 { entries.append(String(decoding: target[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)) }
            }
        }
        #expect(!entries.isEmpty)
        #expect(!entries.contains { $0.hasPrefix(directory) }, "\(entries.filter { $0.hasPrefix(directory) })")
    }
}

/// How many SIGUSR2 signals the handler saw.
private let signalsHandled = Atomic<Int>(0)

@Suite("Calls interrupted by a signal are made again", .serialized)
struct InterruptedCallTests {
    /// Installs a SIGUSR2 handler without SA_RESTART (so the kernel does not restart calls, and they fail with EINTR),
    /// runs `body`, and puts the previous handler back.
    private func withInterruptingHandler(_ body: () throws -> Void) rethrows {
        var action = sigaction()
        #if canImport(Darwin)
        action.__sigaction_u.__sa_handler = { _ in signalsHandled.add(1, ordering: .relaxed) }
        #else
        action.__sigaction_handler.sa_handler = { _ in signalsHandled.add(1, ordering: .relaxed) }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        var previous = sigaction()
        sigaction(SIGUSR2, &action, &previous)
        defer { sigaction(SIGUSR2, &previous, nil) }
        try body()
    }

    /// Runs `call` on a thread of its own, blocked on the read end of a pipe; signals that thread every millisecond
    /// until `call` returns, `enough` signals were handled or 3 s passed, then writes one byte. `call`'s result and
    /// errno, and how many signals were handled.
    private func interrupt(
        _ call: @escaping @Sendable (Int32) -> (Int, Int32), until enough: Int
    ) throws -> (result: Int, error: Int32, handled: Int) {
        let pipe = try #require(System.pipe())
        defer {
            _ = System.close(pipe.read)
            _ = System.close(pipe.write)
        }
        let thread = Mutex<pthread_t?>(nil)
        let outcome = Mutex<(Int, Int32)?>(nil)
        // The thread stays until no more signals go to it: one sent to a thread that has ended is undefined.
        let release = Mutex(false)
        let before = signalsHandled.load(ordering: .relaxed)
        #expect(
            DetachedThread.start {
                // The thread inherits the mask of the test runner's thread, which may block the signal.
                var signals = sigset_t()
                sigemptyset(&signals)
                sigaddset(&signals, SIGUSR2)
                pthread_sigmask(SIG_UNBLOCK, &signals, nil)
                thread.withLock { $0 = pthread_self() }
                let result = call(pipe.read)
                outcome.withLock { $0 = result }
                while !release.withLock({ $0 }) { usleep(1000) }
            })
        while thread.withLock({ $0 }) == nil { sched_yield() }
        let target = thread.withLock { $0 }!
        defer { release.withLock { $0 = true } }
        let giveUp = SystemClock.nowEpochMilliseconds() + 3_000
        while outcome.withLock({ $0 }) == nil && signalsHandled.load(ordering: .relaxed) - before < enough
            && SystemClock.nowEpochMilliseconds() < giveUp
        {
            pthread_kill(target, SIGUSR2)
            usleep(1000)
        }
        var byte: UInt8 = 42
        _ = write(pipe.write, &byte, 1)
        while outcome.withLock({ $0 }) == nil { usleep(1000) }
        let (result, error) = outcome.withLock { $0 }!
        return (result, error, signalsHandled.load(ordering: .relaxed) - before)
    }

    @Test("the signals interrupt: a plain read(2) under them fails with EINTR")
    func plainReadIsInterrupted() throws {
        try withInterruptingHandler {
            let (result, error, handled) = try interrupt(
                { fd in
                    var byte: UInt8 = 0
                    let result = read(fd, &byte, 1)
                    return (result, errno)
                }, until: .max)
            #expect(result == -1 && error == EINTR, "read gave \(result), errno \(error)")
            #expect(handled >= 1)
        }
    }

    @Test("read through the shim goes on after 20 signals and gets the byte")
    func readIsRetried() throws {
        try withInterruptingHandler {
            let (result, error, handled) = try interrupt(
                { fd in
                    var buffer = [UInt8](repeating: 0, count: 1)
                    let result = buffer.withUnsafeMutableBytes { System.read(fd, into: $0) }
                    return (result == 1 && buffer[0] == 42 ? 1 : result, errno)
                }, until: 20)
            #expect(result == 1, "read gave \(result), errno \(error)")
            #expect(handled >= 20)
        }
    }

    @Test("a wait for readability through the shim goes on after 20 signals")
    func pollIsRetried() throws {
        try withInterruptingHandler {
            let (result, _, handled) = try interrupt({ fd in (System.waitUntilReadable(fd, timeoutMs: -1) ? 1 : 0, errno) }, until: 20)
            #expect(result == 1)
            #expect(handled >= 20)
        }
    }

    @Test("a wait with a timeout keeps its deadline across signals: it ends on time, not later")
    func pollTimeoutHolds() throws {
        try withInterruptingHandler {
            let (elapsed, ready, handled) = try interrupt(
                { fd in
                    let start = SystemClock.nowEpochMilliseconds()
                    let ready = System.waitUntilReadable(fd, timeoutMs: 300)
                    return (Int(SystemClock.nowEpochMilliseconds() - start), ready ? 1 : 0)
                }, until: .max)
            // Signalled every millisecond for up to 3 s: a wait that started its 300 ms again after each signal
            // would last until the signals stop, 3 s, and then see the byte written after them.
            #expect(ready == 0 && (300..<2_000).contains(elapsed), "waited \(elapsed) ms, ready: \(ready)")
            #expect(handled >= 1)
        }
    }
}
