import Platform
import Settings

/// When and how often a failed request is tried again, all within the invocation deadline.
package struct RetryPolicy: Sendable, Equatable {
    /// Total tries, the first included.
    var maxAttempts: Int
    /// The backoff ceiling before the second try; it doubles for each later try.
    var baseDelayMs: Int64
    /// The largest backoff ceiling.
    var maxDelayMs: Int64
    /// Time kept free before the deadline so the caller can still answer Lambda.
    package var deadlineSafetyMarginMs: Int64
    /// Upper bound for connecting, so a black-holed endpoint leaves time for another try.
    var maxConnectTimeoutMs: Int64

    /// Creates a policy; the defaults suit Cognito triggers, which must answer within 5 seconds.
    package init(
        maxAttempts: Int = 3, baseDelayMs: Int64 = 100, maxDelayMs: Int64 = 1_000,
        deadlineSafetyMarginMs: Int64 = deadlineMarginMilliseconds, maxConnectTimeoutMs: Int64 = 2_000
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelayMs = max(0, baseDelayMs)
        self.maxDelayMs = max(0, maxDelayMs)
        self.deadlineSafetyMarginMs = max(0, deadlineSafetyMarginMs)
        self.maxConnectTimeoutMs = max(1, maxConnectTimeoutMs)
    }

    /// The full-jitter ceiling after failed try number `attempt` (0-based): min(cap, base × 2^attempt).
    package func backoffCeilingMs(afterAttempt attempt: Int) -> Int64 {
        let shift = min(max(attempt, 0), 40)
        let (scaled, overflow) = baseDelayMs.multipliedReportingOverflow(by: Int64(1) << shift)
        return overflow ? maxDelayMs : min(maxDelayMs, scaled)
    }

    /// Whether an AWS error answer is worth another try: throttling, capacity, transaction conflicts and server faults.
    static func isRetryable(status: Int, errorCode: String) -> Bool {
        if errorCode.containsText("Throttl") || errorCode == "TooManyRequestsException" || status == 429 {
            return true
        }
        // DynamoDB: capacity and request-rate limits (`...Exception` from a call, bare names as a transaction's
        // cancellation reasons), and writes that met a concurrent transaction on the same item.
        if ["ProvisionedThroughputExceeded", "RequestLimitExceeded", "TransactionConflict"].contains(where: { errorCode.hasPrefix($0) }) {
            return true
        }
        return status >= 500 && status <= 599
    }

    /// Whether a transport failure is worth another try; permanent local problems are not.
    static func isRetryable(_ error: AWSCallError) -> Bool {
        guard let failure = error.transportFailure else { return false }
        return failure.kind != .permanent
    }
}

/// The clock, sleeper and jitter source behind the retry loop, injected so tests run exactly and instantly.
package struct RetryScheduling: Sendable {
    /// Milliseconds since 1970, the same clock as Lambda's deadline.
    package var nowEpochMs: @Sendable () -> Int64
    /// Blocks for the given milliseconds.
    package var sleepMs: @Sendable (Int64) -> Void
    /// A uniform random value in `0...ceiling`.
    package var jitterMs: @Sendable (Int64) -> Int64

    init(
        nowEpochMs: @escaping @Sendable () -> Int64, sleepMs: @escaping @Sendable (Int64) -> Void,
        jitterMs: @escaping @Sendable (Int64) -> Int64
    ) {
        self.nowEpochMs = nowEpochMs
        self.sleepMs = sleepMs
        self.jitterMs = jitterMs
    }

    /// The given clock and sleep, with jitter from the system generator (jitter needs no secrecy).
    init(nowEpochMs: @escaping @Sendable () -> Int64, sleepMs: @escaping @Sendable (Int64) -> Void) {
        self.init(nowEpochMs: nowEpochMs, sleepMs: sleepMs, jitterMs: { ceiling in ceiling <= 0 ? 0 : Int64.random(in: 0...ceiling) })
    }

    /// The system clock and a real sleep, for every AWS call the functions make.
    package static let system = RetryScheduling(nowEpochMs: SystemClock.nowEpochMilliseconds, sleepMs: SystemClock.sleep(milliseconds:))
}
