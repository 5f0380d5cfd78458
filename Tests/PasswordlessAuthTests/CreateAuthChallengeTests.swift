import Testing

@testable import PasswordlessAuth
@testable import TestSupport

@Suite("CreateAuthChallenge.create")
struct CreateAuthChallengeTests {
    static let now = Sample.now
    static let ttl = 300
    static let expiresAt = Sample.now + 300

    static func create(
        _ request: CreateAuthChallengeRequest, userName: String = "someone",
        config: PasswordlessConfiguration = PasswordlessConfiguration(),
        random: any RandomSource = seededSource()
    ) throws -> CreateAuthChallenge.Outcome {
        try CreateAuthChallenge.create(request, userName: userName, configuration: config, now: now, random: random)
    }

    static func create(
        fixture: String, config: PasswordlessConfiguration = PasswordlessConfiguration(), random: any RandomSource = seededSource()
    )
        throws -> CreateAuthChallenge.Outcome
    {
        let event = try Fixtures.create(fixture)
        return try CreateAuthChallenge.create(event.request, userName: event.userName, configuration: config, now: now, random: random)
    }

    /// The code a fresh `seededSource(seed)` gives first.
    static func expectedCode(length: Int = 6, seed: UInt64 = 0x5EED) throws -> String {
        try OneTimeCode.generate(length: length, using: seededSource(seed))
    }

    static let codeRoundPublicKeys: Set<String> = ["step", "channel", "destination", "codeLength"]

    @Suite("SMS")
    struct SMS {
        @Test("a first round sends the code by SMS to the full number and shows only the masked one")
        func firstRound() throws {
            let code = try expectedCode()
            let outcome = try create(fixture: "create-sms-first-round")
            let expected = "Your sign-in code is \(code). It expires in 5 minutes."
            #expect(outcome.message == .sms(phoneNumber: "+15555550123", text: expected))
            #expect(outcome.kind == .newCode)
            #expect(outcome.channel == .sms)
            #expect(outcome.maskedDestination == "+*******0123")
            #expect(outcome.warning == nil)
            #expect(
                outcome.response.publicChallengeParameters == [
                    // Nothing of the number: only the log shows its last digits.
                    "step": "code", "channel": "sms", "destination": "+**********", "codeLength": "6",
                ])
            // The calling code, for verify to count a right answer toward the conversion brake.
            #expect(
                outcome.response.privateChallengeParameters == [
                    "step": "code", "code": code, "expiresAt": String(expiresAt), "callingCode": "1",
                ])
            #expect(outcome.response.challengeMetadata == "OTP:sms:\(expiresAt):\(code):0")
        }

        @Test("codeLength follows the configuration")
        func codeLength() throws {
            let outcome = try create(fixture: "create-sms-first-round", config: Sample.config { $0.codeLength = 8 })
            let code = try #require(outcome.response.privateChallengeParameters?["code"])
            #expect(code == (try expectedCode(length: 8)))
            #expect(code.count == 8)
            #expect(outcome.response.publicChallengeParameters?["codeLength"] == "8")
        }

        @Test("expiresAt is now plus the configured lifetime", arguments: [30, 300, 3600])
        func expiry(ttl: Int) throws {
            let outcome = try create(fixture: "create-sms-first-round", config: Sample.config { $0.codeLifetimeSeconds = ttl })
            #expect(outcome.response.privateChallengeParameters?["expiresAt"] == String(now + Int64(ttl)))
        }
    }

    @Suite("Email")
    struct Email {
        @Test("a first round (after SRP_A) sends an email with the rendered subject and text and no HTML by default")
        func firstRound() throws {
            let code = try expectedCode()
            let outcome = try create(fixture: "create-email-first-round")
            #expect(
                outcome.message
                    == .email(
                        address: "alice@example.com", subject: "Your sign-in code",
                        text:
                            "Your sign-in code is \(code).\n\nIt expires in 5 minutes. If you did not try to sign in, you can ignore this email.",
                        html: nil))
            #expect(
                outcome.response.publicChallengeParameters == [
                    "step": "code", "channel": "email", "destination": "***@***", "codeLength": "6",
                ])
            #expect(outcome.response.challengeMetadata == "OTP:email:\(expiresAt):\(code):0")
        }

        @Test("HTML is rendered when configured")
        func html() throws {
            let code = try expectedCode()
            let config = Sample.config {
                $0.templates.emailHTML = "<p>Code <b>{code}</b>, valid {minutes} min</p>"
                $0.templates.emailSubject = "Code {code}"
            }
            let outcome = try create(fixture: "create-email-first-round", config: config)
            guard case .email(_, let subject, _, let html)? = outcome.message else {
                Issue.record("expected an email, got \(String(describing: outcome.message))")
                return
            }
            #expect(subject == "Code \(code)")
            #expect(html == "<p>Code <b>\(code)</b>, valid 5 min</p>")
        }
    }

    @Suite("Retries and new sign-ins")
    struct Retries {
        @Test("a retry reuses the earlier code and expiry and sends nothing")
        func retry() throws {
            let random = FailingRandomSource()
            let outcome = try create(fixture: "create-retry-after-wrong-code", random: random)
            #expect(outcome.message == nil)
            #expect(outcome.kind == .reusedCode)
            #expect(random.calls == 0)
            #expect(
                outcome.response.privateChallengeParameters == [
                    "step": "code", "code": "482913", "expiresAt": "4102444800", "callingCode": "1",
                ])
            #expect(outcome.response.challengeMetadata == "OTP:sms:4102444800:482913:0")
            #expect(
                outcome.response.publicChallengeParameters == [
                    "step": "code", "channel": "sms", "destination": "+**********", "codeLength": "6",
                ])
        }

        @Test("a retry after several rounds reuses the newest code round")
        func newestCodeRound() throws {
            let session = [
                Sample.srpA, Sample.choiceRound(), Sample.customRound(false, "OTP:email:1700000100:111111"),
                Sample.customRound(false, "OTP:email:1700000200:222222"),
            ]
            let outcome = try create(CreateAuthChallengeRequest(userAttributes: Sample.bothUser, session: session))
            #expect(outcome.response.privateChallengeParameters?["code"] == "222222")
            #expect(outcome.response.privateChallengeParameters?["expiresAt"] == "1700000200")
            #expect(outcome.response.publicChallengeParameters?["channel"] == "email")
            #expect(outcome.response.publicChallengeParameters?["destination"] == Channel.email.hiddenMask)
            #expect(outcome.maskedDestination == Sample.maskedEmail)
            #expect(outcome.message == nil)
        }

        @Test("a new sign-in (empty session) gets a new code and a new message")
        func newSignIn() throws {
            let random = seededSource(7)
            let request = CreateAuthChallengeRequest(userAttributes: Sample.smsUser)
            let first = try create(request, random: random)
            let second = try create(request, random: random)
            let firstCode = try #require(first.response.privateChallengeParameters?["code"])
            let secondCode = try #require(second.response.privateChallengeParameters?["code"])
            #expect(firstCode != secondCode)
            #expect(second.kind == .newCode)
            #expect(second.message != nil)
        }

        @Test(
            "metadata that is not ours does not count as an earlier code",
            arguments: [
                "OTP:sms:notanumber:482913", "OTP:fax:4102444800:482913", "OTP:sms:4102444800:48a913", "XYZ:sms:4102444800:482913",
                "OTP:sms:4102444800", "OTP:sms:4102444800:482913:extra",
            ])
        func foreignMetadata(metadata: String) throws {
            let request = CreateAuthChallengeRequest(userAttributes: Sample.smsUser, session: [Sample.customRound(false, metadata)])
            let outcome = try create(request)
            #expect(outcome.kind == .newCode)
            #expect(outcome.response.privateChallengeParameters?["code"] == (try expectedCode()))
        }
    }

    @Suite("Channel selection")
    struct ChannelSelection {
        @Test(
            "OTP_CHANNELS order decides for a user with both",
            arguments: [
                ([Channel.sms, .email], Channel.sms), ([.email, .sms], .email),
            ])
        func order(channels: [Channel], expected: Channel) throws {
            let outcome = try create(
                CreateAuthChallengeRequest(userAttributes: Sample.bothUser), config: Sample.config { $0.channels = channels })
            #expect(outcome.channel == expected)
            #expect(outcome.response.publicChallengeParameters?["channel"] == expected.rawValue)
            switch (expected, outcome.message) {
            case (.sms, .sms(let phoneNumber, _)?):
                #expect(phoneNumber == Sample.phone)
                #expect(outcome.response.publicChallengeParameters?["destination"] == Channel.sms.hiddenMask)
                #expect(outcome.maskedDestination == Sample.maskedPhone)
            case (.email, .email(let address, _, _, _)?):
                #expect(address == Sample.email)
                #expect(outcome.response.publicChallengeParameters?["destination"] == Channel.email.hiddenMask)
                #expect(outcome.maskedDestination == Sample.maskedEmail)
            default:
                Issue.record("expected a message by \(expected), got \(String(describing: outcome.message))")
            }
        }

        @Test("a channel the user lacks is skipped for the next one")
        func fallsBack() throws {
            let outcome = try create(CreateAuthChallengeRequest(userAttributes: Sample.emailUser))
            #expect(outcome.channel == .email)
            #expect(outcome.kind == .newCode)
        }

        @Test("clientMetadata.channel wins when allowed and present", arguments: ["email", "EMAIL", "Email"])
        func requestedChannel(value: String) throws {
            let request = CreateAuthChallengeRequest(userAttributes: Sample.bothUser, clientMetadata: ["channel": value])
            let outcome = try create(request)
            #expect(outcome.channel == .email)
            guard case .email(let address, _, _, _)? = outcome.message else {
                Issue.record("expected an email")
                return
            }
            #expect(address == Sample.email)
        }

        @Test("clientMetadata.channel is ignored when not in OTP_CHANNELS")
        func requestedNotAllowed() throws {
            let request = CreateAuthChallengeRequest(userAttributes: Sample.bothUser, clientMetadata: ["channel": "email"])
            let outcome = try create(request, config: Sample.config { $0.channels = [.sms] })
            #expect(outcome.channel == .sms)
        }

        @Test("clientMetadata.channel is ignored when the user lacks that channel")
        func requestedUnavailable() throws {
            let request = CreateAuthChallengeRequest(userAttributes: Sample.smsUser, clientMetadata: ["channel": "email"])
            let outcome = try create(request)
            #expect(outcome.channel == .sms)
            #expect(outcome.kind == .newCode)
        }

        @Test("an unknown clientMetadata.channel falls back to the preferred channel", arguments: ["fax", "", "sms,email"])
        func requestedUnknown(value: String) throws {
            let request = CreateAuthChallengeRequest(userAttributes: Sample.bothUser, clientMetadata: ["channel": value])
            #expect(try create(request, config: Sample.config { $0.channels = [.email, .sms] }).channel == .email)
        }

        @Test(
            "a phone number that is not E.164 is not used when the user has an email",
            arguments: ["5555550123", "+1 555 555 0123", "+1-555-555-0123", "+123"])
        func badPhoneFallsBackToEmail(phone: String) throws {
            let request = CreateAuthChallengeRequest(userAttributes: [
                "phone_number": phone, "phone_number_verified": "true", "email": Sample.email, "email_verified": "true",
            ])
            let outcome = try create(request)
            #expect(outcome.channel == .email)
            #expect(outcome.kind == .newCode)
        }
    }

    @Suite("Channel choice mode")
    struct ChoiceMode {
        static let choice = Sample.config { $0.channelChoice = true }

        @Test("a two-channel user first picks a channel; nothing is sent and no code is drawn")
        func firstRound() throws {
            let random = FailingRandomSource()
            let outcome = try create(fixture: "create-channel-choice", config: Self.choice, random: random)
            #expect(outcome.message == nil)
            #expect(outcome.kind == .channelChoice)
            #expect(random.calls == 0)
            #expect(
                outcome.response.publicChallengeParameters == [
                    "step": "channel", "channels": "sms,email",
                    "smsDestination": "+**********", "emailDestination": "***@***",
                ])
            #expect(outcome.response.privateChallengeParameters?["code"] == nil)
            #expect(outcome.response.challengeMetadata == "CHANNEL_CHOICE")
        }

        @Test("the choice lists channels in OTP_CHANNELS order")
        func order() throws {
            let outcome = try create(
                fixture: "create-channel-choice",
                config: Sample.config {
                    $0.channelChoice = true; $0.channels = [.email, .sms]
                })
            #expect(outcome.response.publicChallengeParameters?["channels"] == "email,sms")
        }

        @Test("the round after the choice sends the code to the chosen channel")
        func afterChoice() throws {
            let code = try expectedCode()
            let outcome = try create(fixture: "create-after-channel-choice", config: Self.choice)
            #expect(outcome.kind == .newCode)
            #expect(outcome.channel == .email)
            guard case .email(let address, _, let text, _)? = outcome.message else {
                Issue.record("expected an email, got \(String(describing: outcome.message))")
                return
            }
            #expect(address == "bob@example.org")
            #expect(text.contains(code))
            #expect(
                outcome.response.publicChallengeParameters == [
                    "step": "code", "channel": "email", "destination": "***@***", "codeLength": "6",
                ])
        }

        @Test("a single-channel user in choice mode gets the code directly")
        func singleChannel() throws {
            let outcome = try create(fixture: "create-sms-first-round", config: Self.choice)
            #expect(outcome.kind == .newCode)
            #expect(outcome.response.publicChallengeParameters?["step"] == "code")
            #expect(outcome.message != nil)
        }

        @Test("a two-channel user whose OTP_CHANNELS allows one gets the code directly")
        func oneAllowedChannel() throws {
            let outcome = try create(
                fixture: "create-channel-choice",
                config: Sample.config {
                    $0.channelChoice = true; $0.channels = [.email]
                })
            #expect(outcome.kind == .newCode)
            #expect(outcome.channel == .email)
        }

        @Test("without choice mode the same two-channel user gets a code at once")
        func choiceOff() throws {
            let outcome = try create(fixture: "create-channel-choice")
            #expect(outcome.kind == .newCode)
            #expect(outcome.channel == .sms)
        }
    }

    @Suite("Unknown users and decoys")
    struct Decoys {
        @Test("an unknown user gets a code round with the same public keys, no message and no code")
        func userNotFound() throws {
            let outcome = try create(fixture: "create-user-not-found")
            #expect(outcome.message == nil)
            #expect(outcome.isDecoy)
            #expect(outcome.kind == .newCode)
            let publicParameters = try #require(outcome.response.publicChallengeParameters)
            #expect(Set(publicParameters.keys) == codeRoundPublicKeys)
            #expect(publicParameters["step"] == "code")
            #expect(publicParameters["codeLength"] == "6")
            // Like a real user with every channel: the first allowed channel (sms), even though the user name looks
            // like an email address; nothing of a number is shown, as for an account.
            #expect(publicParameters["channel"] == "sms")
            #expect(publicParameters["destination"] == Channel.sms.hiddenMask)
            let privateParameters = try #require(outcome.response.privateChallengeParameters)
            #expect(privateParameters["code"] == nil)
            #expect(privateParameters["expiresAt"] == String(expiresAt))
            #expect(outcome.response.challengeMetadata == "OTP:sms:\(expiresAt)::0")
        }

        @Test("a real code round has the same public keys as a decoy")
        func sameKeysAsReal() throws {
            let real = try create(fixture: "create-sms-first-round")
            #expect(Set(try #require(real.response.publicChallengeParameters).keys) == codeRoundPublicKeys)
        }

        @Test("no answer passes a decoy round", arguments: ["", "000000", "123456"])
        func decoyNeverVerifies(answer: String) throws {
            let outcome = try create(CreateAuthChallengeRequest(userNotFound: true), userName: "mallory")
            let request = VerifyAuthChallengeRequest(
                privateChallengeParameters: try #require(outcome.response.privateChallengeParameters), challengeAnswer: answer)
            #expect(!VerifyAuthChallenge.verify(request, now: now).isCorrect)
        }

        @Test("a phone-like unknown user name gets an SMS decoy, shown as an account's: nothing of the number")
        func phoneName() throws {
            let outcome = try create(CreateAuthChallengeRequest(userNotFound: true), userName: "+15555550199")
            #expect(outcome.channel == .sms)
            #expect(outcome.response.publicChallengeParameters?["destination"] == Channel.sms.hiddenMask)
            #expect(outcome.maskedDestination == "+*******0199", "the log shows the number typed, masked")
        }

        @Test(
            "a plain unknown user name gets the first channel, shown as an account's",
            arguments: [
                ([Channel.sms, .email], Channel.sms), ([.email], .email), ([.email, .sms], .email),
            ])
        func plainName(channels: [Channel], expected: Channel) throws {
            let outcome = try create(
                CreateAuthChallengeRequest(userNotFound: true), userName: "mallory", config: Sample.config { $0.channels = channels })
            #expect(outcome.channel == expected)
            #expect(outcome.response.publicChallengeParameters?["destination"] == expected.hiddenMask)
        }

        @Test(
            "the decoy destination is the same for the same user name across calls",
            arguments: ["mallory", "mallory@example.net", "+15555550199"])
        func stableDestination(userName: String) throws {
            let first = try create(CreateAuthChallengeRequest(userNotFound: true), userName: userName, random: seededSource(1))
            let second = try create(CreateAuthChallengeRequest(userNotFound: true), userName: userName, random: seededSource(2))
            #expect(first.maskedDestination != nil)
            #expect(first.maskedDestination == second.maskedDestination)
            #expect(first.response.publicChallengeParameters == second.response.publicChallengeParameters)
        }

        @Test("no unknown name is shown a destination")
        func differentNames() throws {
            let names = ["mallory", "trent", "eve", "oscar", "peggy"]
            let shown = try names.map {
                try create(CreateAuthChallengeRequest(userNotFound: true), userName: $0).response.publicChallengeParameters?["destination"]
            }
            #expect(shown.allSatisfy { $0 == Channel.sms.hiddenMask })
        }

        @Test(
            "a decoy's retry shows the same destination and channel as its first round",
            arguments: [
                ("mallory@example.net", true), ("+15555550199", true), ("mallory", true), ("+15555550123", false),
            ])
        func retryKeepsDestination(userName: String, userNotFound: Bool) throws {
            // userNotFound false with no attributes: a real user who cannot be reached takes the same path.
            let first = try create(CreateAuthChallengeRequest(userNotFound: userNotFound), userName: userName)
            let metadata = try #require(first.response.challengeMetadata)
            let retry = try create(
                CreateAuthChallengeRequest(
                    session: [ChallengeResult(challengeName: "CUSTOM_CHALLENGE", challengeResult: false, challengeMetadata: metadata)],
                    userNotFound: userNotFound), userName: userName)
            #expect(retry.response.publicChallengeParameters == first.response.publicChallengeParameters)
            #expect(retry.response.challengeMetadata == metadata)
            #expect(retry.isDecoy)
            #expect(retry.kind == .reusedCode)
            #expect(retry.message == nil)
        }

        @Test("in channel-choice mode an unknown user gets a choice round too, then a decoy by the chosen channel")
        func choiceForUnknownUser() throws {
            let config = Sample.config { $0.channelChoice = true }
            let choice = try create(CreateAuthChallengeRequest(userNotFound: true), userName: "mallory@example.net", config: config)
            #expect(choice.message == nil)
            let publicParameters = try #require(choice.response.publicChallengeParameters)
            #expect(Set(publicParameters.keys) == ["step", "channels", "smsDestination", "emailDestination"])
            #expect(publicParameters["step"] == "channel")
            #expect(publicParameters["emailDestination"] == Channel.email.hiddenMask)
            let chosen = try create(
                CreateAuthChallengeRequest(
                    session: [
                        ChallengeResult(challengeName: "CUSTOM_CHALLENGE", challengeResult: false, challengeMetadata: "CHANNEL_CHOICE")
                    ],
                    clientMetadata: ["channel": "sms"], userNotFound: true), userName: "mallory@example.net", config: config)
            #expect(chosen.isDecoy)
            #expect(chosen.kind == .newCode)
            #expect(chosen.channel == .sms)
            #expect(chosen.response.publicChallengeParameters?["destination"] == publicParameters["smsDestination"])
            #expect(chosen.response.privateChallengeParameters?["code"] == nil)
        }

        @Test(
            "a user with no usable destination gets a decoy with a warning",
            arguments: [
                ["sub": "u-9"],
                ["phone_number": "5555550123"],
                ["phone_number": "+1 555 555 0123"],
                ["phone_number": ""],
                ["email": "not-an-email"],
                ["email": "   "],
            ])
        func noDestination(attributes: [String: String]) throws {
            let outcome = try create(CreateAuthChallengeRequest(userAttributes: attributes), userName: "someone")
            #expect(outcome.isDecoy)
            #expect(outcome.kind == .newCode)
            #expect(outcome.message == nil)
            #expect(outcome.response.privateChallengeParameters?["code"] == nil)
            let warning = try #require(outcome.warning)
            #expect(warning.contains("sms,email"))
            #expect(Set(try #require(outcome.response.publicChallengeParameters).keys) == codeRoundPublicKeys)
        }
    }

    @Suite("What the client sees")
    struct PublicParameters {
        static let cases: [(String, PasswordlessConfiguration)] = [
            ("create-sms-first-round", PasswordlessConfiguration()),
            ("create-email-first-round", PasswordlessConfiguration()),
            ("create-channel-choice", Sample.config { $0.channelChoice = true }),
            ("create-channel-choice", PasswordlessConfiguration()),
            ("create-after-channel-choice", Sample.config { $0.channelChoice = true }),
            ("create-retry-after-wrong-code", PasswordlessConfiguration()),
            ("create-user-not-found", PasswordlessConfiguration()),
        ]

        @Test("no public value contains the code or a full destination", arguments: cases)
        func noSecrets(fixture: String, config: PasswordlessConfiguration) throws {
            let event = try Fixtures.create(fixture)
            let outcome = try create(fixture: fixture, config: config)
            let publicValues = try #require(outcome.response.publicChallengeParameters).values
            #expect(!publicValues.isEmpty)
            var secrets = event.request.userAttributes.filter { ["phone_number", "email"].contains($0.key) }.map(\.value)
            secrets.append(event.userName)
            secrets += secrets.compactMap { $0.split(separator: "@").first.map(String.init) }  // local parts
            secrets += secrets.filter { $0.hasPrefix("+") }.map { String($0.dropFirst()) }  // digits without the plus
            if let code = outcome.response.privateChallengeParameters?["code"] {
                #expect(code.count == 6)
                secrets.append(code)
            }
            for value in publicValues {
                for secret in secrets where secret.count > 1 {
                    #expect(!value.contains(secret), "public value \(value) reveals \(secret)")
                }
            }
        }
    }

    @Suite("Message templates")
    struct Templates {
        @Test(
            "{minutes} is the lifetime rounded up to whole minutes", arguments: [(300, 5), (90, 2), (60, 1), (61, 2), (30, 1), (3600, 60)])
        func minutes(ttl: Int, minutes: Int) throws {
            let config = Sample.config {
                $0.codeLifetimeSeconds = ttl
                $0.templates.sms = "{code}|{minutes}"
            }
            let outcome = try create(fixture: "create-sms-first-round", config: config)
            #expect(outcome.message == .sms(phoneNumber: Sample.phone, text: "\(try expectedCode())|\(minutes)"))
        }

        @Test("Unicode templates stay intact")
        func unicode() throws {
            let config = Sample.config {
                $0.templates.sms = "Ваш код {code} — 🔐"
                $0.templates.emailSubject = "Código de acceso 🔑"
                $0.templates.emailText = "今日は {code} ({minutes} 分)"
            }
            let code = try expectedCode()
            let sms = try create(fixture: "create-sms-first-round", config: config)
            #expect(sms.message == .sms(phoneNumber: Sample.phone, text: "Ваш код \(code) — 🔐"))
            let email = try create(fixture: "create-email-first-round", config: config)
            #expect(email.message == .email(address: Sample.email, subject: "Código de acceso 🔑", text: "今日は \(code) (5 分)", html: nil))
        }

        @Test("render replaces every placeholder and leaves other braces alone")
        func render() {
            #expect(MessageTemplates.render("{code} and {code}, {minutes}/{minutes}", code: "0042", minutes: 7) == "0042 and 0042, 7/7")
            #expect(MessageTemplates.render("{Code} {codes} {}", code: "1", minutes: 1) == "{Code} {codes} {}")
            #expect(MessageTemplates.render("no placeholders", code: "1", minutes: 1) == "no placeholders")
        }
    }

    @Suite("Errors")
    struct Errors {
        @Test(
            "a challenge other than CUSTOM_CHALLENGE throws an unexpected-event error",
            arguments: ["SMS_MFA", "PASSWORD_VERIFIER", "custom_challenge", ""])
        func wrongChallenge(name: String) throws {
            let request = CreateAuthChallengeRequest(userAttributes: Sample.smsUser, challengeName: name)
            let error = #expect(throws: PasswordlessError.self) { try create(request) }
            #expect(error?.errorType == "UnexpectedEvent")
        }

        @Test("a failing random source gives randomSourceFailed")
        func randomFails() {
            #expect(throws: PasswordlessError.randomSourceFailed) {
                try create(CreateAuthChallengeRequest(userAttributes: Sample.smsUser), random: FailingRandomSource())
            }
        }
    }
}
