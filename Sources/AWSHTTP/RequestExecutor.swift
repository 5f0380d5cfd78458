/// What an AWS error answer said, already made safe to log.
package struct ServiceFailure: Equatable, Sendable {
    var code: String
    var message: String

    package init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

/// Runs one AWS operation with retries inside the deadline.
package struct RequestExecutor: Sendable {
    let transport: any HTTPTransport
    package let policy: RetryPolicy
    package let scheduling: RetryScheduling

    init(transport: any HTTPTransport, policy: RetryPolicy, scheduling: RetryScheduling) {
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
    ) throws(AWSCallError) -> HTTPResponse {
        let budgetEnd = deadlineEpochMs - policy.deadlineSafetyMarginMs
        var attempts = 0
        var lastService: (failure: ServiceFailure, status: Int, requestID: String?)?
        var lastTransport: TransportFailure?

        while attempts < policy.maxAttempts {
            let now = scheduling.nowEpochMs()
            let remaining = budgetEnd - now
            guard remaining > 0 else { break }
            let request = makeRequest(now)
            attempts += 1
            let result = Result { () throws(AWSCallError) -> HTTPResponse in
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
                        status: response.status, attempts: attempts, requestID: response.awsRequestID)
                }
                lastService = (failure, response.status, response.awsRequestID)
                lastTransport = nil
            case .failure(let error):
                let failure = error.transportFailure ?? TransportFailure(.permanent, error.description)
                guard RetryPolicy.isRetryable(error) else {
                    throw .networkError(operation: operation, detail: failure.detail, attempts: attempts)
                }
                lastTransport = failure
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
                status: lastService.status, attempts: attempts, requestID: lastService.requestID)
        }
        throw .networkError(operation: operation, detail: lastTransport?.detail ?? "no response", attempts: attempts)
    }
}

private func describe(_ failure: ServiceFailure) -> String {
    failure.message.isEmpty ? failure.code : "\(failure.code): \(failure.message)"
}
