import Foundation
import Testing

@testable import MotoSupport
@testable import TestSupport

/// The shared limits through the create executable, against moto's DynamoDB and SNS with IAM checks on and the
/// assumed role's credentials. Each test uses its own names and numbers: the table lives for the whole run.
@Suite(
    "Shared limits from the create executable against moto", .serialized, .motoHarness,
    .enabled(if: MotoHarness.enabled, "python3 with moto[server] and boto3 not found; skipped"))
struct LimitsTests {
    struct Outcome {
        var answered: Int
        var limited: Int
        var others: [String]
        var logs: String
    }

    /// Serves the events to one create process and sorts the answers.
    static func serve(_ events: [[UInt8]], _ extra: [String: String] = [:], tag: String = UUID().uuidString) throws -> Outcome {
        let harness = try #require(MotoHarness.current)
        let environment = harness.motoEnv.merging(["RATE_LIMIT_TABLE": harness.info.rateLimitTable, "HASH_KEY": "end-to-end test key 0001"])
        { $1 }
        .merging(extra) { $1 }
        let function = try ServedFunction(
            try ExecutableTests.executable("create-auth-challenge"),
            events: events.enumerated().map { .init($0.element, id: "\(tag)-\($0.offset)") }, environment: environment)
        let posts = function.waitForPosts(events.count)
        let logs = function.stop()
        return try Self.sort(posts, logs: logs)
    }

    static func sort(_ posts: [MockRuntimeAPI.Post], logs: String) throws -> Outcome {
        var outcome = Outcome(answered: 0, limited: 0, others: [], logs: logs)
        for post in posts {
            if post.path.hasSuffix("/response") {
                outcome.answered += 1
            } else if let report = try? jsonObject(post.body), report["errorType"] as? String == "RateLimited" {
                #expect((report["errorMessage"] as? String)?.hasPrefix("Too many codes were asked for. Try again in ") == true)
                outcome.limited += 1
            } else {
                outcome.others.append(post.text)
            }
        }
        return outcome
    }

    static func smsCount(_ phone: String) throws -> Int {
        try #require(MotoHarness.current).modelData().sns.SMS.filter { $0.phone_number == phone }.count
    }

    @Test("MAX_CODES_PER_USER: exactly that many codes for one user name, then RateLimited and nothing sent")
    func perUser() throws {
        let phone = "+15555550301"
        let events = try (0..<5).map { _ in try SampleEvents.create(userName: "user-301", attributes: SampleEvents.phoneUser(phone)) }
        let outcome = try Self.serve(events, ["MAX_CODES_PER_USER": "3", "MAX_CODES_PER_DESTINATION": "100"])
        #expect(outcome.answered == 3)
        #expect(outcome.limited == 2)
        #expect(outcome.others.isEmpty, "\(outcome.others)")
        #expect(try Self.smsCount(phone) == 3)
    }

    @Test("MAX_CODES_PER_DESTINATION counts one phone number across user names")
    func perDestination() throws {
        let phone = "+15555550302"
        let events = try ["a-302", "b-302", "c-302"].map {
            try SampleEvents.create(userName: $0, attributes: SampleEvents.phoneUser(phone))
        }
        let outcome = try Self.serve(events, ["MAX_CODES_PER_DESTINATION": "2"])
        #expect(outcome.answered == 2)
        #expect(outcome.limited == 1)
        #expect(try Self.smsCount(phone) == 2)
    }

    @Test("an unknown user name meets the same limit as a real one, and nothing is sent")
    func unknownUsers() throws {
        let before = try #require(MotoHarness.current).modelData().sns.SMS.count
        let events = try (0..<4).map { _ in try SampleEvents.create(userName: "nobody-303@example.com", attributes: nil) }
        let outcome = try Self.serve(events, ["MAX_CODES_PER_USER": "3"])
        #expect(outcome.answered == 3)
        #expect(outcome.limited == 1)
        #expect(try #require(MotoHarness.current).modelData().sns.SMS.count == before)
    }

    @Test("a burst of sign-ins for one user from two running create processes sends no more than the limit")
    func burstFromTwoProcesses() throws {
        let harness = try #require(MotoHarness.current)
        let phone = "+15555550304"
        let environment = harness.motoEnv.merging([
            "RATE_LIMIT_TABLE": harness.info.rateLimitTable, "HASH_KEY": "end-to-end test key 0001", "MAX_CODES_PER_USER": "4",
            "MAX_CODES_PER_DESTINATION": "100", "LOG_LEVEL": "error",
        ]) { $1 }
        let events = try (0..<10).map { _ in try SampleEvents.create(userName: "user-304", attributes: SampleEvents.phoneUser(phone)) }
        let functions = try ["p", "q"].map { process in
            try ServedFunction(
                try ExecutableTests.executable("create-auth-challenge"),
                events: events.enumerated().map { .init($0.element, id: "\(process)-\($0.offset)") }, environment: environment)
        }
        let outcomes = try functions.map { function in
            let posts = function.waitForPosts(events.count)
            return try Self.sort(posts, logs: function.stop())
        }
        #expect(outcomes.map(\.answered).reduce(0, +) == 4)
        #expect(outcomes.map(\.limited).reduce(0, +) == 16)
        #expect(outcomes.allSatisfy { $0.others.isEmpty }, "\(outcomes.map(\.others))")
        #expect(try Self.smsCount(phone) == 4)
    }

    /// Serves `events` split over two create processes at once; returns both outcomes.
    static func serveOnTwo(_ events: [[UInt8]], _ environment: [String: String], tag: String) throws -> [Outcome] {
        let halves = [Array(events.prefix(events.count / 2)), Array(events.dropFirst(events.count / 2))]
        let functions = try halves.enumerated().map { process, share in
            try ServedFunction(
                try ExecutableTests.executable("create-auth-challenge"),
                events: share.enumerated().map { .init($0.element, id: "\(tag)-\(process)-\($0.offset)") }, environment: environment)
        }
        return try zip(functions, halves).map { function, share in
            try Self.sort(function.waitForPosts(share.count), logs: function.stop())
        }
    }

    @Test("with 60 % of DynamoDB writes conflicting, a burst over two create processes never passes a limit")
    func burstWithConflicts() throws {
        let harness = try #require(MotoHarness.current)
        try harness.dynamoConflicts(rate: 0.6, seed: 17)
        defer { try? harness.dynamoConflicts(rate: 0) }
        let environment = harness.proxyEnv.merging([
            "RATE_LIMIT_TABLE": harness.info.rateLimitTable, "HASH_KEY": "end-to-end test key 0001", "LOG_LEVEL": "error",
            "MAX_CODES_PER_USER": "3", "MAX_CODES_PER_DESTINATION": "100", "MAX_SMS_PER_HOUR": "4",
        ]) { $1 }
        // One victim, 10 sign-ins: at most MAX_CODES_PER_USER codes, and each one sent was counted.
        let phone = "+15555550308"
        let victim = try Self.serveOnTwo(
            try (0..<10).map { _ in try SampleEvents.create(userName: "user-308", attributes: SampleEvents.phoneUser(phone)) },
            environment, tag: "victim")
        let sent = try Self.smsCount(phone)
        #expect(victim.allSatisfy { $0.others.isEmpty }, "\(victim.map(\.others))")
        #expect(victim.map(\.answered).reduce(0, +) == sent)
        #expect(victim.map(\.limited).reduce(0, +) == 10 - sent)
        #expect(sent <= 3)
        // Ten users at once against the SMS ceiling of 4 (the victim's sends count in it too).
        let phones = (0..<10).map { "+1555555032\($0)" }
        let burst = try Self.serveOnTwo(
            try phones.enumerated().map {
                try SampleEvents.create(userName: "user-32\($0.offset)", attributes: SampleEvents.phoneUser($0.element))
            },
            environment, tag: "ceiling")
        let ceilingSent = try phones.map(Self.smsCount).reduce(0, +)
        #expect(burst.allSatisfy { $0.others.isEmpty }, "\(burst.map(\.others))")
        #expect(burst.map(\.answered).reduce(0, +) == ceilingSent)
        #expect(sent + ceilingSent <= 4, "\((victim + burst).map(\.logs))")
        #expect(sent + ceilingSent >= 2, "at least half the ceiling usable")
        let tally = try harness.dynamoTally()
        print(
            "create burst with conflicts: victim \(sent) of 3, ceiling \(sent + ceilingSent) of 4, \(tally.conflicts) of \(tally.writes) writes conflicted"
        )
    }

    @Test("an account under a generated user name and an unknown name typed as a number are refused at the same count")
    func strangerBesideAccount() throws {
        let limits = ["MAX_CODES_PER_DESTINATION": "3", "MAX_CODES_PER_USER": "5", "HASH_KEY": "stranger beside account 01"]
        let accountPhone = "+15555550311"
        let account = try Self.serve(
            try (0..<5).map { _ in
                try SampleEvents.create(userName: "6d0e2a8c-4b1f-4c3a-9e7d-2f5b8a1c0d311", attributes: SampleEvents.phoneUser(accountPhone))
            }, limits)
        let stranger = try Self.serve(try (0..<5).map { _ in try SampleEvents.create(userName: "+15555550312", attributes: nil) }, limits)
        #expect(account.answered == 3 && account.limited == 2)
        #expect(stranger.answered == 3 && stranger.limited == 2)
        #expect(try Self.smsCount(accountPhone) == 3)
        #expect(try Self.smsCount("+15555550312") == 0)
    }

    @Test("with the SMS ceiling full, an account and an unknown name are both refused, with the same wait")
    func ceilingFull() throws {
        // A HASH_KEY of its own: this test's ceiling is a counter no other test has touched.
        let limits = ["MAX_SMS_PER_HOUR": "2", "HASH_KEY": "ceiling full test key 0001"]
        let fill = try Self.serve(
            try ["+15555550313", "+15555550314"].map {
                try SampleEvents.create(userName: "fill-\($0)", attributes: SampleEvents.phoneUser($0))
            },
            limits)
        #expect(fill.answered == 2)
        let account = try Self.serve(
            [try SampleEvents.create(userName: "user-315", attributes: SampleEvents.phoneUser("+15555550315"))], limits)
        let stranger = try Self.serve([try SampleEvents.create(userName: "+15555550316", attributes: nil)], limits)
        #expect(account.limited == 1 && stranger.limited == 1)
        let wait = { (outcome: Outcome) in outcome.logs.firstMatch(of: /"retryAfterSeconds":(\d+)/).map { Int($0.1) ?? 0 } ?? -1 }
        #expect(abs(wait(account) - wait(stranger)) <= 2, "\(account.logs) \(stranger.logs)")
        #expect(try Self.smsCount("+15555550315") == 0)
    }

    @Test("DynamoDB out of reach: allow sends and logs an error; deny refuses and sends nothing")
    func tableDown() throws {
        let harness = try #require(MotoHarness.current)
        let down = ["AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:\(harness.info.refusedPort)"]
        let allowPhone = "+15555550305"
        let allowed = try Self.serve(
            [try SampleEvents.create(userName: "user-305", attributes: SampleEvents.phoneUser(allowPhone))], down)
        #expect(allowed.answered == 1)
        #expect(try Self.smsCount(allowPhone) == 1)
        #expect(allowed.logs.contains("shared limits could not be checked"))
        let denyPhone = "+15555550306"
        let denied = try Self.serve(
            [try SampleEvents.create(userName: "user-306", attributes: SampleEvents.phoneUser(denyPhone))],
            down.merging(["RATE_LIMIT_ON_ERROR": "deny"]) { $1 })
        #expect(denied.limited == 1)
        #expect(try Self.smsCount(denyPhone) == 0)
    }

    @Test("SMS_ALLOWED_COUNTRIES: a number outside the list gets nothing and is answered like an unknown user")
    func countries() throws {
        let phone = "+15555550307"
        let outcome = try Self.serve(
            [try SampleEvents.create(userName: "user-307", attributes: SampleEvents.phoneUser(phone))], ["SMS_ALLOWED_COUNTRIES": "44,49"])
        #expect(outcome.answered == 1)
        #expect(try Self.smsCount(phone) == 0)
        #expect(outcome.logs.contains("no usable destination"))
    }

    @Test("the table never holds a phone number or a user name")
    func keysAreHashed() throws {
        let items = try #require(MotoHarness.current).dynamoItems()
        #expect(!items.isEmpty)
        for item in items {
            #expect(!item.pk.contains("5555550"), "\(item.pk)")
            #expect(!item.pk.contains("user-30"), "\(item.pk)")
            #expect(!item.pk.contains("nobody"), "\(item.pk)")
        }
    }
}
