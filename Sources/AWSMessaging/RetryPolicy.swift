#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// When and how often a failed request is tried again, all within the invocation deadline.
public struct RetryPolicy: Sendable, Equatable {
    /// Total tries, the first included.
    public var maxAttempts: Int
    /// The backoff ceiling before the second try; it doubles for each later try.
    public var baseDelayMs: Int64
    /// The largest backoff ceiling.
    public var maxDelayMs: Int64
    /// Time kept free before the deadline so the caller can still answer Lambda.
    public var deadlineSafetyMarginMs: Int64
    /// Upper bound for connecting, so a black-holed endpoint leaves time for another try.
    public var maxConnectTimeoutMs: Int64

    /// Creates a policy; the defaults suit Cognito triggers, which must answer within 5 seconds.
    public init(
        maxAttempts: Int = 3, baseDelayMs: Int64 = 100, maxDelayMs: Int64 = 1_000,
        deadlineSafetyMarginMs: Int64 = 500, maxConnectTimeoutMs: Int64 = 2_000
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

    /// Whether an AWS error answer is worth another try: throttling and server faults only.
    package static func isRetryable(status: Int, errorCode: String) -> Bool {
        if errorCode.contains("Throttl") || errorCode == "TooManyRequestsException" || status == 429 {
            return true
        }
        return status >= 500 && status <= 599
    }

    /// Whether a transport failure is worth another try; permanent local problems are not.
    package static func isRetryable(_ error: TransportError) -> Bool {
        error.kind != .permanent
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

    package init(
        nowEpochMs: @escaping @Sendable () -> Int64, sleepMs: @escaping @Sendable (Int64) -> Void,
        jitterMs: @escaping @Sendable (Int64) -> Int64
    ) {
        self.nowEpochMs = nowEpochMs
        self.sleepMs = sleepMs
        self.jitterMs = jitterMs
    }

    /// The wall clock, a real sleep, and the system random generator (jitter needs no secrecy).
    package static let live = RetryScheduling(
        nowEpochMs: {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            return Int64(now.tv_sec) * 1_000 + Int64(now.tv_nsec) / 1_000_000
        },
        sleepMs: { milliseconds in
            guard milliseconds > 0 else { return }
            var request = timespec(tv_sec: Int(milliseconds / 1_000), tv_nsec: Int(milliseconds % 1_000) * 1_000_000)
            var remaining = timespec()
            while nanosleep(&request, &remaining) != 0 && errno == EINTR {
                request = remaining
            }
        },
        jitterMs: { ceiling in ceiling <= 0 ? 0 : Int64.random(in: 0...ceiling) }
    )
}

/// What an AWS error answer said, already made safe to log.
package struct ServiceFailure: Equatable, Sendable {
    package var code: String
    package var message: String

    package init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

/// Runs one AWS operation with retries inside the deadline.
package struct RequestExecutor: Sendable {
    package let transport: any HTTPTransport
    package let policy: RetryPolicy
    package let scheduling: RetryScheduling

    package init(transport: any HTTPTransport, policy: RetryPolicy, scheduling: RetryScheduling) {
        self.transport = transport
        self.policy = policy
        self.scheduling = scheduling
    }

    /// Sends the request built by `makeRequest` (given the current epoch ms, so each try is signed fresh)
    /// until a 2xx answer, a non-retryable failure, the attempt limit, or the deadline minus the margin.
    package func execute(
        operation: String, deadlineEpochMs: Int64,
        makeRequest: (Int64) -> HTTPRequest,
        parseFailure: (HTTPResponse) -> ServiceFailure
    ) throws(AWSMessagingError) -> HTTPResponse {
        let budgetEnd = deadlineEpochMs - policy.deadlineSafetyMarginMs
        var attempts = 0
        var lastService: (failure: ServiceFailure, status: Int)?
        var lastTransport: TransportError?

        while attempts < policy.maxAttempts {
            let now = scheduling.nowEpochMs()
            let remaining = budgetEnd - now
            guard remaining > 0 else { break }
            let request = makeRequest(now)
            attempts += 1
            let result = Result { () throws(TransportError) -> HTTPResponse in
                try transport.send(
                    request, connectTimeoutMs: min(remaining, policy.maxConnectTimeoutMs), timeoutMs: remaining)
            }
            switch result {
            case .success(let response) where (200...299).contains(response.status):
                return response
            case .success(let response):
                let failure = parseFailure(response)
                guard RetryPolicy.isRetryable(status: response.status, errorCode: failure.code) else {
                    throw .serviceError(
                        operation: operation, code: failure.code, message: failure.message,
                        status: response.status, attempts: attempts)
                }
                lastService = (failure, response.status)
                lastTransport = nil
            case .failure(let error):
                guard RetryPolicy.isRetryable(error) else {
                    throw .networkError(operation: operation, detail: error.detail, attempts: attempts)
                }
                lastTransport = error
                lastService = nil
            }
            guard attempts < policy.maxAttempts else { break }
            let delay = scheduling.jitterMs(policy.backoffCeilingMs(afterAttempt: attempts - 1))
            // A try that cannot start before the budget ends is not worth waiting for.
            guard scheduling.nowEpochMs() + delay < budgetEnd else { break }
            scheduling.sleepMs(delay)
        }

        let outOfTime = attempts < policy.maxAttempts || lastTransport?.kind == .timedOut
        if outOfTime {
            let last =
                lastService.map { describe($0.failure) } ?? lastTransport.map(\.detail)
            throw .deadlineExceeded(operation: operation, attempts: attempts, lastProblem: last)
        }
        if let lastService {
            throw .serviceError(
                operation: operation, code: lastService.failure.code, message: lastService.failure.message,
                status: lastService.status, attempts: attempts)
        }
        throw .networkError(operation: operation, detail: lastTransport?.detail ?? "no response", attempts: attempts)
    }
}

private func describe(_ failure: ServiceFailure) -> String {
    failure.message.isEmpty ? failure.code : "\(failure.code): \(failure.message)"
}
