import Testing

@testable import PasswordlessAuth
@testable import TestSupport

/// An unknown or unreachable user is answered as a real user who has every allowed channel, verified.
@Suite("Unknown users look like real ones")
struct UnknownUserTests {
    static func create(
        _ request: CreateAuthChallengeRequest, userName: String, config: PasswordlessConfiguration = PasswordlessConfiguration()
    ) throws -> CreateAuthChallenge.Outcome {
        try CreateAuthChallenge.create(request, userName: userName, configuration: config, now: Sample.now, random: seededSource())
    }

    /// A real user with every channel, verified, whose destinations are what the stranger types.
    static func realUser(phone: String = "+15555550123", email: String = "carol@example.com") -> [String: String] {
        ["sub": "u-7", "phone_number": phone, "phone_number_verified": "true", "email": email, "email_verified": "true"]
    }

    static let configurations: [PasswordlessConfiguration] = [
        PasswordlessConfiguration(),
        Sample.config { $0.channels = [.email] },
        Sample.config { $0.channels = [.email, .sms] },
        Sample.config { $0.channelChoice = true },
        Sample.config { $0.channels = [.sms] },
    ]

    @Test(
        "the public parameters match key for key, channel for channel and mask for mask",
        arguments: configurations, ["carol@example.com", "+15555550123"])
    func sameAsReal(config: PasswordlessConfiguration, typed: String) throws {
        let real = try Self.create(CreateAuthChallengeRequest(userAttributes: Self.realUser()), userName: typed, config: config)
        let unknown = try Self.create(CreateAuthChallengeRequest(userNotFound: true), userName: typed, config: config)
        let realParameters = try #require(real.response.publicChallengeParameters)
        let unknownParameters = try #require(unknown.response.publicChallengeParameters)
        #expect(Set(realParameters.keys) == Set(unknownParameters.keys))
        #expect(realParameters["step"] == unknownParameters["step"])
        #expect(realParameters["channel"] == unknownParameters["channel"])
        #expect(realParameters["channels"] == unknownParameters["channels"])
        for key in ["destination", "smsDestination", "emailDestination"] {
            #expect(Self.form(realParameters[key]) == Self.form(unknownParameters[key]), "\(key)")
        }
        // What the stranger typed is shown masked the same way in both answers.
        if typed.contains("@"), config.channels.first == .email || config.channelChoice {
            let key = config.channelChoice ? "emailDestination" : "destination"
            #expect(realParameters[key] == unknownParameters[key])
        }
        #expect(real.kind == unknown.kind)
        #expect(real.limitCounters.map(\.kind).first == unknown.limitCounters.map(\.kind).first)
    }

    /// A mask with its letters and digits replaced: the form an observer can compare without knowing the value.
    static func form(_ mask: String?) -> String? {
        mask.map { String($0.map { $0.isLetter ? "a" : $0.isNumber ? "9" : $0 }) }
    }

    @Test("upper-case names are shown in lower case, as a real user's stored address is")
    func upperCase() throws {
        let unknown = try Self.create(
            CreateAuthChallengeRequest(userNotFound: true), userName: "CAROL@EXAMPLE.COM", config: Sample.config { $0.channels = [.email] })
        let real = try Self.create(
            CreateAuthChallengeRequest(userAttributes: Self.realUser(email: "Carol@Example.com")), userName: "CAROL@EXAMPLE.COM",
            config: Sample.config { $0.channels = [.email] })
        #expect(unknown.maskedDestination == "c***@e***.com")
        #expect(real.maskedDestination == "c***@e***.com")
        // Whatever the letter case of the name, the client is shown nothing of a destination by SMS.
        let lower = try Self.create(
            CreateAuthChallengeRequest(userNotFound: true), userName: "carol@example.com", config: Sample.config { $0.channels = [.sms] })
        let upper = try Self.create(
            CreateAuthChallengeRequest(userNotFound: true), userName: "CAROL@EXAMPLE.COM", config: Sample.config { $0.channels = [.sms] })
        #expect(lower.response.publicChallengeParameters == upper.response.publicChallengeParameters)
        #expect(lower.response.publicChallengeParameters?["destination"] == Channel.sms.hiddenMask)
    }

    @Test("a name that is no destination is shown nothing of one, whatever HASH_KEY is", arguments: [[Channel.sms], [.email]])
    func plainName(channels: [Channel]) throws {
        var config = Sample.config { $0.channels = channels }
        config.hashKey = "first secret key, 32 bytes long!"
        for name in ["mallory", "trent", "eve"] {
            let outcome = try Self.create(CreateAuthChallengeRequest(userNotFound: true), userName: name, config: config)
            #expect(outcome.response.publicChallengeParameters?["destination"] == channels[0].hiddenMask)
        }
    }

    @Suite("Verified destinations only")
    struct Verified {
        @Test(
            "an unverified destination gets no code",
            arguments: [
                ["phone_number": "+15555550123", "phone_number_verified": "false"],
                ["phone_number": "+15555550123"],
                ["email": "carol@example.com", "email_verified": "False "],
            ])
        func unverified(attributes: [String: String]) throws {
            let outcome = try UnknownUserTests.create(CreateAuthChallengeRequest(userAttributes: attributes), userName: "carol")
            #expect(outcome.message == nil)
            #expect(outcome.isDecoy)
            #expect(outcome.warning?.contains("no usable destination") == true)
        }

        @Test("an unverified phone beside a verified email: the code goes by email, and the phone cannot be chosen")
        func verifiedEmailBeatsUnverifiedPhone() throws {
            let attributes = [
                "phone_number": "+15555550123", "phone_number_verified": "false", "email": "carol@example.com", "email_verified": "true",
            ]
            let outcome = try UnknownUserTests.create(CreateAuthChallengeRequest(userAttributes: attributes), userName: "carol")
            #expect(outcome.channel == .email)
            guard case .email(let address, _, _, _)? = outcome.message else {
                Issue.record("expected an email")
                return
            }
            #expect(address == "carol@example.com")
            let picked = try UnknownUserTests.create(
                CreateAuthChallengeRequest(userAttributes: attributes, clientMetadata: ["channel": "sms"]), userName: "carol",
                config: Sample.config { $0.channelChoice = true })
            #expect(picked.channel == .email, "no choice round, and sms is not offered")
            #expect(picked.response.publicChallengeParameters?["step"] == "code")
        }

        @Test("OTP_REQUIRE_VERIFIED=false keeps sending to unverified attributes")
        func notRequired() throws {
            let outcome = try UnknownUserTests.create(
                CreateAuthChallengeRequest(userAttributes: ["phone_number": "+15555550123"]), userName: "carol",
                config: Sample.config { $0.requireVerified = false })
            #expect(outcome.message != nil)
            #expect(!outcome.isDecoy)
        }
    }

    @Test("SMS_ALLOWED_COUNTRIES: a number outside the list is no destination")
    func countries() throws {
        let countries = try SMSCountries(["1", "49"])
        let config = Sample.config { $0.smsAllowedCountries = countries }
        let uk = try Self.create(
            CreateAuthChallengeRequest(userAttributes: ["phone_number": "+447700900123", "phone_number_verified": "true"]), userName: "bob",
            config: config)
        #expect(uk.message == nil)
        #expect(uk.isDecoy)
        let us = try Self.create(
            CreateAuthChallengeRequest(userAttributes: ["phone_number": "+15555550123", "phone_number_verified": "true"]), userName: "al",
            config: config)
        guard case .sms(let phone, _)? = us.message else {
            Issue.record("expected an SMS")
            return
        }
        #expect(phone == "+15555550123")
    }
}
