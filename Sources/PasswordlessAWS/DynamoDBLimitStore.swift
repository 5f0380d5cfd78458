import AWSClients
import AWSHTTP
import AWSSigning
import LambdaRuntime
import PasswordlessAuth
import Settings

/// The shared send limits in a DynamoDB table: one item per counter (or counter shard) and window, counted with
/// conditional writes.
///
/// An item's key is `<kind>#<window start>#<hex HMAC-SHA256(key, "<kind>:<identity>")>`, with `#<shard>` after the
/// identity for a sharded counter, so the table never holds a phone number, an email address or a user name, and
/// one identity keeps one item per window. Items carry `expiresAt`, the end of their window, for the table's time to
/// live. Safe to share between threads.
package final class DynamoDBLimitStore: LimitStore, Sendable {
    let client: DynamoDBClient
    let table: String
    let hashKey: [UInt8]

    /// A store writing to `table` through `client`, hashing identities under `hashKey`.
    init(client: DynamoDBClient, table: String, hashKey: [UInt8]) {
        self.client = client
        self.table = table
        self.hashKey = hashKey
    }

    /// Builds the store and its client from the settings; errors name the variable at fault.
    ///
    /// Reads `RATE_LIMIT_TABLE` (required) and the client's variables (see `AWSClientFactory`). `hashKey` is
    /// `HASH_KEY` as `PasswordlessConfiguration` read it; without one (local runs only: create requires it under
    /// Lambda) the table name is used, which is not secret.
    package convenience init(
        _ settings: SettingsReader, hashKey: String?, transport: any HTTPTransport = awsTransport,
        retryPolicy: RetryPolicy = RetryPolicy(), scheduling: RetryScheduling = .system
    ) throws(SettingsError) {
        let table = try settings.required("RATE_LIMIT_TABLE")
        self.init(
            client: try AWSClientFactory(settings, transport: transport, retryPolicy: retryPolicy, scheduling: scheduling).dynamoDB(),
            table: table, hashKey: Array((hashKey ?? table).utf8))
    }

    /// Counts one send against every counter, or against none when one of them is at its limit. A sharded counter
    /// is tried shard by shard from a random one, and is full only when every shard is.
    ///
    /// - Throws: the `AWSCallError` of a call that failed or ran out of time; nothing is decided then.
    package func consume(_ counters: [LimitCounter], now: Int64, deadlineEpochMs: Int64) throws -> LimitDecision {
        var shards = counters.map { $0.shards == 1 ? 0 : Int.random(in: 0..<$0.shards) }
        var tried = counters.map { _ in 1 }
        while true {
            let items = counters.indices.map { index in
                let counter = counters[index]
                return CounterIncrement(
                    pk: key(for: counter, shard: shards[index], now: now), limit: counter.limit(ofShard: shards[index]),
                    expiresAt: counter.windowStart(at: now) + Int64(counter.windowSeconds), balanceWeight: counter.balanceWeight)
            }
            let result: IncrementResult
            let answeredBefore = tried.contains { $0 > 1 }
            do {
                result = try client.incrementBelowLimits(table: table, items: items, deadlineEpochMs: deadlineEpochMs)
            } catch {
                // The table answered for the shards tried so far: time ran out on a busy ceiling, not an unreachable one.
                if answeredBefore && error.ranOutOfTime { return .contended }
                throw error
            }
            switch result {
            case .incremented:
                return .allowed
            case .contended:
                return .contended
            case .outOfTime:
                // After a full shard answered, the table is busy rather than slow to reach.
                return answeredBefore ? .contended : .outOfTime
            case .atLimit(let indices):
                let index = indices.min() ?? 0
                // Only sharded counters are full, and one of them has shards left: move it to its next shard.
                if let next = indices.first(where: { tried[$0] < counters[$0].shards }),
                    indices.allSatisfy({ counters[$0].shards > 1 })
                {
                    shards[next] = (shards[next] + 1) % counters[next].shards
                    tried[next] += 1
                    continue
                }
                let retryAfter = items[index].expiresAt - now
                return .denied(counter: counters[index].kind, retryAfterSeconds: Int(max(1, retryAfter)))
            }
        }
    }

    /// Takes 100 from the balance of each conversion counter's item in the window holding `now`, in one write.
    package func recordVerified(_ counters: [LimitCounter], now: Int64, deadlineEpochMs: Int64) throws {
        let credits = counters.filter { $0.balanceWeight != nil }.map { counter in
            BalanceCredit(
                pk: key(for: counter, now: now), amount: -100, expiresAt: counter.windowStart(at: now) + Int64(counter.windowSeconds))
        }
        try client.credit(table: table, items: credits, deadlineEpochMs: deadlineEpochMs)
    }

    /// The item key of `counter` (of shard `shard`, for a sharded one) in the window holding `now`: the kind, the
    /// window start, and a keyed hash of the kind and identity.
    func key(for counter: LimitCounter, shard: Int = 0, now: Int64) -> String {
        let identity = counter.shards > 1 ? "\(counter.identity)#\(shard)" : counter.identity
        let digest = hmacSHA256(key: hashKey, data: Array("\(counter.kind.rawValue):\(identity)".utf8))
        return "\(counter.kind.rawValue)#\(counter.windowStart(at: now))#\(hexEncoded(digest))"
    }
}
