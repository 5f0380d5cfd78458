import PasswordlessAuth

/// A running estimate of how long a real send takes, per channel, so that a round which sends nothing (an unknown
/// or unreachable user) can take about as long as one that sends.
final class SendTimeEstimate {
    /// Before any real send: about an SNS or SES call from Lambda in the same region, TLS set-up included.
    static let initialMilliseconds: Double = 150
    private var estimates: [Channel: Double] = [:]
    private var jitter = SystemRandomNumberGenerator()

    init() {}

    /// Moves the estimate a fifth of the way towards a measured send.
    package func record(_ channel: Channel, milliseconds: Int64) {
        let current = estimates[channel] ?? Self.initialMilliseconds
        estimates[channel] = current + (Double(max(0, milliseconds)) - current) / 5
    }

    package func estimate(_ channel: Channel) -> Double { estimates[channel] ?? Self.initialMilliseconds }

    /// How long a round that sends nothing should take: the estimate, give or take a fifth (jitter needs no secrecy).
    func sample(_ channel: Channel) -> Int64 {
        Int64(estimate(channel) * Double.random(in: 0.8...1.2, using: &jitter))
    }
}
