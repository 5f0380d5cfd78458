import AWSDelivery
import AWSMessaging
import Foundation
import MotoSupport
import PasswordlessAuth
import Settings
import Synchronization
import Testing

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
        return try DynamoDBLimitStore(Settings(env.merging(overrides) { $1 }), hashKey: hashKey)
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
            try DynamoDBLimitStore(Settings(harness.motoEnv.merging(["RATE_LIMIT_TABLE": " "]) { $1 }), hashKey: Self.secret)
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
        } catch let error as AWSMessagingError {
            #expect(["AccessDenied", "AccessDeniedException"].contains(error.awsErrorCode ?? ""))
            #expect(!error.description.contains(counter.identity))
        }
        #expect(try harness.dynamoItems(table: harness.info.deniedTable).isEmpty)
    }
}
