import Dispatch
import Synchronization
import Testing

@testable import Platform

#if os(Linux)
import CPlatform
#endif

#if canImport(Glibc)
import Glibc
let streamSocketType = Int32(SOCK_STREAM.rawValue)
#elseif canImport(Musl)
import Musl
let streamSocketType = SOCK_STREAM
#elseif canImport(Darwin)
import Darwin
let streamSocketType = SOCK_STREAM
#endif

@Suite("UTCTime: calendar fields and text forms by arithmetic")
struct UTCTimeTests {
    @Test(
        "known moments",
        arguments: [
            (Int64(0), "1970-01-01T00:00:00.000Z"),
            (951_782_400_123, "2000-02-29T00:00:00.123Z"),
            (1_764_251_528_123, "2025-11-27T13:52:08.123Z"),
            (4_107_542_399_999, "2100-02-28T23:59:59.999Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
        ])
    func known(epochMilliseconds: Int64, text: String) {
        #expect(UTCTime(epochMilliseconds: epochMilliseconds).rfc3339 == text)
    }

    @Test("SigV4's basic forms")
    func basicForms() {
        let time = UTCTime(epochMilliseconds: 1_440_938_160_000)
        #expect(time.basicDate == "20150830")
        #expect(time.basicDateTime == "20150830T123600Z")
    }

    /// The C library's gmtime_r as the reference, over days spread from 1901 to 2200 (fixed seed).
    @Test("agrees with gmtime_r")
    func agreesWithCLibrary() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let seconds = Int64(state >> 33) % 9_467_280_000 - 2_147_483_648  // 1901-12-13 ... 2200
            var cSeconds = time_t(seconds)
            var parts = tm()
            gmtime_r(&cSeconds, &parts)
            let time = UTCTime(epochMilliseconds: seconds * 1000)
            #expect(
                [time.year, time.month, time.day, time.hour, time.minute, time.second]
                    == [
                        Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min),
                        Int(parts.tm_sec),
                    ],
                "at \(seconds)")
        }
    }
}

@Suite("System calls behind the shim")
struct SystemCallTests {
    @Test("random bytes fill the whole buffer, and two draws differ")
    func randomBytes() throws {
        var first = [UInt8](repeating: 0, count: 1000)
        var second = first
        try SystemRandom.fill(&first)
        try SystemRandom.fill(&second)
        // 1000 zero bytes by chance: probability 2^-8000.
        #expect(first != [UInt8](repeating: 0, count: 1000))
        #expect(first != second)
    }

    @Test("a missing file is an error with the C library's words")
    func missingFile() {
        guard case .failure(let error) = FileIO.readAll(path: "/nonexistent/file") else {
            Issue.record("read a file that does not exist")
            return
        }
        #expect(error.message == "No such file or directory")
        #expect(!FileIO.isReadable("/nonexistent/file"))
    }

    @Test("a refused connection names the address")
    func refused() throws {
        // A port of our own, bound and never listening: the kernel refuses connections to it, and no other process
        // can take it while the test runs (a fixed port could be anyone's).
        let fd = socket(AF_INET, streamSocketType, 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound)
        let port = UInt16(bigEndian: address.sin_port)
        #expect {
            _ = try TCPSocket.connect(host: "127.0.0.1", port: port)
        } throws: { error in
            (error as? SystemCallError)?.description.hasPrefix("cannot connect to 127.0.0.1:\(port): ") == true
        }
    }

    @Test("replace writes through a new file of its own: a link planted at the temporary name is not followed")
    func replaceFollowsNoLink() throws {
        let directory = "/tmp/platform-replace-\(UInt64.random(in: 0..<UInt64.max))"
        try #require(FileIO.makeDirectory(directory))
        defer {
            for name in ["state.json", "state.json.tmp", "target"] { _ = unlink(directory + "/" + name) }
            _ = rmdir(directory)
        }
        let target = directory + "/target"
        try #require(FileIO.replace(target, with: Array("untouched".utf8)))
        try #require(symlink(target, directory + "/state.json.tmp") == 0)
        #expect(FileIO.replace(directory + "/state.json", with: Array("{\"a\":1}".utf8)))
        guard case .success(let written) = FileIO.readAll(path: directory + "/state.json"),
            case .success(let untouched) = FileIO.readAll(path: target)
        else {
            Issue.record("cannot read back")
            return
        }
        #expect(String(decoding: written, as: UTF8.self) == "{\"a\":1}")
        #expect(String(decoding: untouched, as: UTF8.self) == "untouched")
        var info = stat()
        #expect(lstat(directory + "/state.json", &info) == 0 && (info.st_mode & 0o777) == 0o600)
        #expect(access(directory + "/state.json.tmp", F_OK) != 0, "no temporary file left")
        #expect(FileIO.isPrivateDirectory(directory))
        #expect(chmod(directory, 0o755) == 0)
        #expect(!FileIO.isPrivateDirectory(directory), "others may read it")
        #expect(!FileIO.isPrivateDirectory(target), "a file is no directory")
    }

    @Test("environment variables set and removed")
    func environment() {
        ProcessEnvironment.set("PLATFORM_TESTS_VARIABLE", to: "value")
        #expect(ProcessEnvironment.all()["PLATFORM_TESTS_VARIABLE"] == "value")
        ProcessEnvironment.set("PLATFORM_TESTS_VARIABLE", to: nil)
        #expect(ProcessEnvironment.all()["PLATFORM_TESTS_VARIABLE"] == nil)
    }

    @Test("every variable reads as getenv(3) reads it: split at the first =, even before a combining accent")
    func environmentAsGetenv() {
        ProcessEnvironment.set("PLATFORM_TESTS_EQUALS", to: "a=b=c")
        ProcessEnvironment.set("PLATFORM_TESTS_ACCENT", to: "\u{301}caf\u{E9}")
        ProcessEnvironment.set("PLATFORM_TESTS_EMPTY", to: "")
        defer {
            for name in ["PLATFORM_TESTS_EQUALS", "PLATFORM_TESTS_ACCENT", "PLATFORM_TESTS_EMPTY"] {
                ProcessEnvironment.set(name, to: nil)
            }
        }
        let all = ProcessEnvironment.all()
        #expect(all["PLATFORM_TESTS_EQUALS"] == "a=b=c")
        #expect(all["PLATFORM_TESTS_ACCENT"] == "\u{301}caf\u{E9}")
        #expect(all["PLATFORM_TESTS_EMPTY"] == "")
        #expect(all.count > 3)
        for (name, value) in all {
            #expect(getenv(name).map { String(cString: $0) } == value, "\(name)")
        }
    }

    #if os(Linux)
    @Test("the arguments CPlatform keeps for static executables are the ones the Swift runtime found itself")
    func arguments() {
        var count: Int32 = -1
        let argv = _swift_stdlib_getUnsafeArgvArgc(&count)
        let arguments = (0..<Int(count)).map { String(cString: argv![$0]!) }
        #expect(count >= 1)
        #expect(arguments == CommandLine.arguments)
        #expect(argv?[Int(count)] == nil, "argv ends with a null pointer")
    }
    #endif

    @Test("the process start time is field 22 of /proc/self/stat, read independently here")
    func processStart() throws {
        #if os(Linux)
        let text = try #require(readStat())
        // Fields after the command name, which ends at the last ")": the state is field 3, starttime field 22.
        let afterName = text[text.index(after: try #require(text.lastIndex(of: ")")))...]
        let fields = afterName.split(separator: " ")
        let ticks = try #require(Int64(fields[22 - 3]))
        var boot = timespec()
        var now = timespec()
        clock_gettime(CLOCK_BOOTTIME, &boot)
        clock_gettime(CLOCK_REALTIME, &now)
        let ticksPerSecond = Int64(sysconf(Int32(_SC_CLK_TCK)))
        let bootMs = Int64(boot.tv_sec) * 1000 + Int64(boot.tv_nsec) / 1_000_000
        let expected = Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000 - (bootMs - ticks * 1000 / ticksPerSecond)
        let start = try #require(SystemClock.processStartEpochMilliseconds())
        // Both sides are the wall clock less the time since boot, which moves with it: only rounding differs.
        #expect(abs(start - expected) < 50, "\(start) against \(expected)")
        #endif
    }

    @Test("a child process gets none of our sockets, pipes, blocked or ignored signals")
    func childKeepsNoDescriptors() throws {
        let listener = try TCPListener.listen(host: "127.0.0.1", port: 0)
        let client = try TCPSocket.connect(host: "127.0.0.1", port: listener.port)
        let accepted = try listener.accept()
        defer {
            client.close()
            accepted.close()
        }
        // A pipe made without close-on-exec, as a library's may be (Foundation's Pipe): no child gets it either.
        var foreign: [Int32] = [-1, -1]
        try #require(pipe(&foreign) == 0)
        defer { foreign.forEach { _ = close($0) } }
        // posix_spawn returns once the child has started the program, so /proc shows what the program was given.
        let first = try ChildProcess.spawn("/bin/sleep", arguments: ["30"], environment: [:])
        let second = try ChildProcess.spawn("/bin/sleep", arguments: ["30"], environment: [:])
        defer {
            first.stop()
            second.stop()
        }
        let isOpen = { (child: ChildProcess, fd: Int32) in access("/proc/\(child.pid)/fd/\(fd)", F_OK) == 0 }
        #expect((0...2).allSatisfy { isOpen(first, $0) && isOpen(second, $0) }, "the standard streams are there")
        for fd in [listener.descriptor, client.descriptor, accepted.descriptor] + foreign {
            #expect(!isOpen(first, fd) && !isOpen(second, fd), "descriptor \(fd) lives on in a child")
        }
        #expect(!isOpen(second, first.standardError), "the first child's pipe lives on in the second")
        // Nor our signal mask or ignored signals: SIGTERM stops it whichever thread started it.
        guard case .success(let status) = FileIO.readAll(path: "/proc/\(first.pid)/status") else {
            Issue.record("no /proc status for the child")
            return
        }
        let lines = String(decoding: status, as: UTF8.self).split(separator: "\n")
        for field in ["SigBlk:", "SigIgn:"] {
            let line = lines.first { $0.hasPrefix(field) } ?? ""
            let mask = UInt64(line.dropFirst(field.count).trimmingPrefix(while: { $0 == "\t" }), radix: 16)
            // Signals 1-31; 32 and up are the C library's own real-time signals.
            #expect(mask.map { $0 & 0x7FFF_FFFF } == 0, "\(line)")
        }
    }

    @Test("children started on 8 threads while 4 others make listeners, connections and pipes hold none of them")
    func childrenStartedWhileDescriptorsAreMade() throws {
        // Every descriptor the makers create stays open until the children are checked, so a number open in a child
        // that names the same socket or pipe as ours (same inode in /proc) can only have been inherited.
        let made = Mutex<[Int32]>([])
        let pipes = Mutex<[Int32]>([])
        let listeners = Mutex<[TCPListener]>([])
        let children = Mutex<[ChildProcess]>([])
        let kept = Mutex<[TCPSocket]>([])
        let group = DispatchGroup()
        for _ in 0..<4 {
            group.enter()
            DetachedThread.start {
                defer { group.leave() }
                for _ in 0..<40 {
                    guard let listener = try? TCPListener.listen(host: "127.0.0.1", port: 0),
                        let client = try? TCPSocket.connect(host: "127.0.0.1", port: listener.port),
                        let accepted = try? listener.accept()
                    else { continue }
                    let pipe = System.pipe()
                    let ends = pipe.map { [$0.read, $0.write] } ?? []
                    made.withLock { $0 += [listener.descriptor, client.descriptor, accepted.descriptor] + ends }
                    pipes.withLock { $0 += ends }
                    listeners.withLock { $0.append(listener) }
                    kept.withLock { $0 += [client, accepted] }
                }
            }
        }
        for _ in 0..<8 {
            group.enter()
            DetachedThread.start {
                defer { group.leave() }
                for _ in 0..<4 {
                    if let child = try? ChildProcess.spawn("/bin/sleep", arguments: ["30"], environment: [:]) {
                        children.withLock { $0.append(child) }
                    }
                }
            }
        }
        group.wait()
        let ours = made.withLock { $0 }
        let started = children.withLock { $0 }
        defer {
            started.forEach { $0.stop() }
            pipes.withLock { $0 }.forEach { _ = System.close($0) }
            listeners.withLock { $0 }.forEach { $0.close() }
            kept.withLock { $0 }.forEach { $0.close() }
        }
        #expect(started.count == 32 && ours.count > 300, "\(started.count) children, \(ours.count) descriptors")
        let target = { (path: String) -> String? in
            var buffer = [CChar](repeating: 0, count: 256)
            let count = readlink(path, &buffer, buffer.count - 1)
            return count > 0 ? String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
        }
        let ourTargets = ours.map { target("/proc/self/fd/\($0)") }
        #expect(ourTargets.allSatisfy { $0 != nil }, "our own descriptors are all open")
        for child in started {
            #expect((0...2).allSatisfy { target("/proc/\(child.pid)/fd/\($0)") != nil }, "the standard streams are there")
            // The child's standard error is the write end of its own pipe, whose read end we keep: fd 2 is skipped.
            let leaked = zip(ours, ourTargets).filter { fd, ours in fd > 2 && target("/proc/\(child.pid)/fd/\(fd)") == ours }
            #expect(leaked.isEmpty, "child \(child.pid) holds \(leaked.map(\.1))")
            let siblings = started.filter { $0.pid != child.pid }.map(\.standardError)
            #expect(siblings.allSatisfy { target("/proc/\(child.pid)/fd/\($0)") != target("/proc/self/fd/\($0)") })
        }
    }

    @Test("64 detached threads that all block run at once, where a pool would run a few")
    func detachedThreads() {
        let arrived = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        for _ in 0..<64 {
            #expect(
                DetachedThread.start {
                    arrived.signal()
                    release.wait()
                })
        }
        // Each thread blocks until all have arrived: only if all 64 run at once do they all arrive.
        var count = 0
        while count < 64, arrived.wait(timeout: .now() + .seconds(10)) == .success { count += 1 }
        for _ in 0..<64 { release.signal() }
        #expect(count == 64)
    }
}

#if os(Linux)
/// /proc/self/stat through the C library, apart from FileIO.
private func readStat() -> String? {
    guard let file = fopen("/proc/self/stat", "r") else { return nil }
    defer { fclose(file) }
    var buffer = [CChar](repeating: 0, count: 4096)
    return buffer.withUnsafeMutableBufferPointer { buffer in
        fgets(buffer.baseAddress, Int32(buffer.count), file).map { String(cString: $0) }
    }
}
#endif
