/// How real sends went lately on this instance, so that rounds which send nothing can fail as often as real
/// sends recently did: during an outage a stranger's round fails with the same chance as an account's.
final class RecentSends {
    /// How far back a send still counts.
    static let windowMs: Int64 = 120_000
    /// Sends remembered at most; older ones drop out first.
    static let capacity = 64
    private var sends: [(atMs: Int64, failed: Bool)] = []
    private var jitter = SystemRandomNumberGenerator()

    init() {}

    /// Records a real send: delivered (or answered as if delivered), or failed.
    func record(failed: Bool, atMs: Int64) {
        if sends.count == Self.capacity { sends.removeFirst() }
        sends.append((atMs, failed))
    }

    /// The share of real sends in the window that failed; 0 when there were none.
    func failureRate(atMs now: Int64) -> Double {
        let recent = sends.filter { now - $0.atMs < Self.windowMs }
        guard !recent.isEmpty else { return 0 }
        return Double(recent.filter(\.failed).count) / Double(recent.count)
    }

    /// Whether a round that sends nothing should fail now: true with the recent failure rate.
    func shouldFail(atMs now: Int64) -> Bool {
        let rate = failureRate(atMs: now)
        return rate > 0 && Double.random(in: 0..<1, using: &jitter) < rate
    }
}
