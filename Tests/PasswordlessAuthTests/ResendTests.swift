import Testing

@testable import PasswordlessAuth
@testable import TestSupport

/// `clientMetadata` `{"action": "resend"}` on an answer asks for a new code inside the same sign-in.
@Suite("Resend inside a sign-in")
struct ResendTests {
    static let resend = ["action": "resend"]

    static func create(
        _ session: [ChallengeResult], clientMetadata: [String: String]? = resend, attributes: [String: String] = Sample.bothUser,
        userNotFound: Bool = false, config: PasswordlessConfiguration = PasswordlessConfiguration(), seed: UInt64 = 9
    ) throws(PasswordlessError) -> CreateAuthChallenge.Outcome {
        try CreateAuthChallenge.create(
            CreateAuthChallengeRequest(
                userAttributes: userNotFound ? [:] : attributes, session: session, clientMetadata: clientMetadata,
                userNotFound: userNotFound),
            userName: "carol", configuration: config, now: Sample.now, random: seededSource(seed))
    }

    static func round(_ outcome: CreateAuthChallenge.Outcome, answeredRight: Bool = false) -> ChallengeResult {
        ChallengeResult(
            challengeName: "CUSTOM_CHALLENGE", challengeResult: answeredRight, challengeMetadata: outcome.response.challengeMetadata)
    }

    @Test("a resend makes a new code with a new expiry, sends it, and counts against the limits")
    func newCode() throws {
        let first = try Self.create([], clientMetadata: nil, seed: 1)
        let later = CreateAuthChallengeTests.now + 60
        let again = try CreateAuthChallenge.create(
            CreateAuthChallengeRequest(userAttributes: Sample.bothUser, session: [Self.round(first)], clientMetadata: Self.resend),
            userName: "carol", configuration: PasswordlessConfiguration(), now: later, random: seededSource(2))
        let oldCode = try #require(first.response.privateChallengeParameters?["code"])
        let newCode = try #require(again.response.privateChallengeParameters?["code"])
        #expect(oldCode != newCode)
        #expect(again.response.privateChallengeParameters?["expiresAt"] == String(later + 300))
        #expect(again.message != nil)
        #expect(again.isResend)
        #expect(again.kind == .newCode)
        #expect(again.response.challengeMetadata?.hasSuffix(":1") == true)
        // carol's code goes by SMS: the pumping guard counts it too.
        #expect(again.limitCounters.map(\.kind) == [.user, .destination, .smsPrefix, .smsCallingCode, .smsConversion, .smsConversion])
        // The old code no longer passes: verify sees only the new round's code.
        let verifyOld = VerifyAuthChallengeRequest(
            privateChallengeParameters: try #require(again.response.privateChallengeParameters), challengeAnswer: oldCode)
        #expect(VerifyAuthChallenge.verify(verifyOld, now: later) == .wrongCode)
    }

    @Test("a resend may switch to another allowed, verified channel, and not to an unverified one")
    func switchChannel() throws {
        let first = try Self.create([], clientMetadata: nil)
        #expect(first.channel == .sms)
        let byEmail = try Self.create([Self.round(first)], clientMetadata: ["action": "resend", "channel": "email"])
        #expect(byEmail.channel == .email)
        var unverified = Sample.bothUser
        unverified["email_verified"] = "false"
        let refused = try Self.create(
            [Self.round(first)], clientMetadata: ["action": "resend", "channel": "email"], attributes: unverified)
        #expect(refused.channel == .sms)
    }

    @Test("at most MAX_RESENDS per sign-in; the next asks fail with RateLimited", arguments: [0, 1, 2])
    func cap(maxResends: Int) throws {
        let config = Sample.config { $0.maxResends = maxResends }
        var session = [Self.round(try Self.create([], clientMetadata: nil, config: config))]
        for _ in 0..<maxResends {
            session.append(Self.round(try Self.create(session, config: config)))
        }
        let error = #expect(throws: PasswordlessError.resendLimitReached) { try Self.create(session, config: config) }
        #expect(error?.errorType == "RateLimited")
    }

    @Test("unknown users get the same resend rounds, and the same cap")
    func unknownUsers() throws {
        let first = try Self.create([], clientMetadata: nil, userNotFound: true)
        let again = try Self.create([Self.round(first)], userNotFound: true)
        #expect(again.isDecoy)
        #expect(again.isResend)
        #expect(again.kind == .newCode)
        #expect(again.response.challengeMetadata?.hasSuffix(":1") == true)
        #expect(again.limitCounters.map(\.kind) == [.user, .destination], "charged as a real resend would be")
        let config = Sample.config { $0.maxResends = 1 }
        #expect(throws: PasswordlessError.resendLimitReached) {
            try Self.create([Self.round(first), Self.round(again)], userNotFound: true, config: config)
        }
    }

    @Test("verify never accepts the answer that asked for a resend, even the right code")
    func verifyRefuses() throws {
        let outcome = try Self.create([], clientMetadata: nil)
        let code = try #require(outcome.response.privateChallengeParameters?["code"])
        let request = VerifyAuthChallengeRequest(
            privateChallengeParameters: try #require(outcome.response.privateChallengeParameters), challengeAnswer: code,
            clientMetadata: ["action": "resend"])
        #expect(VerifyAuthChallenge.verify(request, now: Sample.now) == .resendRequested)
    }

    @Test("define does not count resend rounds as attempts")
    func defineCountsNoAttempt() throws {
        let config = PasswordlessConfiguration()
        let first = try Self.create([], clientMetadata: nil)
        // The answer to the first round asks for a resend: still a challenge, no attempt used.
        let asking = DefineAuthChallenge.decide(
            DefineAuthChallengeRequest(session: [Self.round(first)], clientMetadata: Self.resend), configuration: config)
        #expect(asking.failedAttempts == 0)
        #expect(asking.response.challengeName == "CUSTOM_CHALLENGE")
        // After the resent round, two wrong answers are two attempts, and the resend still is none.
        let second = try Self.create([Self.round(first)])
        let third = try Self.create([Self.round(first), Self.round(second)], clientMetadata: nil)
        let decision = DefineAuthChallenge.decide(
            DefineAuthChallengeRequest(session: [Self.round(first), Self.round(second), Self.round(third)]), configuration: config)
        #expect(decision.failedAttempts == 2)
        #expect(decision.response.failAuthentication == false)
        let fourth = DefineAuthChallenge.decide(
            DefineAuthChallengeRequest(session: [Self.round(first), Self.round(second), Self.round(third), Self.round(third)]),
            configuration: config)
        #expect(fourth.failedAttempts == 3)
        #expect(fourth.response.failAuthentication == true)
    }
}

@Suite("Shared limit counters")
struct SendLimitCounterTests {
    @Test("a real send counts its user name and destination; SMS also the pool ceiling when set")
    func counters() {
        var policy = SendLimitPolicy()
        policy.maxSMSPerHour = 100
        let sms = policy.counters(userName: " Carol ", delivery: (.sms, "+15555550123"))
        #expect(sms.map(\.kind) == [.user, .destination, .smsPool])
        #expect(sms[0].identity == "carol")
        #expect(sms[1].identity == "sms:+15555550123")
        #expect(sms[2].limit == 100 && sms[2].windowSeconds == 3600)
        let email = policy.counters(userName: "carol", delivery: (.email, "Carol@Example.com"))
        #expect(email.map(\.kind) == [.user, .destination])
        #expect(email[1].identity == "email:carol@example.com")
        #expect(policy.counters(userName: "carol", delivery: nil).map(\.kind) == [.user])
    }

    @Test(
        "windows are fixed and aligned",
        arguments: [(1_700_000_000, 1_699_999_200), (1_699_999_200, 1_699_999_200), (1_700_000_099, 1_699_999_200)])
    func windows(now: Int64, start: Int64) {
        let counter = LimitCounter(kind: .user, identity: "x", limit: 5, windowSeconds: 900)
        #expect(counter.windowStart(at: now) == start)
    }
}
