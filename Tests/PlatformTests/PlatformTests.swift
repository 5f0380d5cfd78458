import Testing

@testable import Platform

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
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
    func refused() {
        #expect {
            _ = try TCPSocket.connect(host: "127.0.0.1", port: 1)
        } throws: { error in
            (error as? SystemCallError)?.description.hasPrefix("cannot connect to 127.0.0.1:1: ") == true
        }
    }

    @Test("environment variables set and removed")
    func environment() {
        ProcessEnvironment.set("PLATFORM_TESTS_VARIABLE", to: "value")
        #expect(ProcessEnvironment.all()["PLATFORM_TESTS_VARIABLE"] == "value")
        ProcessEnvironment.set("PLATFORM_TESTS_VARIABLE", to: nil)
        #expect(ProcessEnvironment.all()["PLATFORM_TESTS_VARIABLE"] == nil)
    }
}
