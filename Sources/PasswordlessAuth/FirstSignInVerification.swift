import Settings

/// The first right code verifies: create notes in the round's private parameters which unverified attribute the
/// code went to and its value, and verify, after a right answer, marks that attribute verified when the user's
/// attributes still hold that value. The client never sees these parameters and cannot name the attribute.
package enum FirstSignInVerification {
    /// Keys of `privateChallengeParameters`.
    enum PrivateKey {
        /// `phone_number` or `email`.
        static let attribute = "verifiesAttribute"
        /// The value the code was sent to.
        static let destination = "verifiesDestination"
    }

    /// What a right answer verifies.
    package struct Target: Equatable, Sendable {
        /// The attribute to mark, `phone_number` or `email`.
        package var attribute: String
        /// The channel it belongs to, for masking in the log.
        package var channel: Channel
        /// The value the code went to; safe to log only masked.
        package var destination: String

        init(attribute: String, channel: Channel, destination: String) {
            self.attribute = attribute
            self.channel = channel
            self.destination = destination
        }

        /// The attribute that marks it verified.
        package var verifiedAttribute: String { attribute + "_verified" }
    }

    /// Notes the target in a code round that sends to an unverified attribute under `first-sign-in`.
    static func record(
        _ outcome: inout CreateAuthChallenge.Outcome, _ channel: Channel, _ destination: String?,
        _ request: CreateAuthChallengeRequest, _ configuration: PasswordlessConfiguration
    ) {
        guard configuration.requireVerified == .firstSignIn, let destination, !outcome.isDecoy,
            outcome.response.privateChallengeParameters?[CreateAuthChallenge.PrivateKey.code] != nil,
            !VerifiedRequirement.isVerified(channel.attribute, in: request.userAttributes)
        else { return }
        outcome.response.privateChallengeParameters?[PrivateKey.attribute] = channel.attribute
        outcome.response.privateChallengeParameters?[PrivateKey.destination] = destination
    }

    /// The attribute a right answer verifies, if create noted one and the user's attributes still hold the value
    /// the code went to, unverified.
    package static func target(of request: VerifyAuthChallengeRequest) -> Target? {
        let parameters = request.privateChallengeParameters
        guard let attribute = parameters[PrivateKey.attribute],
            let channel = Channel.allCases.first(where: { $0.attribute == attribute }),
            let destination = parameters[PrivateKey.destination], !destination.isEmpty,
            request.userAttributes[attribute]?.trimmingWhitespace() == destination,
            !VerifiedRequirement.isVerified(attribute, in: request.userAttributes)
        else { return nil }
        return Target(attribute: attribute, channel: channel, destination: destination)
    }
}
