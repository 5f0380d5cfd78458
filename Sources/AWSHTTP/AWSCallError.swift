import Settings

/// An error from calling an AWS service; its description is safe to log.
///
/// Descriptions never include the message being sent or any credential: AWS error messages are cut to their
/// first line and scrubbed of those values before they are stored here.
package struct AWSCallError: Error, Equatable, Sendable, CustomStringConvertible {
    private enum Kind: Equatable, Sendable {
        case service(operation: String, code: String, message: String, status: Int, attempts: Int)
        case deadlineExceeded(operation: String, attempts: Int, lastProblem: String?)
        case network(operation: String, detail: String, attempts: Int)
        case invalidResponse(operation: String, detail: String)
        case transport(TransportFailure)
    }

    private let kind: Kind
    /// The request id AWS gave the failed call, when it answered; not part of what makes two errors equal.
    package let awsRequestID: String?

    private init(_ kind: Kind, requestID: String? = nil) {
        self.kind = kind
        awsRequestID = requestID
    }

    package static func == (a: Self, b: Self) -> Bool { a.kind == b.kind }

    /// AWS answered with an error `code` and `message` (HTTP `status`) after `attempts` tries.
    static func serviceError(
        operation: String, code: String, message: String, status: Int, attempts: Int, requestID: String? = nil
    ) -> AWSCallError {
        AWSCallError(
            .service(operation: operation, code: code, message: message, status: status, attempts: attempts), requestID: requestID)
    }

    /// The time before the invocation deadline ran out after `attempts` tries.
    static func deadlineExceeded(operation: String, attempts: Int, lastProblem: String?) -> AWSCallError {
        AWSCallError(.deadlineExceeded(operation: operation, attempts: attempts, lastProblem: lastProblem))
    }

    /// The request could not be completed at the network level after `attempts` tries.
    static func networkError(operation: String, detail: String, attempts: Int) -> AWSCallError {
        AWSCallError(.network(operation: operation, detail: detail, attempts: attempts))
    }

    /// AWS answered with success but the body lacked what was expected.
    package static func invalidResponse(operation: String, detail: String) -> AWSCallError {
        AWSCallError(.invalidResponse(operation: operation, detail: detail))
    }

    /// One attempt failed below HTTP (connecting, TLS, a timeout); the request executor turns this into a
    /// network or deadline error once it stops trying.
    static func transport(_ kind: TransportFailure.Kind, _ detail: String) -> AWSCallError {
        AWSCallError(.transport(TransportFailure(kind, detail)))
    }

    /// What a transport reported, for an error thrown by one.
    var transportFailure: TransportFailure? {
        if case .transport(let failure) = kind { return failure }
        return nil
    }

    /// The AWS error code (e.g. `AccessDenied`, `MessageRejected`) when AWS answered with an error.
    package var awsErrorCode: String? {
        if case .service(_, let code, _, _, _) = kind { return code }
        return nil
    }

    /// Whether the time before the deadline ran out, after a try or before one could start.
    package var ranOutOfTime: Bool {
        if case .deadlineExceeded = kind { return true }
        return false
    }

    /// The AWS error message, already made safe to log, when AWS answered with an error.
    package var awsErrorMessage: String? {
        if case .service(_, _, let message, _, _) = kind { return message }
        return nil
    }

    /// Whether AWS refused this request for good (a 4xx other than throttling): the same request will fail again.
    package var isRejection: Bool {
        if case .service(_, let code, _, let status, _) = kind {
            return (400...499).contains(status) && !RetryPolicy.isRetryable(status: status, errorCode: code)
        }
        return false
    }

    /// A one-line, log-safe description naming the service, operation and cause.
    package var description: String {
        switch kind {
        case .service(let operation, let code, let message, let status, let attempts):
            var text = "\(operation) failed: \(code)"
            if !message.isEmpty { text += ": \(message)" }
            // Without a message the status is the only other clue; "HTTP nnn" codes already carry it.
            if message.isEmpty && !code.hasPrefix("HTTP ") { text += " (HTTP \(status))" }
            if attempts > 1 { text += " (after \(attempts) attempts)" }
            return text
        case .deadlineExceeded(let operation, let attempts, let lastProblem):
            if attempts == 0 {
                return "\(operation) failed: no time left before the invocation deadline; nothing was sent"
            }
            var text = "\(operation) failed: timed out before the invocation deadline after \(count(attempts))"
            if let lastProblem { text += " (last error: \(lastProblem))" }
            return text
        case .network(let operation, let detail, let attempts):
            return "\(operation) failed: network error after \(count(attempts)): \(detail)"
        case .invalidResponse(let operation, let detail):
            return "\(operation) failed: unexpected response: \(detail)"
        case .transport(let failure):
            return "network error: \(failure.detail)"
        }
    }
}

private func count(_ attempts: Int) -> String {
    attempts == 1 ? "1 attempt" : "\(attempts) attempts"
}

/// Makes AWS-supplied text safe to log: first line only, bounded length, secrets replaced.
///
/// Some AWS errors (e.g. `SignatureDoesNotMatch`) append the canonical request, which carries the session
/// token and the payload hash; cutting at the first line drops that.
package func sanitizedAWSText(_ text: String, redacting secrets: [String], limit: Int = 300) -> String {
    var line = String(text.prefix { !$0.isNewline })
    for secret in secrets where secret.count >= 4 {
        line = line.replacingText(secret, with: "<redacted>")
    }
    // AWS errors can quote a recipient (SES's sandbox names the unverified address): no address or phone
    // number leaves in an error, whichever one it is.
    line = redactingAddresses(line)
    line = redactingNumbers(line)
    line = String(line.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
    if line.count > limit { line = String(line.prefix(limit)) + "…" }
    return line.trimmingWhitespace()
}

/// Replaces every word (a run of characters other than white space and `<>"'(),;:[]`) with an `@` that is neither
/// its first nor its last character by `<address>`. A scan rather than a regular expression: the first use of the
/// regular expression engine in a process costs about 2 MB of memory.
func redactingAddresses(_ text: String) -> String {
    var result = ""
    var word: [Character] = []
    func flush() {
        let isAddress = word.count >= 3 && word[1..<(word.count - 1)].contains("@")
        result += isAddress ? "<address>" : String(word)
        word.removeAll(keepingCapacity: true)
    }
    for character in text {
        if character.isWhitespace || "<>\"'(),;:[]".contains(character) {
            flush()
            result.append(character)
        } else {
            word.append(character)
        }
    }
    flush()
    return result
}

/// Replaces every run of at least 8 characters that starts and ends with a digit and holds only digits, spaces and
/// hyphens, with the `+` just before it if any, by `<number>`.
func redactingNumbers(_ text: String) -> String {
    let characters = Array(text)
    var result = ""
    var index = 0
    while index < characters.count {
        guard characters[index].isDecimalDigit else {
            let plusStartsNumber = characters[index] == "+" && index + 1 < characters.count && characters[index + 1].isDecimalDigit
            if !plusStartsNumber { result.append(characters[index]) }
            index += 1
            continue
        }
        var end = index
        var last = index
        while end < characters.count, characters[end].isDecimalDigit || characters[end] == " " || characters[end] == "-" {
            if characters[end].isDecimalDigit { last = end }
            end += 1
        }
        let hasPlus = index > 0 && characters[index - 1] == "+"
        if last - index + 1 >= 8 {
            result += "<number>"
        } else {
            if hasPlus { result.append("+") }
            result += String(characters[index...last])
        }
        result += String(characters[(last + 1)..<end])
        index = end
    }
    return result
}

extension Character {
    /// A decimal digit of any script, as `\d` matches one.
    fileprivate var isDecimalDigit: Bool {
        unicodeScalars.count == 1 && unicodeScalars.first!.properties.numericType == .decimal
    }
}
