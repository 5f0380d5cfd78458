/// Tells the time in milliseconds since 1970, the clock Lambda writes its deadlines in; injected so that rules
/// and handlers can be tested at any moment.
///
/// Not Swift's `Clock`: that protocol's sleep is `async`, and everything here runs on one blocking loop.
package protocol WallClock: Sendable {
    func nowEpochMilliseconds() -> Int64
}

/// The one margin kept before an invocation's deadline: AWS calls and waits end this long before it, so the
/// function can still answer the Runtime API in time.
package let deadlineMarginMilliseconds: Int64 = 500

/// The system's wall clock, and the one way this package sleeps.
package struct SystemClock: WallClock {
    package init() {}

    package func nowEpochMilliseconds() -> Int64 { Self.nowEpochMilliseconds() }

    package static func nowEpochMilliseconds() -> Int64 { System.realtimeMilliseconds() }

    /// Blocks for `milliseconds`, resuming after signals.
    package static func sleep(milliseconds: Int64) {
        guard milliseconds > 0 else { return }
        System.sleep(milliseconds: milliseconds)
    }

    /// When this process started, in milliseconds since 1970, to the kernel's 10 ms clock tick; nil where that
    /// cannot be read (no `/proc`, as on macOS).
    package static func processStartEpochMilliseconds() -> Int64? {
        #if os(Linux)
        guard case .success(let stat) = FileIO.readAll(path: "/proc/self/stat"), let close = stat.lastIndex(of: UInt8(ascii: ")"))
        else {
            return nil
        }
        // After "pid (comm)", field 3 is the state; starttime is field 22, in clock ticks since boot. Read in place
        // rather than split: this runs in every cold start.
        var field = 2
        var index = close + 1
        var ticks: Int64?
        while index < stat.count {
            if stat[index] == UInt8(ascii: " ") {
                index += 1
                continue
            }
            var end = index
            while end < stat.count && stat[end] != UInt8(ascii: " ") { end += 1 }
            field += 1
            if field == 22 {
                ticks = Int64(String(decoding: stat[index..<end], as: UTF8.self))
                break
            }
            index = end
        }
        guard let ticks else { return nil }
        guard let (sinceBootMs, ticksPerSecond) = System.bootClock() else { return nil }
        let ageMs = sinceBootMs - ticks * 1000 / ticksPerSecond
        return nowEpochMilliseconds() - max(0, ageMs)
        #else
        return nil
        #endif
    }
}
