import PasswordlessAuth

/// How long a real send takes lately, per channel, so that a round which sends nothing (an unknown or unreachable
/// user) takes about as long as one that sends, from the first real send of an instance on.
///
/// The estimate is the median of the last `window` sends: the first real measurement replaces the guess made before
/// any, and an instance's first send, slowed by its TLS handshake, stops counting once two faster ones follow.
final class SendTimeEstimate {
    /// Before any real send: about an SNS or SES call from Lambda in the same region over a new TLS connection.
    static let initialMilliseconds: Double = 150
    /// Sends the median is taken over.
    static let window = 9
    private var recent: [Channel: [Int64]] = [:]
    private var jitter = SystemRandomNumberGenerator()

    init() {}

    /// Adds a measured send.
    func record(_ channel: Channel, milliseconds: Int64) {
        var times = recent[channel] ?? []
        times.append(max(0, milliseconds))
        if times.count > Self.window { times.removeFirst(times.count - Self.window) }
        recent[channel] = times
    }

    func estimate(_ channel: Channel) -> Double {
        guard let times = recent[channel], !times.isEmpty else { return Self.initialMilliseconds }
        let sorted = times.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[middle]) : Double(sorted[middle - 1] + sorted[middle]) / 2
    }

    /// How long a round that sends nothing should take: the estimate, give or take a fifth (jitter needs no secrecy).
    func sample(_ channel: Channel) -> Int64 {
        Int64(estimate(channel) * Double.random(in: 0.8...1.2, using: &jitter))
    }
}
