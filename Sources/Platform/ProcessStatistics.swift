/// What Linux's /proc tells about another process: its CPU time and memory, for the local Lambda's measurements.
/// Elsewhere, and for a process already reaped, the answers are nil.
package enum ProcessStatistics {
    /// The CPU time of all the process's threads, in milliseconds: the sum over /proc/PID/task/*/schedstat (the
    /// scheduler's nanoseconds on a CPU, not 10 ms clock ticks), or the process's CPU clock when that is unreadable.
    package static func cpuMilliseconds(_ pid: Int32) -> Double? {
        #if os(Linux)
        if let threads = System.directoryEntries("/proc/\(pid)/task") {
            var total: Int64 = 0
            for name in threads where name.utf8.first.map({ (48...57).contains($0) }) == true {
                // A thread that just ended has no file any more.
                guard case .success(let bytes) = FileIO.readAll(path: "/proc/\(pid)/task/\(name)/schedstat") else { continue }
                total += Int64(String(decoding: bytes.prefix { $0 != 32 }, as: UTF8.self)) ?? 0
            }
            if total > 0 { return Double(total) / 1e6 }
        }
        return System.processCPUMilliseconds(pid)
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
