import Testing

@testable import PasswordlessAuth
@testable import Settings
@testable import TestSupport

@Suite("OTP_REQUIRE_VERIFIED=first-sign-in")
struct FirstSignInTests {
    static let firstSignIn = Sample.config { $0.requireVerified = .firstSignIn }
    typealias Key = FirstSignInVerification.PrivateKey

    static func create(
        _ attributes: [String: String], config: PasswordlessConfiguration = firstSignIn, session: [ChallengeResult] = [],
        clientMetadata: [String: String]? = nil
    ) throws -> CreateAuthChallenge.Outcome {
        try CreateAuthChallenge.create(
            CreateAuthChallengeRequest(userAttributes: attributes, session: session, clientMetadata: clientMetadata),
            userName: "u", configuration: config, now: Sample.now, random: seededSource())
    }

    @Test("OTP_REQUIRE_VERIFIED reads true, false and first-sign-in, and names the three when wrong")
    func reads() throws {
        #expect(try PasswordlessConfiguration(SettingsReader(["OTP_REQUIRE_VERIFIED": "first-sign-in"])).requireVerified == .firstSignIn)
        #expect(try PasswordlessConfiguration(SettingsReader(["OTP_REQUIRE_VERIFIED": "FALSE"])).requireVerified == .never)
        #expect(try PasswordlessConfiguration(SettingsReader([:])).requireVerified == .always)
        let error = #expect(throws: SettingsError.self) { try PasswordlessConfiguration(SettingsReader(["OTP_REQUIRE_VERIFIED": "first"])) }
        #expect(error?.variable == "OTP_REQUIRE_VERIFIED")
        #expect(error?.description.contains("first-sign-in") == true)
    }

    @Test("with no verified destination, the unverified phone gets the code and the round notes it, server-side only")
    func notesTheTarget() throws {
        let outcome = try Self.create(["phone_number": " +15555550123 "])
        guard case .sms(let phone, _)? = outcome.message else {
            Issue.record("expected an SMS")
            return
        }
        #expect(phone == "+15555550123")
        let parameters = try #require(outcome.response.privateChallengeParameters)
        #expect(parameters[Key.attribute] == "phone_number")
        #expect(parameters[Key.destination] == "+15555550123")
        let shown = (outcome.response.publicChallengeParameters ?? [:]).values.joined(separator: " ")
        #expect(!shown.contains("+15555550123") && !shown.contains("phone_number"))
        #expect(outcome.response.challengeMetadata?.contains("phone_number") == false)
    }

    @Test("a retry after a wrong code notes the same target, so a right second answer still verifies")
    func retryNotes() throws {
        let outcome = try Self.create(["phone_number": "+15555550123"], session: [Sample.customRound(false)])
        #expect(outcome.kind == .reusedCode)
        #expect(outcome.message == nil)
        #expect(outcome.response.privateChallengeParameters?[Key.attribute] == "phone_number")
    }

    @Test("once the email is verified the unverified phone is never used, even when the client asks for sms")
    func verifiedEmailWins() throws {
        let attributes = ["phone_number": "+15555550123", "email": "alice@example.com", "email_verified": "true"]
        for metadata in [nil, ["channel": "sms"]] {
            let outcome = try Self.create(attributes, clientMetadata: metadata)
            #expect(outcome.channel == .email)
            #expect(outcome.response.privateChallengeParameters?[Key.attribute] == nil, "a verified destination needs no marking")
        }
        let resent = try Self.create(
            attributes, session: [Sample.customRound(false, "OTP:email:4102444800:482913")],
            clientMetadata: ["action": "resend", "channel": "sms"])
        #expect(resent.channel == .email)
    }

    @Test("a verified phone alone keeps an unverified email out too")
    func verifiedPhoneWins() throws {
        let outcome = try Self.create(
            ["phone_number": "+15555550123", "phone_number_verified": "true", "email": "mallory@example.net"],
            config: Sample.config {
                $0.requireVerified = .firstSignIn
                $0.channels = [.email, .sms]
            })
        #expect(outcome.channel == .sms)
    }

    @Test("true sends nothing to an unverified destination; false sends but notes nothing to mark")
    func otherValues() throws {
        let unverified = ["phone_number": "+15555550123"]
        let required = try Self.create(unverified, config: Sample.config())
        #expect(required.message == nil)
        #expect(required.isDecoy)
        #expect(required.response.privateChallengeParameters?[CreateAuthChallenge.PrivateKey.code] == nil)
        let open = try Self.create(unverified, config: Sample.config { $0.requireVerified = false })
        #expect(open.message != nil)
        #expect(open.response.privateChallengeParameters?[Key.attribute] == nil)
    }

    @Suite("What verify marks")
    struct Target {
        static func request(_ attributes: [String: String], _ parameters: [String: String]) -> VerifyAuthChallengeRequest {
            VerifyAuthChallengeRequest(
                userAttributes: attributes,
                privateChallengeParameters: ["code": "482913", "expiresAt": "4102444800"].merging(parameters) { $1 },
                challengeAnswer: "482913")
        }

        static let noted = [Key.attribute: "phone_number", Key.destination: "+15555550123"]

        @Test("the noted attribute, while it still holds the value the code went to, unverified")
        func target() {
            let target = FirstSignInVerification.target(of: Self.request(["phone_number": "+15555550123"], Self.noted))
            #expect(target == .init(attribute: "phone_number", channel: .sms, destination: "+15555550123"))
            #expect(target?.verifiedAttribute == "phone_number_verified")
        }

        @Test(
            "nothing when the value changed, is already verified, or the round noted nothing usable",
            arguments: [
                (["phone_number": "+15555550999"], noted),
                (["phone_number": "+15555550123", "phone_number_verified": "true"], noted),
                (["phone_number": "+15555550123"], [:]),
                (["phone_number": "+15555550123"], [Key.attribute: "phone_number"]),
                (["custom:x": "+15555550123"], [Key.attribute: "custom:x", Key.destination: "+15555550123"]),
                ([:], noted),
            ] as [([String: String], [String: String])])
        func noTarget(attributes: [String: String], parameters: [String: String]) {
            #expect(FirstSignInVerification.target(of: Self.request(attributes, parameters)) == nil)
        }
    }
}
