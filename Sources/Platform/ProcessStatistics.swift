#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
#error("Platform supports Darwin, Glibc and Musl")
#endif

/// What Linux's /proc tells about another process: its CPU time and memory, for the local Lambda's measurements.
/// Elsewhere, and for a process already reaped, the answers are nil.
package enum ProcessStatistics {
    /// The CPU time of all the process's threads, in milliseconds: the sum over /proc/PID/task/*/schedstat (the
    /// scheduler's nanoseconds on a CPU, not 10 ms clock ticks), or the process's CPU clock when that is unreadable.
    package static func cpuMilliseconds(_ pid: Int32) -> Double? {
        #if os(Linux)
        if let directory = opendir("/proc/\(pid)/task") {
            defer { closedir(directory) }
            var total: Int64 = 0
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                guard let first = name.utf8.first, (48...57).contains(first) else { continue }
                // A thread that just ended has no file any more.
                guard case .success(let bytes) = FileIO.readAll(path: "/proc/\(pid)/task/\(name)/schedstat") else { continue }
                total += Int64(String(decoding: bytes.prefix { $0 != 32 }, as: UTF8.self)) ?? 0
            }
            if total > 0 { return Double(total) / 1e6 }
        }
        // The thread group's scheduler clock: clock_getcpuclockid's encoding on Linux.
        var time = timespec()
        let clock = clockid_t((~pid) << 3 | 2)
        guard clock_gettime(clock, &time) == 0 else { return nil }
        return Double(time.tv_sec) * 1e3 + Double(time.tv_nsec) / 1e6
        #else
        return nil
        #endif
    }

    /// A kilobyte figure from /proc/PID/status, such as `VmRSS` (resident now) or `VmHWM` (the peak).
    package static func statusKilobytes(_ pid: Int32, _ field: String) -> Int? {
        guard case .success(let bytes) = FileIO.readAll(path: "/proc/\(pid)/status") else { return nil }
        let prefix = field + ":"
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix(prefix) {
            return line.dropFirst(prefix.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) }
        }
        return nil
    }
}
