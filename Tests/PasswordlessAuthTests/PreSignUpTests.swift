import Testing

@testable import PasswordlessAuth
@testable import Settings

@Suite("Pre-sign-up rules")
struct PreSignUpTests {
    static func decide(
        _ attributes: [String: String], source: String = PreSignUp.signUp, policy: (inout SignUpPolicy) -> Void = { _ in }
    ) -> PreSignUp.Decision {
        var configured = SignUpPolicy()
        policy(&configured)
        return PreSignUp.decide(triggerSource: source, PreSignUpRequest(userAttributes: attributes), policy: configured)
    }

    static let firstSignIn: @Sendable (inout SignUpPolicy) -> Void = { $0.requireVerified = .firstSignIn }

    @Test("a self sign-up with a phone number or an email is confirmed, and nothing is marked verified")
    func confirms() {
        for attributes in [["phone_number": "+15555550123"], ["email": "alice@example.com"]] {
            guard case .accept(let response, let channels) = Self.decide(attributes, policy: Self.firstSignIn) else {
                Issue.record("refused \(attributes)")
                continue
            }
            #expect(response.autoConfirmUser == true)
            #expect(response.autoVerifyEmail == false)
            #expect(response.autoVerifyPhone == false)
            #expect(channels.count == 1)
        }
    }

    @Test("AdminCreateUser is checked the same way but not confirmed here; an external provider passes untouched")
    func otherSources() {
        guard case .accept(let response, _) = Self.decide(["email": "bob@example.com"], source: PreSignUp.adminCreateUser) else {
            Issue.record("refused")
            return
        }
        #expect(response.autoConfirmUser == false)
        #expect(response.autoVerifyEmail == false)
        #expect(Self.decide(["email": "not an email"], source: PreSignUp.adminCreateUser) == .refuse(.invalidEmail))
        #expect(Self.decide(["email": "not an email"], source: PreSignUp.externalProvider) == .passThrough)
    }

    @Test(
        "each bad destination is refused with its own reason",
        arguments: [
            ([:], PreSignUp.Refusal.noDestination),
            (["phone_number": "   "], .noDestination),
            (["phone_number": "555-0123"], .invalidPhone),
            (["phone_number": "+1555abc0123"], .invalidPhone),
            (["phone_number": "+447700900123"], .countryNotAllowed),
            (["email": "alice@"], .invalidEmail),
            (["email": "alice@localhost"], .invalidEmail),
            (["email": "alice@example.com."], .invalidEmail),
            (["email": "alice@elsewhere.org"], .domainNotAllowed),
            (["email": "alice@sub.example.com"], .domainNotAllowed),
        ] as [([String: String], PreSignUp.Refusal)])
    func refusals(attributes: [String: String], refusal: PreSignUp.Refusal) {
        let decision = Self.decide(attributes) {
            $0.smsAllowedCountries = try! SMSCountries(["1"])
            $0.emailDomains = ["example.com"]
        }
        #expect(decision == .refuse(refusal))
    }

    @Test("an email domain in the list passes whatever its letter case")
    func domainCase() {
        guard case .accept = Self.decide(["email": "Alice@EXAMPLE.com"], policy: { $0.emailDomains = ["example.com"] }) else {
            Issue.record("refused")
            return
        }
    }

    @Test("a channel OTP_CHANNELS leaves out is refused")
    func channelNotAllowed() {
        #expect(Self.decide(["phone_number": "+15555550123"]) { $0.channels = [.email] } == .refuse(.channelNotAllowed))
        #expect(
            Self.decide(["phone_number": "+15555550123", "email": "a@example.com"]) { $0.channels = [.sms] }
                == .refuse(.channelNotAllowed))
    }

    @Test("with first-sign-in a self sign-up carries one destination; with true both may be given")
    func oneDestination() {
        let both = ["phone_number": "+15555550123", "email": "mallory@example.net"]
        #expect(Self.decide(both, policy: Self.firstSignIn) == .refuse(.twoDestinations))
        guard case .accept(_, let channels) = Self.decide(both) else {
            Issue.record("refused without first-sign-in")
            return
        }
        #expect(channels == [.sms, .email])
    }

    @Test("a number outside SMS_ALLOWED_COUNTRIES is told exactly what a malformed number is told")
    func countryRefusalSaysNoMore() {
        #expect(PreSignUp.Refusal.countryNotAllowed.sentence == PreSignUp.Refusal.invalidPhone.sentence)
        let outside = Self.decide(["phone_number": "+447700900123"]) { $0.smsAllowedCountries = try! SMSCountries(["1"]) }
        #expect(outside == .refuse(.countryNotAllowed))
    }

    @Test(
        "a self sign-up that marks anything verified, or carries what pre-sign-up cannot vouch for, is refused",
        arguments: [
            ["email": "a@example.com", "email_verified": "true"],
            ["phone_number": "+15555550123", "phone_number_verified": "true"],
            ["email": "a@example.com", "phone_number_verified": "false"],
            ["email": "a@example.com", "custom:tier": "gold"],
            ["email": "a@example.com", "sub": "0000"],
            ["email": "a@example.com", "preferred_username": "admin"],
        ])
    func unvouched(attributes: [String: String]) {
        #expect(Self.decide(attributes) == .refuse(.attributeNotAccepted))
        // An administrator's AdminCreateUser is trusted with them.
        guard case .accept = Self.decide(attributes, source: PreSignUp.adminCreateUser) else {
            Issue.record("AdminCreateUser refused \(attributes)")
            return
        }
    }

    @Test("profile attributes and Cognito's own beside the destination are accepted")
    func profileAccepted() {
        let attributes = ["email": "a@example.com", "name": "A", "given_name": "A", "locale": "en", "cognito:user_status": "UNCONFIRMED"]
        guard case .accept(_, let channels) = Self.decide(attributes) else {
            Issue.record("refused")
            return
        }
        #expect(channels == [.email])
    }

    @Test("no refusal sentence repeats what was sent")
    func sentences() {
        let sent = ["+447700900123", "alice@elsewhere.org", "555-0123"]
        let all: [PreSignUp.Refusal] = [
            .noDestination, .channelNotAllowed, .invalidPhone, .countryNotAllowed, .invalidEmail, .domainNotAllowed, .twoDestinations,
            .attributeNotAccepted,
        ]
        for refusal in all {
            let error = PasswordlessError.signUpRefused(refusal)
            #expect(error.errorType == "SignUpRefused")
            #expect(error.description == refusal.sentence)
            // Cognito shows "PreSignUp failed with error <sentence>." and adds the full stop itself.
            #expect(!refusal.sentence.hasSuffix("."), "\(refusal.sentence)")
            #expect(!sent.contains { error.description.contains($0) })
        }
    }

    @Test("the policy reads its settings, SIGNUP_EMAIL_DOMAINS in lower case")
    func settings() throws {
        let policy = try SignUpPolicy(
            SettingsReader([
                "SIGNUP_EMAIL_DOMAINS": "Example.com, example.org", "OTP_CHANNELS": "email", "SMS_ALLOWED_COUNTRIES": "+44",
                "OTP_REQUIRE_VERIFIED": "first-sign-in",
            ]))
        #expect(policy.emailDomains == ["example.com", "example.org"])
        #expect(policy.channels == [.email])
        #expect(policy.smsAllowedCountries == (try SMSCountries(["44"])))
        #expect(policy.requireVerified == .firstSignIn)
        #expect(try SignUpPolicy(SettingsReader([:])) == SignUpPolicy())
        for bad in ["alice@example.com", "localhost"] {
            let error = #expect(throws: SettingsError.self) { try SignUpPolicy(SettingsReader(["SIGNUP_EMAIL_DOMAINS": bad])) }
            #expect(error?.variable == "SIGNUP_EMAIL_DOMAINS")
        }
    }
}
