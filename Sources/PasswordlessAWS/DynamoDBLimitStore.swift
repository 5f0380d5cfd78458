import AWSClients
import AWSHTTP
import AWSSigning
import LambdaRuntime
import PasswordlessAuth
import Settings

/// The shared send limits in a DynamoDB table: one item per counter and window, counted with conditional writes.
///
/// An item's key is `<kind>#<window start>#<hex HMAC-SHA256(key, "<kind>:<identity>")>`, so the table never holds
/// a phone number, an email address or a user name, and one identity keeps one item per window. Items carry
/// `expiresAt`, the end of their window, for the table's time to live. Safe to share between threads.
package final class DynamoDBLimitStore: LimitStore, Sendable {
    let client: DynamoDBClient
    let table: String
    let hashKey: [UInt8]

    /// A store writing to `table` through `client`, hashing identities under `hashKey`.
    package init(client: DynamoDBClient, table: String, hashKey: [UInt8]) {
        self.client = client
        self.table = table
        self.hashKey = hashKey
    }

    /// Builds the store and its client from the settings; errors name the variable at fault.
    ///
    /// Reads `RATE_LIMIT_TABLE` (required), `HASH_KEY`, and the client's variables (see `DynamoDBClient`).
    /// `HASH_KEY` is the secret the identities are hashed with; when it is blank, the table name is used,
    /// which is not secret: anyone who can read the table could then test guessed numbers or addresses against it.
    package convenience init(
        _ settings: Settings, transport: any HTTPTransport = awsTransport, retryPolicy: RetryPolicy = RetryPolicy(),
        scheduling: RetryScheduling = .system
    ) throws(SettingsError) {
        let table = try settings.required("RATE_LIMIT_TABLE")
        let key = settings.text("HASH_KEY") ?? table
        self.init(
            client: try DynamoDBClient(settings, transport: transport, retryPolicy: retryPolicy, scheduling: scheduling),
            table: table, hashKey: Array(key.utf8))
    }

    /// Counts one send against every counter, or against none when one of them is at its limit.
    ///
    /// - Throws: the `AWSMessagingError` of a call that failed or ran out of time; nothing is decided then.
    package func consume(_ counters: [LimitCounter], now: Int64, deadlineEpochMs: Int64) throws -> LimitDecision {
        let items = counters.map { counter in
            CounterIncrement(
                pk: key(for: counter, now: now), limit: counter.limit,
                expiresAt: counter.windowStart(at: now) + Int64(counter.windowSeconds))
        }
        switch try client.incrementBelowLimits(table: table, items: items, deadlineEpochMs: deadlineEpochMs) {
        case .incremented:
            return .allowed
        case .atLimit(let indices):
            let index = indices.min() ?? 0
            let counter = counters[index]
            let retryAfter = items[index].expiresAt - now
            return .denied(counter: counter.kind, retryAfterSeconds: Int(max(1, retryAfter)))
        }
    }

    /// The item key of `counter` in the window holding `now`: the kind, the window start, and a keyed hash of the
    /// kind and identity.
    package func key(for counter: LimitCounter, now: Int64) -> String {
        let digest = hmacSHA256(key: hashKey, data: Array("\(counter.kind.rawValue):\(counter.identity)".utf8))
        return "\(counter.kind.rawValue)#\(counter.windowStart(at: now))#\(hexEncoded(digest))"
    }
}
