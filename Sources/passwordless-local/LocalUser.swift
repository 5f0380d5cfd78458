import PasswordlessAuth
import PasswordlessTriggers
import Synchronization

/// The one user of a local sign-in, standing in for the user pool: its attributes, and the marking of a
/// destination as verified that Cognito's AdminUpdateUserAttributes would do.
final class LocalUser: VerificationMarker {
    /// The pool id the local events name.
    static let poolID = "us-east-1_LOCAL"

    private let storage: Mutex<[String: String]>
    private let say: @Sendable (String) -> Void

    /// - Parameter say: prints the marking as it happens.
    init(attributes: [String: String], say: @escaping @Sendable (String) -> Void) {
        storage = Mutex(attributes)
        self.say = say
    }

    /// The attributes now.
    var attributes: [String: String] { storage.withLock { $0 } }

    func markVerified(
        _ target: FirstSignInVerification.Target, userPoolID: String, userName: String, deadlineEpochMs: Int64
    ) throws(TriggerError) {
        storage.withLock { $0[target.verifiedAttribute] = "true" }
        say("AdminUpdateUserAttributes: \(target.verifiedAttribute)=true (\(target.channel.mask(target.destination)))")
    }

    /// The destinations and whether each is verified, masked, e.g. `phone_number=+*******0123 (unverified)`.
    func describeDestinations() -> String {
        let attributes = self.attributes
        return Channel.allCases.compactMap { channel in
            guard let value = attributes[channel.attribute] else { return nil }
            let verified = attributes[channel.attribute + "_verified"] == "true" ? "verified" : "unverified"
            return "\(channel.attribute)=\(channel.mask(value)) (\(verified))"
        }.joined(separator: " ")
    }
}
