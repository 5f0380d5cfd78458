import Testing

@testable import PasswordlessAuth
@testable import Settings
@testable import TestSupport

/// The SMS pumping guard's rules: calling codes, the number a limit counts, and the counters a send is charged.
@Suite("SMS pumping guard: rules")
struct PumpingGuardTests {
    @Test(
        "the calling code is the first one, two or three digits, as ITU assigns them",
        arguments: [
            ("+15555550123", "1"), ("+79161234567", "7"), ("+447700900123", "44"), ("+33612345678", "33"),
            ("+8613812345678", "86"), ("+3531234567890", "353"), ("+2348012345678", "234"), ("+8526123456", "852"),
            ("+9715012345678", "971"), ("+882123456789", "882"),
        ])
    func callingCodes(number: String, code: String) {
        #expect(PhoneNumber.callingCode(number) == code)
    }

    @Test("no calling code for what is not E.164", arguments: ["", "+", "+0441234567", "447700900123x", "+12", "+1-555-0100"])
    func noCallingCode(text: String) {
        #expect(PhoneNumber.callingCode(text) == nil)
    }

    @Test("a trunk 0 after the calling code does not make a new key; the block is the number less its last 4 digits")
    func counted() {
        #expect(PhoneNumber.counted("+4407700900123") == "+447700900123")
        #expect(PhoneNumber.counted("+447700900123") == "+447700900123")
        #expect(PhoneNumber.counted("+15555550123") == "+15555550123")
        #expect(SendLimitPolicy.key(.sms, "+4407700900123") == SendLimitPolicy.key(.sms, " +447700900123 "))
        #expect(PhoneNumber.prefix("+447700900123") == "+44770090")
        #expect(PhoneNumber.prefix("+4407700900123") == "+44770090")
        #expect(PhoneNumber.prefix("+15555550123") == "+1555555")
    }

    static func settings(_ values: [String: String]) throws(SettingsError) -> SendLimitPolicy {
        try SendLimitPolicy(SettingsReader(values))
    }

    @Test("a real SMS is charged its block, its calling code and the two windows of its calling code's brake")
    func counters() throws {
        let policy = try Self.settings([
            "MAX_SMS_PER_PREFIX_PER_HOUR": "7", "MAX_SMS_PER_CALLING_CODE_PER_HOUR": "50", "SMS_CONVERSION_MIN_PERCENT": "25",
            "SMS_CONVERSION_MIN_SENT": "12", "SMS_CONVERSION_WINDOW_SECONDS": "1200",
        ])
        let counters = policy.counters(userName: "u", delivery: (.sms, "+4407700900123"), sends: true)
        #expect(counters.map(\.kind) == [.user, .destination, .smsPrefix, .smsCallingCode, .smsConversion, .smsConversion])
        #expect(counters[1].identity == "sms:+447700900123")
        #expect(counters[2].identity == "+44770090" && counters[2].limit == 7 && counters[2].windowSeconds == 3600)
        #expect(counters[3].identity == "44" && counters[3].limit == 50 && counters[3].windowSeconds == 3600)
        for (counter, offset) in zip(counters[4...], [0, 600]) {
            #expect(counter.identity == "44" && counter.limit == 12 && counter.balanceWeight == 25)
            #expect(counter.windowSeconds == 1200 && counter.offsetSeconds == offset)
        }
        // Two windows half a window apart: at any moment one of them began at least half a window ago.
        for now in stride(from: Int64(1_700_000_000), to: 1_700_003_000, by: 97) {
            let starts = counters[4...].map { $0.windowStart(at: now) }
            #expect(starts.allSatisfy { $0 <= now && now - $0 < 1200 })
            #expect(starts.contains { now - $0 >= 600 })
        }
        // Nothing of the guard for a round that sends nothing, or for email.
        #expect(policy.counters(userName: "u", delivery: (.sms, "+447700900123"), sends: false).map(\.kind) == [.user, .destination])
        #expect(policy.counters(userName: "u", delivery: (.email, "a@example.com"), sends: true).map(\.kind) == [.user, .destination])
    }

    @Test("the defaults, and the brake off at 0 percent")
    func defaults() throws {
        let policy = SendLimitPolicy()
        #expect(policy.maxSMSPerPrefixPerHour == 10 && policy.maxSMSPerCallingCodePerHour == 100)
        #expect(policy.conversionMinPercent == 20 && policy.conversionMinSent == 20 && policy.conversionWindowSeconds == 3600)
        let off = try Self.settings(["SMS_CONVERSION_MIN_PERCENT": "0"])
        #expect(off.conversionCounters(callingCode: "44").isEmpty && !off.hasConversionBrake)
        #expect(
            off.counters(userName: "u", delivery: (.sms, "+447700900123"), sends: true).map(\.kind)
                == [.user, .destination, .smsPrefix, .smsCallingCode])
    }

    @Test(
        "each setting out of range is an error naming it",
        arguments: [
            ("MAX_SMS_PER_PREFIX_PER_HOUR", "0"), ("MAX_SMS_PER_PREFIX_PER_HOUR", "10001"), ("MAX_SMS_PER_CALLING_CODE_PER_HOUR", "0"),
            ("SMS_CONVERSION_MIN_PERCENT", "101"), ("SMS_CONVERSION_MIN_PERCENT", "-1"), ("SMS_CONVERSION_MIN_SENT", "0"),
            ("SMS_CONVERSION_WINDOW_SECONDS", "599"), ("SMS_CONVERSION_WINDOW_SECONDS", "86401"), ("SMS_CONVERSION_MIN_SENT", "many"),
        ])
    func invalid(name: String, value: String) {
        #expect {
            _ = try Self.settings([name: value])
        } throws: { error in
            String(describing: error).contains(name)
        }
    }

    @Test("create puts the calling code of a real SMS in the private parameters, never for email or a stranger")
    func callingCodeForVerify() throws {
        let phone = ["sub": "s", "phone_number": "+447700900123", "phone_number_verified": "true"]
        let sms = try CreateAuthChallenge.create(
            CreateAuthChallengeRequest(userAttributes: phone), userName: "s", configuration: PasswordlessConfiguration(), now: Sample.now,
            random: seededSource())
        #expect(sms.response.privateChallengeParameters?["callingCode"] == "44")
        let stranger = try CreateAuthChallenge.create(
            CreateAuthChallengeRequest(userNotFound: true), userName: "+447700900123", configuration: PasswordlessConfiguration(),
            now: Sample.now, random: seededSource())
        #expect(stranger.response.privateChallengeParameters?["callingCode"] == nil && stranger.message == nil)
        let email = try CreateAuthChallenge.create(
            CreateAuthChallengeRequest(userAttributes: Sample.emailUser), userName: "u-2", configuration: PasswordlessConfiguration(),
            now: Sample.now, random: seededSource())
        #expect(email.response.privateChallengeParameters?["callingCode"] == nil)
        var off = PasswordlessConfiguration()
        off.limits.conversionMinPercent = 0
        let unbraked = try CreateAuthChallenge.create(
            CreateAuthChallengeRequest(userAttributes: phone), userName: "s", configuration: off, now: Sample.now, random: seededSource())
        #expect(unbraked.response.privateChallengeParameters?["callingCode"] == nil)
    }
}
