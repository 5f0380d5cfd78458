import Settings

/// The request of a PreSignUp event.
package struct PreSignUpRequest: Codable, Sendable {
    /// The attributes the new user signs up with.
    var userAttributes: [String: String]
    /// What the client sent as `ValidationData`, if anything; not read by the rules.
    var validationData: [String: String]?
    /// What the client sent as `ClientMetadata`, if anything; not read by the rules.
    var clientMetadata: [String: String]?

    package init(
        userAttributes: [String: String], validationData: [String: String]? = nil, clientMetadata: [String: String]? = nil
    ) {
        self.userAttributes = userAttributes
        self.validationData = validationData
        self.clientMetadata = clientMetadata
    }
}

/// The response of a PreSignUp event.
package struct PreSignUpResponse: TriggerResponse, Equatable {
    /// True to confirm the user at once, so the custom sign-in can start.
    package var autoConfirmUser: Bool?
    /// Always false: an email becomes verified only by a right code sent to it.
    package var autoVerifyEmail: Bool?
    /// Always false: a phone number becomes verified only by a right code sent to it.
    package var autoVerifyPhone: Bool?

    package init() {}

    package init(autoConfirmUser: Bool) {
        self.autoConfirmUser = autoConfirmUser
        autoVerifyEmail = false
        autoVerifyPhone = false
    }
}

package typealias PreSignUpEvent = TriggerEvent<PreSignUpRequest, PreSignUpResponse>

/// What pre-sign-up reads from the settings: the channels, the countries, the email domains, the verification rule.
package struct SignUpPolicy: Sendable, Equatable {
    /// `OTP_CHANNELS`: a sign-up needs a destination of one of them.
    var channels: [Channel] = [.sms, .email]
    /// `SMS_ALLOWED_COUNTRIES`: which numbers may sign up; by default every number.
    var smsAllowedCountries = SMSCountries()
    /// `SIGNUP_EMAIL_DOMAINS`: the domains an email may be at, in lower case; empty allows every domain.
    var emailDomains: [String] = []
    /// `OTP_REQUIRE_VERIFIED`: with `first-sign-in`, a self sign-up carries exactly one destination.
    var requireVerified: VerifiedRequirement = .always

    package init() {}

    /// Reads the settings; an invalid value throws an error naming its variable.
    package init(_ settings: SettingsReader) throws(SettingsError) {
        channels = try PasswordlessConfiguration.channels(settings, "OTP_CHANNELS") ?? channels
        smsAllowedCountries = try settings.list("SMS_ALLOWED_COUNTRIES").map(SMSCountries.init) ?? smsAllowedCountries
        requireVerified = try VerifiedRequirement.read(settings) ?? requireVerified
        if let domains = try settings.list("SIGNUP_EMAIL_DOMAINS") {
            emailDomains = domains.map { $0.lowercased() }
            for domain in emailDomains where domain.contains("@") || !domain.contains(".") || domain.contains(where: \.isWhitespace) {
                throw .invalid("SIGNUP_EMAIL_DOMAINS", "must list domains such as example.com,example.org, got \"\(domain)\"")
            }
        }
    }
}

/// The rules of pre-sign-up: which new users may sign up, and confirming them so the custom sign-in can start.
package enum PreSignUp {
    package static let signUp = TriggerSource.preSignUp.rawValue
    static let adminCreateUser = TriggerSource.preSignUpAdminCreateUser.rawValue
    static let externalProvider = TriggerSource.preSignUpExternalProvider.rawValue
    /// Every `triggerSource` the function accepts.
    package static let triggerSources = [signUp, adminCreateUser, externalProvider]

    /// Why a sign-up was refused; each has a fixed sentence that never repeats what was sent.
    package enum Refusal: String, Sendable, Equatable {
        case noDestination = "no destination"
        case channelNotAllowed = "channel not allowed"
        case invalidPhone = "invalid phone number"
        case countryNotAllowed = "country not allowed"
        case invalidEmail = "invalid email"
        case domainNotAllowed = "domain not allowed"
        case twoDestinations = "more than one destination"
        case attributeNotAccepted = "attribute not accepted"

        /// What the person signing up is told, without a closing full stop: Cognito adds one when it shows the
        /// message (`PreSignUp failed with error <message>.`).
        var sentence: String {
            switch self {
            case .noDestination: "Sign up with a phone number or an email address"
            case .channelNotAllowed: "Sign-up with this kind of destination is not offered"
            // One sentence for a malformed number and one outside SMS_ALLOWED_COUNTRIES: a refusal that named the
            // country would tell a pumper which calling codes to try instead.
            case .invalidPhone, .countryNotAllowed: "The phone number must be in international form, such as +15555550123"
            case .invalidEmail: "The email address is not valid"
            case .domainNotAllowed: "Email addresses at this domain cannot sign up"
            case .twoDestinations: "Sign up with either a phone number or an email address, not both"
            case .attributeNotAccepted: "Sign up with a phone number or an email address and profile details only"
            }
        }
    }

    /// What pre-sign-up does with an event.
    package enum Decision: Equatable, Sendable {
        /// Leave the event as Cognito sent it (sign-up through an external provider).
        case passThrough
        /// Accept, with this response.
        case accept(PreSignUpResponse, channels: [Channel])
        /// Refuse the sign-up.
        case refuse(Refusal)
    }

    /// Decides a sign-up. `triggerSource` must be one of `triggerSources`.
    package static func decide(triggerSource: String, _ request: PreSignUpRequest, policy: SignUpPolicy) -> Decision {
        guard triggerSource != externalProvider else { return .passThrough }
        // An administrator (AdminCreateUser, under IAM) may set what it likes; a self sign-up only what this can vouch
        // for: nothing marked verified, nothing custom.
        if triggerSource == signUp, request.userAttributes.keys.contains(where: { !acceptedAtSignUp($0) }) {
            return .refuse(.attributeNotAccepted)
        }
        var channels: [Channel] = []
        for channel in Channel.allCases {
            guard let value = request.userAttributes[channel.attribute]?.trimmingWhitespace(), !value.isEmpty else { continue }
            guard policy.channels.contains(channel) else { return .refuse(.channelNotAllowed) }
            if let refusal = check(channel, value, policy) { return .refuse(refusal) }
            channels.append(channel)
        }
        guard !channels.isEmpty else { return .refuse(.noDestination) }
        // Two unverified destinations would let someone sign up another's number beside their own address and
        // verify the address: the number would stay on an account they hold.
        if policy.requireVerified == .firstSignIn, triggerSource == signUp, channels.count > 1 {
            return .refuse(.twoDestinations)
        }
        // AdminCreateUser has no confirmation step of its own to skip; only a self sign-up is confirmed here.
        return .accept(PreSignUpResponse(autoConfirmUser: triggerSource == signUp), channels: channels)
    }

    /// The standard profile attributes a self sign-up may carry beside its one destination (OpenID Connect's
    /// standard claims as Cognito names them), less `preferred_username`, which a pool may sign in with.
    static let profileAttributes: Set = [
        "name", "given_name", "family_name", "middle_name", "nickname", "profile", "picture", "website", "gender",
        "birthdate", "zoneinfo", "locale", "address", "updated_at",
    ]

    /// Whether a self sign-up may carry `attribute`: a destination, a profile attribute, or one Cognito adds itself
    /// (`cognito:`). Never `*_verified` (only a right code verifies), `sub`, or `custom:` attributes, which this
    /// function cannot vouch for.
    static func acceptedAtSignUp(_ attribute: String) -> Bool {
        Channel.allCases.contains { $0.attribute == attribute } || profileAttributes.contains(attribute)
            || attribute.hasPrefix("cognito:")
    }

    /// Why a destination may not sign up, or nil when it may.
    static func check(_ channel: Channel, _ value: String, _ policy: SignUpPolicy) -> Refusal? {
        switch channel {
        case .sms:
            guard CreateAuthChallenge.looksLikePhone(value) else { return .invalidPhone }
            guard policy.smsAllowedCountries.allows(value) else { return .countryNotAllowed }
        case .email:
            guard CreateAuthChallenge.looksLikeEmail(value), let at = value.lastIndex(of: "@") else { return .invalidEmail }
            let domain = value[value.index(after: at)...].lowercased()
            guard domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix(".") else { return .invalidEmail }
            guard policy.emailDomains.isEmpty || policy.emailDomains.contains(domain) else { return .domainNotAllowed }
        }
        return nil
    }
}
