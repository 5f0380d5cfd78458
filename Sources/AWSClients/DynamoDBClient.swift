import AWSHTTP
import AWSSigning
import JSON
import Settings

/// One counter to raise by 1, unless it has reached its limit.
package struct CounterIncrement: Equatable, Sendable {
    /// The partition key (`pk`) of the counter's item.
    var pk: String
    /// The count the item may reach; once there, nothing more is added. Zero or less is always at the limit.
    var limit: Int
    /// When the item may go (seconds since 1970), written to `expiresAt` for the table's time to live.
    package var expiresAt: Int64
    /// For a balanced counter: added to the item's balance `b` with each count, and once the count has reached
    /// `limit` the item takes more only while `b` is at most 0. Nil for a plain count below `limit`.
    var balanceWeight: Int?

    package init(pk: String, limit: Int, expiresAt: Int64, balanceWeight: Int? = nil) {
        self.pk = pk
        self.limit = limit
        self.expiresAt = expiresAt
        self.balanceWeight = balanceWeight
    }
}

/// An unconditional change to a balanced counter: `amount` added to its balance `b`, 1 to its count of credits `v`.
package struct BalanceCredit: Equatable, Sendable {
    var pk: String
    var amount: Int
    /// When the item may go, as for `CounterIncrement`.
    var expiresAt: Int64

    package init(pk: String, amount: Int, expiresAt: Int64) {
        self.pk = pk
        self.amount = amount
        self.expiresAt = expiresAt
    }
}

/// What `incrementBelowLimits` did.
package enum IncrementResult: Equatable, Sendable {
    /// Every counter was below its limit and is now 1 higher.
    case incremented
    /// Nothing was added: the counters at these positions of the request are at their limit.
    case atLimit(indices: [Int])
    /// Nothing was added: concurrent writers to the same items kept the write from landing until the deadline.
    case contended
    /// Nothing was tried: too little time was left before the deadline, less the policy's margin.
    case outOfTime
}

/// Counters in Amazon DynamoDB, over its JSON 1.0 protocol (`POST /` with an `X-Amz-Target` header).
///
/// Each counter is an item with a string key `pk`, a number `n` and a number `expiresAt`. Callers see neither
/// expressions nor attribute values. Safe to share: all stored state is immutable, and the libcurl handle inside
/// is guarded by a mutex.
package final class DynamoDBClient: Sendable {
    static let targetPrefix = "DynamoDB_20120810."
    static let contentType = "application/x-amz-json-1.0"
    /// Adds 1 to the count and sets the expiry, on an item that is missing or below the limit.
    static let updateExpression = "ADD #n :one SET #e = :exp"
    static let conditionExpression = "attribute_not_exists(#n) OR #n < :limit"
    static let attributeNames = ["#n": "n", "#e": "expiresAt"]
    /// A balanced counter: the count and the balance rise together; past `:limit` sends, only a balance at most 0
    /// lets the item take more.
    static let balancedUpdateExpression = "ADD #n :one, #b :w SET #e = :exp"
    static let balancedConditionExpression = "attribute_not_exists(#n) OR #n < :limit OR #b <= :zero"
    static let balancedAttributeNames = ["#n": "n", "#b": "b", "#e": "expiresAt"]
    static let creditExpression = "ADD #v :one, #b :amount SET #e = :exp"
    static let creditAttributeNames = ["#v": "v", "#b": "b", "#e": "expiresAt"]
    /// Cancellation reasons that a later try may not meet: concurrent writers, or capacity.
    static let transientCancellationReasons: Set<String> = ["TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"]

    let connection: ServiceConnection

    init(connection: ServiceConnection) { self.connection = connection }

    /// Adds 1 to every counter in `items`, all or none: when any counter is at its limit, nothing is added.
    ///
    /// One item is an `UpdateItem`; several are one `TransactWriteItems`, so they count together or not at all
    /// (no two items may share a `pk`). 5xx answers and network failures are retried as the policy says. A table
    /// that answers busy (a write that met a concurrent one on the same item, `TransactionConflict`, or
    /// throttling) is waited out, with jittered backoff, until `deadlineEpochMs` minus the policy's margin; if the
    /// write still has not landed, the answer is `.contended`, never an error, so that no caller takes a busy
    /// table for one out of reach. With less than `minimumBudgetMs` left to begin with, nothing is tried.
    package func incrementBelowLimits(
        table: String, items: [CounterIncrement], deadlineEpochMs: Int64
    ) throws(AWSCallError) -> IncrementResult {
        guard !items.isEmpty else { return .incremented }
        // A fresh item passes `attribute_not_exists`, so a limit of 0 has to be answered here.
        let unreachable = items.indices.filter { items[$0].limit <= 0 }
        guard unreachable.isEmpty else { return .atLimit(indices: unreachable) }
        let executor = connection.executor
        let budgetEnd = deadlineEpochMs - executor.policy.deadlineSafetyMarginMs
        // Time running out on so short a budget would say nothing about the table: it must not pass for one out of reach.
        guard budgetEnd - executor.scheduling.nowEpochMs() >= Self.minimumBudgetMs else { return .outOfTime }
        var waits = 0
        var busy = false
        while true {
            let result: IncrementResult?
            do {
                result = try incrementOnce(table: table, items: items, deadlineEpochMs: deadlineEpochMs, busy: &busy)
            } catch {
                // The table answered busy, then time ran out or a try failed: busy, not out of reach.
                if busy { return .contended }
                throw error
            }
            if let result { return result }
            // Busy: wait a jittered while and write again, as long as a try can still start in time.
            let delay = executor.scheduling.jitterMs(executor.policy.backoffCeilingMs(afterAttempt: waits))
            guard executor.scheduling.nowEpochMs() + delay < budgetEnd else { return .contended }
            executor.scheduling.sleepMs(delay)
            waits += 1
        }
    }

    /// Less time than this before the deadline (after the margin) is too little to count: a DynamoDB write takes
    /// a few milliseconds in-region, but a try that times out on a budget this short proves nothing.
    static let minimumBudgetMs: Int64 = 200

    /// Whether an answer says the table is busy rather than failing: a conflicting writer, or throttling.
    static func isBusy(_ retryCode: String) -> Bool {
        retryCode.hasPrefix("TransactionConflict") || retryCode.containsText("Throttl")
            || ["ProvisionedThroughputExceeded", "RequestLimitExceeded"].contains(where: { retryCode.hasPrefix($0) })
    }

    /// One run of the retry loop: the result, or nil when the last try found the table busy. Sets `busy` when any
    /// try did.
    func incrementOnce(
        table: String, items: [CounterIncrement], deadlineEpochMs: Int64, busy: inout Bool
    ) throws(AWSCallError) -> IncrementResult? {
        let action = Self.action(itemCount: items.count)
        let operation = "DynamoDB \(action)"
        let body = Array(Self.requestBody(table: table, items: items).utf8)
        let secrets = items.map(\.pk) + connection.secrets
        var last: DynamoDBFailure?
        do {
            _ = try connection.executor.execute(
                operation: operation, deadlineEpochMs: deadlineEpochMs,
                makeRequest: { now in
                    last = nil
                    return signedRequest(action: action, body: body, nowEpochMs: now)
                },
                parseFailure: { response in
                    let failure = Self.parseFailure(response, redacting: secrets)
                    last = failure
                    if Self.isBusy(failure.retryCode) { busy = true }
                    return ServiceFailure(code: failure.retryCode, message: failure.message)
                })
            return .incremented
        } catch {
            // `last` is the answer to the last try; timeouts and network errors carry none.
            guard let failure = last else { throw error }
            if Self.isBusy(failure.retryCode) { return nil }
            switch failure.code {
            case "ConditionalCheckFailedException" where items.count == 1:
                return .atLimit(indices: [0])
            case "TransactionCanceledException":
                let full = failure.cancellationReasons.indices.filter {
                    failure.cancellationReasons[$0] == "ConditionalCheckFailed" && $0 < items.count
                }
                if !full.isEmpty { return .atLimit(indices: full) }
                throw error
            default:
                throw error
            }
        }
    }

    /// Adds each credit's amount to its item's balance, unconditionally, all in one write (an `UpdateItem`, or a
    /// `TransactWriteItems` for several). Retried as the policy says, conflicts included, until the deadline.
    package func credit(table: String, items: [BalanceCredit], deadlineEpochMs: Int64) throws(AWSCallError) {
        guard !items.isEmpty else { return }
        let action = Self.action(itemCount: items.count)
        let body = Array(Self.encode(items.map { Self.update(table: table, credit: $0) }).utf8)
        let secrets = items.map(\.pk) + connection.secrets
        _ = try connection.executor.execute(
            operation: "DynamoDB \(action)", deadlineEpochMs: deadlineEpochMs,
            makeRequest: { now in signedRequest(action: action, body: body, nowEpochMs: now) },
            parseFailure: { response in
                let failure = Self.parseFailure(response, redacting: secrets)
                return ServiceFailure(code: failure.retryCode, message: failure.message)
            })
    }

    /// `UpdateItem` for one item, `TransactWriteItems` for several.
    static func action(itemCount: Int) -> String {
        itemCount == 1 ? "UpdateItem" : "TransactWriteItems"
    }

    /// A POST to `/` with the JSON 1.0 headers; `X-Amz-Target` is signed along with `Host` and `Content-Type`.
    func signedRequest(action: String, body: [UInt8], nowEpochMs: Int64) -> HTTPRequest {
        connection.signedPOST(
            "/", contentType: Self.contentType, extraHeaders: [("X-Amz-Target", Self.targetPrefix + action)], body: body,
            nowEpochMs: nowEpochMs)
    }

    /// The request body, with sorted keys so the bytes are fixed: the `UpdateItem` input for one item, else a
    /// `TransactWriteItems` input with one `Update` per item, in order.
    static func requestBody(table: String, items: [CounterIncrement]) -> String {
        encode(items.map { update(table: table, increment: $0) })
    }

    static func update(table: String, increment item: CounterIncrement) -> Update {
        var values: [String: AttributeValue] = [":one": .number(1), ":exp": .number(item.expiresAt), ":limit": .number(Int64(item.limit))]
        guard let weight = item.balanceWeight else {
            return Update(
                TableName: table, Key: ["pk": .string(item.pk)], UpdateExpression: updateExpression,
                ConditionExpression: conditionExpression, ExpressionAttributeNames: attributeNames, ExpressionAttributeValues: values)
        }
        values[":w"] = .number(Int64(weight))
        values[":zero"] = .number(0)
        return Update(
            TableName: table, Key: ["pk": .string(item.pk)], UpdateExpression: balancedUpdateExpression,
            ConditionExpression: balancedConditionExpression, ExpressionAttributeNames: balancedAttributeNames,
            ExpressionAttributeValues: values)
    }

    static func update(table: String, credit item: BalanceCredit) -> Update {
        Update(
            TableName: table, Key: ["pk": .string(item.pk)], UpdateExpression: creditExpression, ConditionExpression: nil,
            ExpressionAttributeNames: creditAttributeNames,
            ExpressionAttributeValues: [":one": .number(1), ":amount": .number(Int64(item.amount)), ":exp": .number(item.expiresAt)])
    }

    /// One `UpdateItem` input, or a `TransactWriteItems` input with one `Update` per item, with sorted keys.
    static func encode(_ updates: [Update]) -> String {
        // Strings and objects only: encoding cannot fail.
        let bytes =
            updates.count == 1
            ? try? JSONValue.encode(updates[0])
            : try? JSONValue.encode(TransactWriteItems(TransactItems: updates.map { TransactWriteItem(Update: $0) }))
        return String(decoding: bytes ?? [], as: UTF8.self)
    }

    /// Reads a DynamoDB error: the code as `jsonProtocolErrorCode` reads it (header, else the body's `__type`), the
    /// message, and a cancelled transaction's reasons. An XML error (as moto sends for a failed signature or
    /// policy check) gives its `Code` and `Message`; anything else gives the HTTP status as the code.
    static func parseFailure(_ response: HTTPResponse, redacting secrets: [String]) -> DynamoDBFailure {
        let answer = try? JSONValue.decode(ErrorBody.self, from: response.body)
        let xml = answer == nil ? String(decoding: response.body, as: UTF8.self) : nil
        let xmlCode = xml.flatMap { xmlElementText("Code", in: $0) }
        let rawMessage = answer?.message ?? answer?.Message ?? xml.flatMap { xmlElementText("Message", in: $0) }
        let message = rawMessage.map { sanitizedAWSText($0, redacting: secrets) } ?? ""
        let code =
            [jsonProtocolErrorCode(response, bodyType: answer?.__type ?? answer?.code ?? answer?.Code), xmlCode]
            .compactMap { $0?.trimmingWhitespace() }.first { !$0.isEmpty }
            .map { sanitizedAWSText($0, redacting: secrets, limit: 100) } ?? "HTTP \(response.status)"
        var reasons = answer?.CancellationReasons?.map { $0.Code ?? "None" } ?? []
        if reasons.isEmpty, code == "TransactionCanceledException", let rawMessage {
            reasons = reasonsListed(in: rawMessage)
        }
        return DynamoDBFailure(code: code, message: message, cancellationReasons: reasons)
    }

    /// The codes in the bracketed list that ends a cancellation message: `... reasons [None, ConditionalCheckFailed]`.
    static func reasonsListed(in message: String) -> [String] {
        guard let open = message.lastIndex(of: "["), let close = message.lastIndex(of: "]"), open < close else { return [] }
        return message[message.index(after: open)..<close].split(separator: ",").map { String($0).trimmingWhitespace() }
    }
}

/// What a DynamoDB error answer said, already made safe to log.
struct DynamoDBFailure: Equatable, Sendable {
    /// The AWS error code, e.g. `ConditionalCheckFailedException` or `AccessDeniedException`.
    var code: String
    var message: String
    /// For `TransactionCanceledException`, each item's reason in request order (`None` for an item that was fine).
    var cancellationReasons: [String]

    init(code: String, message: String, cancellationReasons: [String] = []) {
        self.code = code
        self.message = message
        self.cancellationReasons = cancellationReasons
    }

    /// The code the retry loop judges: a transaction cancelled only by conflicts or capacity counts as its
    /// first such reason (e.g. `TransactionConflict`), which `RetryPolicy` retries; anything else as `code`.
    var retryCode: String {
        guard code == "TransactionCanceledException" else { return code }
        let causes = cancellationReasons.filter { $0 != "None" }
        guard let first = causes.first, causes.allSatisfy(DynamoDBClient.transientCancellationReasons.contains) else {
            return code
        }
        return first
    }
}

/// A DynamoDB attribute value: a string or a number (sent as text).
enum AttributeValue: Encodable {
    case string(String)
    case number(Int64)

    private enum Keys: String, CodingKey {
        case S, N
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        switch self {
        case .string(let text): try container.encode(text, forKey: .S)
        case .number(let value): try container.encode(String(value), forKey: .N)
        }
    }
}

/// The members of `UpdateItem`'s input, and of an `Update` in a transaction, that this client sets.
struct Update: Encodable {
    var TableName: String
    var Key: [String: AttributeValue]
    var UpdateExpression: String
    var ConditionExpression: String?
    var ExpressionAttributeNames: [String: String]
    var ExpressionAttributeValues: [String: AttributeValue]
}

struct TransactWriteItem: Encodable { var Update: Update }

struct TransactWriteItems: Encodable { var TransactItems: [TransactWriteItem] }

/// The fields DynamoDB error answers carry.
private struct ErrorBody: Decodable {
    struct Reason: Decodable { var Code: String? }

    var __type: String?
    var code: String?
    var Code: String?
    var message: String?
    var Message: String?
    var CancellationReasons: [Reason]?
}
