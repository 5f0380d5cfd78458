import Testing

@testable import PasswordlessAuth
@testable import Settings
@testable import TestSupport

/// An account and an unknown name side by side, passed as Cognito passes them when a pool signs in with email or
/// phone: the account under a generated user name with its destination in the attributes, the unknown name as typed.
@Suite("A stranger is answered as an account would be")
struct StrangerBesideAccountTests {
    static let generatedName = "3f1c2b9e-8d47-4a6e-9b0f-5c2d7e1a4b68"
    static let keyed = Sample.config { $0.hashKey = "stranger test key, 32 bytes long" }

    static func create(
        _ request: CreateAuthChallengeRequest, userName: String, config: PasswordlessConfiguration = keyed
    ) throws -> CreateAuthChallenge.Outcome {
        try CreateAuthChallenge.create(request, userName: userName, configuration: config, now: Sample.now, random: seededSource())
    }

    /// The account as Cognito passes it, and the same destination typed by a stranger.
    static func pair(
        _ attributes: [String: String], typed: String, config: PasswordlessConfiguration = keyed
    ) throws -> (account: CreateAuthChallenge.Outcome, stranger: CreateAuthChallenge.Outcome) {
        let account = try create(
            CreateAuthChallengeRequest(userAttributes: attributes.merging(["sub": generatedName]) { $1 }), userName: generatedName,
            config: config)
        let stranger = try create(CreateAuthChallengeRequest(userNotFound: true), userName: typed, config: config)
        return (account, stranger)
    }

    static let configurations: [PasswordlessConfiguration] = [
        keyed,
        Sample.config {
            $0 = keyed; $0.channels = [.email]
        },
        Sample.config {
            $0 = keyed; $0.channels = [.email, .sms]
        },
        Sample.config {
            $0 = keyed; $0.channelChoice = true
        },
    ]

    @Test(
        "an account whose destination is unverified shows it from its attributes, exactly as the typed one is shown",
        arguments: configurations,
        [
            (["email": "Carol.Smith@Example.com", "email_verified": "false"], "carol.smith@example.com"),
            (["email": "carol.smith@example.com"], "CAROL.SMITH@EXAMPLE.COM"),
            (["phone_number": "+15555550142", "phone_number_verified": "false"], "+15555550142"),
        ])
    func unverifiedDestination(config: PasswordlessConfiguration, case: (account: [String: String], typed: String)) throws {
        let (account, stranger) = try Self.pair(`case`.account, typed: `case`.typed, config: config)
        #expect(account.isDecoy && stranger.isDecoy)
        #expect(account.response.publicChallengeParameters == stranger.response.publicChallengeParameters)
        #expect(account.response.challengeMetadata == stranger.response.challengeMetadata)
        #expect(account.limitCounters.map(\.kind) == stranger.limitCounters.map(\.kind))
        #expect(account.limitCounters.dropFirst() == stranger.limitCounters.dropFirst(), "the same destination counter")
        #expect(account.message == nil && stranger.message == nil)
    }

    @Test("an account with no destination at all and a plain unknown name get the same answer")
    func noDestination() throws {
        let account = try Self.create(
            CreateAuthChallengeRequest(userAttributes: ["sub": Self.generatedName]), userName: Self.generatedName)
        let stranger = try Self.create(CreateAuthChallengeRequest(userNotFound: true), userName: "mallory")
        #expect(account.response.publicChallengeParameters == stranger.response.publicChallengeParameters)
        #expect(account.response.publicChallengeParameters?["destination"] == "+**********")
    }

    @Test(
        "a leaked (email, phone) pair is never confirmed: nothing of a destination is shown, to an account or a stranger",
        arguments: configurations, ["carol@example.com", "+15555550142"])
    func leakedPair(config: PasswordlessConfiguration, typed: String) throws {
        let both = [
            "email": "carol@example.com", "email_verified": "true", "phone_number": "+15555550142", "phone_number_verified": "true",
        ]
        let (account, stranger) = try Self.pair(both, typed: typed, config: config)
        #expect(account.response.publicChallengeParameters == stranger.response.publicChallengeParameters)
        let shown = try #require(account.response.publicChallengeParameters).filter { $0.key.hasSuffix("estination") }
        #expect(!shown.isEmpty)
        for (key, mask) in shown {
            #expect(mask == Channel.sms.hiddenMask || mask == Channel.email.hiddenMask, "\(key): \(mask)")
        }
    }

    @Test("with SMS_ALLOWED_COUNTRIES=1, a typed +44 number gets no SMS round, as an account holding it gets none")
    func excludedCountry() throws {
        let countries = try SMSCountries(["1"])
        let config = Sample.config {
            $0 = Self.keyed
            $0.smsAllowedCountries = countries
        }
        let uk = "+447700900123"
        let (account, stranger) = try Self.pair(["phone_number": uk, "phone_number_verified": "true"], typed: uk, config: config)
        #expect(stranger.channel == .email)
        #expect(account.channel == .email)
        #expect(account.response.publicChallengeParameters == stranger.response.publicChallengeParameters)
        #expect(account.limitCounters.dropFirst() == stranger.limitCounters.dropFirst())
        // With choice on, neither offers SMS.
        let choosing = Sample.config {
            $0 = config
            $0.channelChoice = true
            $0.channels = [.sms, .email]
        }
        let picked = try Self.pair(["phone_number": uk, "phone_number_verified": "true"], typed: uk, config: choosing)
        #expect(picked.account.response.publicChallengeParameters == picked.stranger.response.publicChallengeParameters)
        #expect(picked.stranger.channel == .email, "one channel left: no choice round")
    }

    @Test("an unknown name is charged the counters an account's send is, but for the SMS pumping guard's")
    func sameCounters() throws {
        let config = Sample.config {
            $0 = Self.keyed
            $0.limits.maxSMSPerHour = 100
        }
        let phone = "+15555550143"
        let (account, stranger) = try Self.pair(["phone_number": phone, "phone_number_verified": "true"], typed: phone, config: config)
        #expect(account.message != nil && stranger.message == nil)
        #expect(
            account.limitCounters.map(\.kind) == [
                .user, .destination, .smsPool, .smsPrefix, .smsCallingCode, .smsConversion, .smsConversion,
            ])
        // A round that sends nothing costs nothing and is not charged to a block or a country: made-up names must not
        // close them to real users. The guard's refusals look like sends, so the difference tells the caller nothing.
        #expect(stranger.limitCounters.dropFirst() == account.limitCounters.dropFirst().filter { !$0.kind.isSilent })
        // A name that is neither charges a counter of its own made-up destination, and the ceiling.
        let plain = try Self.create(CreateAuthChallengeRequest(userNotFound: true), userName: "mallory", config: config)
        #expect(plain.limitCounters.map(\.kind) == [.user, .destination, .smsPool])
        #expect(plain.limitCounters[1].identity.hasPrefix("sms:made-up:"))
    }
}

@Suite("SMS_ALLOWED_COUNTRIES prefixes and exclusions")
struct SMSCountriesTests {
    @Test(
        "the longest matching entry decides",
        arguments: [
            ("1,!1876,!1809", "+15555550123", true), ("1,!1876,!1809", "+18765550123", false),
            ("1,!1809", "+18095550123", false), ("1,!1876,!1809", "+447700900123", false),
            ("+44", "+447700900123", true), ("44", "+4915112345678", false), ("!1876", "+447700900123", true),
            ("!1876", "+18765550123", false), ("!1,1876", "+18765550123", true), ("!1,1876", "+15555550123", false),
            ("", "+15555550123", true), ("1", "+15555550123", true),
        ])
    func allows(setting: String, phone: String, allowed: Bool) throws {
        let config = try PasswordlessConfiguration(SettingsReader(["SMS_ALLOWED_COUNTRIES": setting]))
        #expect(config.smsAllowedCountries.allows(phone) == allowed)
    }

    @Test("an account's number outside the list is no destination", arguments: ["+18765550123", "+447700900123"])
    func accountNumber(phone: String) throws {
        let config = try PasswordlessConfiguration(SettingsReader(["SMS_ALLOWED_COUNTRIES": "1,!1876"]))
        let attributes = ["phone_number": phone, "phone_number_verified": "true"]
        #expect(CreateAuthChallenge.usableDestination(of: .sms, in: attributes, config) == nil)
        #expect(
            CreateAuthChallenge.usableDestination(of: .sms, in: ["phone_number": "+15555550123", "phone_number_verified": "true"], config)
                != nil)
    }

    @Test("bad entries name the variable", arguments: ["0", "abc", "!", "1234567890123456", "!+", "44a", "!044"])
    func invalid(entry: String) {
        let error = #expect(throws: SettingsError.self) { try PasswordlessConfiguration(SettingsReader(["SMS_ALLOWED_COUNTRIES": entry])) }
        #expect(error?.variable == "SMS_ALLOWED_COUNTRIES")
    }
}

@Suite("Destination keys and HASH_KEY")
struct DestinationKeyTests {
    @Test(
        "an email key folds case, a +tag, and for Gmail the dots and googlemail.com",
        arguments: [
            ("Carol.Smith+news@GoogleMail.com", "carolsmith@gmail.com"), ("c.a.r.o.l.smith@gmail.com", "carolsmith@gmail.com"),
            ("Carol.Smith+x@Example.com", "carol.smith@example.com"), ("carol.smith@example.com", "carol.smith@example.com"),
            ("+tag@example.com", "+tag@example.com"), (" CAROL@EXAMPLE.COM ", "carol@example.com"),
        ])
    func emailFolding(address: String, key: String) {
        #expect(SendLimitPolicy.key(.email, address) == key)
        let counters = SendLimitPolicy().counters(userName: "u", delivery: (.email, address))
        #expect(counters[1].identity == "email:" + key)
    }

    @Test("a phone key is the number as it is")
    func phoneKey() {
        #expect(SendLimitPolicy.key(.sms, "+15555550123") == "+15555550123")
    }

    @Test("one reader of HASH_KEY: set, it keys the limit store; shorter than 16 bytes it is an error")
    func hashKey() throws {
        let config = try PasswordlessConfiguration(SettingsReader(["HASH_KEY": "0123456789abcdef"]))
        #expect(config.hashKey == "0123456789abcdef")
        try config.requireHashKey()
        let unset = try PasswordlessConfiguration(SettingsReader([:]))
        #expect(unset.hashKey == nil)
        let missing = #expect(throws: SettingsError.self) { try unset.requireHashKey() }
        #expect(missing?.variable == "HASH_KEY")
        let short = #expect(throws: SettingsError.self) { try PasswordlessConfiguration(SettingsReader(["HASH_KEY": "0123456789abcde"])) }
        #expect(short?.variable == "HASH_KEY")
    }

    @Test("the SMS ceiling's shards hold exactly the ceiling between them", arguments: [1, 4, 7, 8, 9, 100, 1_001])
    func shards(ceiling: Int) {
        var policy = SendLimitPolicy()
        policy.maxSMSPerHour = ceiling
        let pool = policy.counters(userName: "u", delivery: (.sms, "+15555550123"))[2]
        #expect(pool.shards == min(8, ceiling))
        #expect((0..<pool.shards).map(pool.limit(ofShard:)).reduce(0, +) == ceiling)
        #expect((0..<pool.shards).allSatisfy { pool.limit(ofShard: $0) >= 1 })
    }
}
