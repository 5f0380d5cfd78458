import Foundation
import Synchronization
import Testing

@testable import AWSClients
@testable import AWSHTTP
@testable import MotoSupport
@testable import PasswordlessAWS
@testable import PasswordlessAuth
@testable import Settings

/// The shared send limits in moto's DynamoDB, written with the role's credentials and checked against its policy.
@Suite(
    "Send limits in DynamoDB on moto", .serialized, .motoHarness,
    .enabled(if: MotoHarness.enabled, "python3 with moto[server] and boto3 not found (pip install 'moto[server]'); skipped"))
struct LimitStoreTests {
    static let secret = "limit-store-test-secret"

    /// A value no other test uses, so tests sharing the table never share a counter.
    static func unique(_ name: String) -> String {
        "\(name)-\(UInt64.random(in: 0..<UInt64.max))"
    }

    static func deadline() -> Int64 { Int64(Date().timeIntervalSince1970 * 1_000) + 10_000 }

    static func store(_ harness: MotoHarness, hashKey: String? = secret, _ overrides: [String: String] = [:]) throws -> DynamoDBLimitStore {
        let env = harness.motoEnv.merging(["RATE_LIMIT_TABLE": harness.info.rateLimitTable]) { $1 }
        return try DynamoDBLimitStore(SettingsReader(env.merging(overrides) { $1 }), hashKey: hashKey)
    }

    static func item(_ key: String, _ harness: MotoHarness) throws -> DynamoItem? {
        try harness.dynamoItems().first { $0.pk == key }
    }

    @Test("keys are keyed hashes: no identity reaches the table, and one identity keeps one item per window")
    func hashedKeys() throws {
        let harness = try #require(MotoHarness.current)
        let store = try Self.store(harness)
        let now: Int64 = 1_800_000_000
        let digits = String(UInt64.random(in: 1_000_000_000..<9_999_999_999))
        let user = LimitCounter(kind: .user, identity: Self.unique("Alice.Example"), limit: 5, windowSeconds: 3_600)
        let phone = LimitCounter(kind: .destination, identity: "+1\(digits)", limit: 5, windowSeconds: 86_400)
        let email = LimitCounter(kind: .destination, identity: Self.unique("alice") + "@example.com", limit: 5, windowSeconds: 86_400)
        let pool = LimitCounter(kind: .smsPool, identity: Self.unique("pool"), limit: 1_000, windowSeconds: 86_400)

        #expect(try store.consume([user, phone, pool], now: now, deadlineEpochMs: Self.deadline()) == .allowed)
        #expect(try store.consume([user, email], now: now + 60, deadlineEpochMs: Self.deadline()) == .allowed)

        let items = try harness.dynamoItems()
        for item in items {
            for identity in [user.identity, phone.identity, digits, email.identity, pool.identity] {
                #expect(!item.pk.lowercased().contains(identity.lowercased()), "an item key holds an identity")
                #expect(!item.attributes.values.contains { $0.lowercased().contains(identity.lowercased()) })
            }
        }
        let ours = [user, phone, email, pool].map { store.key(for: $0, now: now) }
        for key in ours {
            #expect(key.wholeMatch(of: /(user|destination|sms)#\d+#[0-9a-f]{64}/) != nil, "\(key)")
            #expect(items.contains { $0.pk == key })
        }
        // The user was counted twice under one key; each other identity once.
        #expect(try ours.map { try Self.item($0, harness)?.number("n") } == [2, 1, 1, 1])
        #expect(try Self.item(ours[0], harness)?.number("expiresAt") == 1_800_000_000 - 1_800_000_000 % 3_600 + 3_600)
        #expect(ours[0].hasPrefix("user#\(now - now % 3_600)#"))
    }

    @Test("the key depends on HASH_KEY as the configuration read it; without one, the table name is the key")
    func hashKeySetting() throws {
        let harness = try #require(MotoHarness.current)
        let counter = LimitCounter(kind: .user, identity: "bob", limit: 5, windowSeconds: 3_600)
        let key = { (store: DynamoDBLimitStore) in store.key(for: counter, now: 1_800_000_000) }
        let secret = key(try Self.store(harness))
        let other = key(try Self.store(harness, hashKey: "another-secret"))
        let blank = key(try Self.store(harness, hashKey: nil))
        let tableName = key(try Self.store(harness, hashKey: harness.info.rateLimitTable))
        #expect(secret != other)
        #expect(blank == tableName)
        #expect(blank != secret)
        // The kind is part of what is hashed: the same text as a destination is another counter.
        let asDestination = try Self.store(harness).key(
            for: LimitCounter(kind: .destination, identity: "bob", limit: 5, windowSeconds: 3_600), now: 1_800_000_000)
        #expect(asDestination.split(separator: "#").last != secret.split(separator: "#").last)
        #expect(throws: SettingsError.missing("RATE_LIMIT_TABLE")) {
            try DynamoDBLimitStore(SettingsReader(harness.motoEnv.merging(["RATE_LIMIT_TABLE": " "]) { $1 }), hashKey: Self.secret)
        }
    }

    @Test("a new window counts afresh under a new key")
    func nextWindow() throws {
        let harness = try #require(MotoHarness.current)
        let store = try Self.store(harness)
        let counter = LimitCounter(kind: .user, identity: Self.unique("carol"), limit: 2, windowSeconds: 600)
        let start: Int64 = 1_800_000_000 - 1_800_000_000 % 600
        let now = start + 10
        let decisions = try (0..<3).map { _ in try store.consume([counter], now: now, deadlineEpochMs: Self.deadline()) }
        #expect(decisions == [.allowed, .allowed, .denied(counter: .user, retryAfterSeconds: 590)])

        let later = now + 600
        #expect(try store.consume([counter], now: later, deadlineEpochMs: Self.deadline()) == .allowed)
        let (oldKey, newKey) = (store.key(for: counter, now: now), store.key(for: counter, now: later))
        #expect(oldKey != newKey)
        #expect(newKey.hasPrefix("user#\(start + 600)#"))
        #expect(try Self.item(oldKey, harness)?.number("n") == 2)
        let fresh = try #require(try Self.item(newKey, harness))
        #expect(fresh.number("n") == 1)
        #expect(fresh.number("expiresAt") == start + 1_200)
    }

    @Test("a denial names the first full counter and the end of its window, and counts nothing")
    func denial() throws {
        let harness = try #require(MotoHarness.current)
        let store = try Self.store(harness)
        let now: Int64 = 1_800_000_000 - 1_800_000_000 % 86_400 + 7_200 + 100
        var user = LimitCounter(kind: .user, identity: Self.unique("dave"), limit: 5, windowSeconds: 3_600)
        let destination = LimitCounter(kind: .destination, identity: Self.unique("+1555"), limit: 1, windowSeconds: 86_400)

        #expect(try store.consume([user, destination], now: now, deadlineEpochMs: Self.deadline()) == .allowed)
        // The destination is full until its day ends: 86_400 - 7_200 - 100 seconds from now.
        #expect(
            try store.consume([user, destination], now: now, deadlineEpochMs: Self.deadline())
                == .denied(counter: .destination, retryAfterSeconds: 79_100))
        #expect(try Self.item(store.key(for: user, now: now), harness)?.number("n") == 1, "the user was not counted")

        // Both full: the first counter in the list is reported, with its own window (an hour: 3_500 s left).
        user.limit = 1
        #expect(
            try store.consume([user, destination], now: now, deadlineEpochMs: Self.deadline())
                == .denied(counter: .user, retryAfterSeconds: 3_500))
    }

    @Test("20 concurrent sends from 4 clients on their own connections: exactly the limit is allowed")
    func concurrentSends() throws {
        let harness = try #require(MotoHarness.current)
        let stores = try (0..<4).map { _ in try Self.store(harness) }
        let now = Int64(Date().timeIntervalSince1970)
        let user = LimitCounter(kind: .user, identity: Self.unique("erin"), limit: 7, windowSeconds: 3_600)
        let destination = LimitCounter(kind: .destination, identity: Self.unique("erin@example.com"), limit: 50, windowSeconds: 86_400)
        let decisions = Mutex<[LimitDecision]>([])
        let failures = Mutex<[String]>([])
        let done = DispatchGroup()
        for index in 0..<20 {
            done.enter()
            let store = stores[index % stores.count]
            Thread {
                defer { done.leave() }
                do {
                    let decision = try store.consume([user, destination], now: now, deadlineEpochMs: Self.deadline())
                    decisions.withLock { $0.append(decision) }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }.start()
        }
        done.wait()
        #expect(failures.withLock { $0 } == [])
        let all = decisions.withLock { $0 }
        #expect(all.count == 20)
        #expect(all.filter { $0 == .allowed }.count == 7)
        #expect(
            all.allSatisfy { decision in
                if case .denied(let counter, let retryAfter) = decision { return counter == .user && (1...3_600).contains(retryAfter) }
                return decision == .allowed
            })
        #expect(try Self.item(stores[0].key(for: user, now: now), harness)?.number("n") == 7)
        #expect(try Self.item(stores[0].key(for: destination, now: now), harness)?.number("n") == 7)
    }

    @Test("a store the role may not write to throws, so the caller decides")
    func accessDenied() throws {
        let harness = try #require(MotoHarness.current)
        let store = try Self.store(harness, ["RATE_LIMIT_TABLE": harness.info.deniedTable])
        let counter = LimitCounter(kind: .user, identity: Self.unique("frank"), limit: 5, windowSeconds: 3_600)
        do {
            let decision = try store.consume([counter], now: 1_800_000_000, deadlineEpochMs: Self.deadline())
            Issue.record("a denied write gave \(decision)")
        } catch let error as AWSCallError {
            #expect(["AccessDenied", "AccessDeniedException"].contains(error.awsErrorCode ?? ""))
            #expect(!error.description.contains(counter.identity))
        }
        #expect(try harness.dynamoItems(table: harness.info.deniedTable).isEmpty)
    }

    /// Through the fault proxy, which can answer DynamoDB writes as conflicting.
    static func proxied(_ harness: MotoHarness) throws -> DynamoDBLimitStore {
        try store(harness, harness.proxyEnv)
    }

    @Test("a write that meets concurrent ones is waited out, then counted once", arguments: [1, 2])
    func conflictWaitedOut(counters: Int) throws {
        let harness = try #require(MotoHarness.current)
        // One counter is an UpdateItem (TransactionConflictException), two a transaction (TransactionCanceledException).
        try harness.proxyScript("conflict", "conflict", "conflict", "conflict", "conflict", "forward")
        defer { try? harness.proxyScript("forward") }
        let now = Int64(Date().timeIntervalSince1970)
        let all = [
            LimitCounter(kind: .user, identity: Self.unique("gina"), limit: 3, windowSeconds: 3_600),
            LimitCounter(kind: .destination, identity: Self.unique("gina@example.com"), limit: 3, windowSeconds: 3_600),
        ]
        let store = try Self.proxied(harness)
        #expect(try store.consume(Array(all.prefix(counters)), now: now, deadlineEpochMs: Self.deadline()) == .allowed)
        #expect(try harness.proxyRequestCount() == 6, "five conflicts, then the write that landed")
        for counter in all.prefix(counters) {
            #expect(try Self.item(store.key(for: counter, now: now), harness)?.number("n") == 1)
        }
    }

    @Test("conflicts until the deadline: the answer is contended, within the deadline, and nothing is counted")
    func conflictUntilDeadline() throws {
        let harness = try #require(MotoHarness.current)
        try harness.proxyScript("conflict")
        defer { try? harness.proxyScript("forward") }
        let now = Int64(Date().timeIntervalSince1970)
        let counters = [
            LimitCounter(kind: .user, identity: Self.unique("hank"), limit: 3, windowSeconds: 3_600),
            LimitCounter(kind: .destination, identity: Self.unique("+1555"), limit: 3, windowSeconds: 3_600),
        ]
        let start = Date()
        let deadline = Int64(start.timeIntervalSince1970 * 1_000) + 2_500
        #expect(try Self.proxied(harness).consume(counters, now: now, deadlineEpochMs: deadline) == .contended)
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed < 2.5, "answered before the deadline: \(elapsed) s")
        #expect(try harness.proxyRequestCount() >= 2, "kept trying while there was time")
        for counter in counters {
            #expect(try Self.item(Self.store(harness).key(for: counter, now: now), harness) == nil)
        }
    }

    /// The counters of an SMS to a new number for a new user, under a ceiling of `ceiling` spread as the policy does.
    static func smsCounters(pool: String, ceiling: Int) -> [LimitCounter] {
        var policy = SendLimitPolicy()
        policy.maxSMSPerHour = ceiling
        var counters = policy.counters(
            userName: unique("user"), delivery: (.sms, "+1" + String(UInt64.random(in: 2_000_000_000..<9_999_999_999))))
        counters[2].identity = pool
        return counters
    }

    @Test("the SMS ceiling is spread over shards that together hold exactly the ceiling")
    func shardedCeiling() throws {
        let harness = try #require(MotoHarness.current)
        let store = try Self.store(harness)
        let pool = Self.unique("pool")
        let now = Int64(Date().timeIntervalSince1970)
        let decisions = try (0..<10).map { _ in
            try store.consume(Self.smsCounters(pool: pool, ceiling: 6), now: now, deadlineEpochMs: Self.deadline())
        }
        #expect(decisions.filter { $0 == .allowed }.count == 6)
        #expect(decisions.suffix(4).allSatisfy { if case .denied(.smsPool, _) = $0 { true } else { false } }, "\(decisions)")
        let ceiling = Self.smsCounters(pool: pool, ceiling: 6)[2]
        #expect(ceiling.shards == 6)
        let counts = try (0..<ceiling.shards).map { try Self.item(store.key(for: ceiling, shard: $0, now: now), harness)?.number("n") }
        #expect(counts == Array(repeating: 1, count: 6), "one count per shard: \(counts)")
    }

    /// Runs `rounds` concurrent consumes over 4 stores; returns the decisions and the errors.
    static func concurrently(
        _ stores: [DynamoDBLimitStore], rounds: Int, now: Int64, deadlineMs: Int64,
        counters: @escaping @Sendable (Int) -> [LimitCounter]
    ) -> (decisions: [LimitDecision], failures: [String]) {
        let decisions = Mutex<[LimitDecision]>([])
        let failures = Mutex<[String]>([])
        let done = DispatchGroup()
        let deadline = Int64(Date().timeIntervalSince1970 * 1_000) + deadlineMs
        for index in 0..<rounds {
            done.enter()
            let store = stores[index % stores.count]
            Thread {
                defer { done.leave() }
                do {
                    let decision = try store.consume(counters(index), now: now, deadlineEpochMs: deadline)
                    decisions.withLock { $0.append(decision) }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }.start()
        }
        done.wait()
        return (decisions.withLock { $0 }, failures.withLock { $0 })
    }

    @Test("with 60 % of writes conflicting, a burst never passes a limit, and most of a ceiling stays usable")
    func burstWithConflicts() throws {
        let harness = try #require(MotoHarness.current)
        try harness.dynamoConflicts(rate: 0.6, seed: 16)
        defer { try? harness.dynamoConflicts(rate: 0) }
        let stores = try (0..<4).map { _ in try Self.proxied(harness) }
        // One victim: 10 sign-ins at once against MAX_CODES_PER_USER=3, with 3.5 s to count each (Cognito's 5 s less
        // the time create keeps for the send).
        let user = LimitCounter(kind: .user, identity: Self.unique("ivy"), limit: 3, windowSeconds: 900)
        let phone = LimitCounter(kind: .destination, identity: Self.unique("sms:+1555"), limit: 100, windowSeconds: 900)
        let now = Int64(Date().timeIntervalSince1970)
        let victim = Self.concurrently(stores, rounds: 10, now: now, deadlineMs: 3_500) { _ in [user, phone] }
        #expect(victim.failures == [])
        let victimAllowed = victim.decisions.filter { $0 == .allowed }.count
        #expect(victimAllowed <= 3)
        #expect(try Self.item(stores[0].key(for: user, now: now), harness)?.number("n") ?? 0 == Int64(victimAllowed))
        // The ceiling: 10 users at once against MAX_SMS_PER_HOUR=4.
        let pool = Self.unique("pool")
        let ceiling = Self.concurrently(stores, rounds: 10, now: now, deadlineMs: 3_500) { _ in Self.smsCounters(pool: pool, ceiling: 4) }
        #expect(ceiling.failures == [])
        let ceilingAllowed = ceiling.decisions.filter { $0 == .allowed }.count
        #expect(ceilingAllowed <= 4)
        #expect(ceilingAllowed >= 2, "at least half the ceiling usable: \(ceiling.decisions)")
        let tally = try harness.dynamoTally()
        let contended = (victim.decisions + ceiling.decisions).filter { $0 == .contended }.count
        print(
            "burst with conflicts: victim \(victimAllowed)/3 allowed of 10; ceiling \(ceilingAllowed)/4 allowed of 10; "
                + "\(contended) contended; \(tally.conflicts) of \(tally.writes) writes conflicted")
    }
}
