import AWSClients
import AWSHTTP
import PasswordlessAuth
import PasswordlessTriggers
import Settings

/// Marks a destination verified through Cognito's `AdminUpdateUserAttributes`, setting only
/// `<attribute>_verified=true` on the user the event names.
package final class CognitoVerificationMarker: VerificationMarker {
    let client: CognitoIdentityProviderClient

    init(client: CognitoIdentityProviderClient) { self.client = client }

    /// Builds the client from the settings (see `AWSClientFactory`); errors name the variable at fault.
    package convenience init(
        _ settings: SettingsReader, transport: any HTTPTransport = awsTransport, scheduling: RetryScheduling = .system
    ) throws(SettingsError) {
        self.init(client: try AWSClientFactory(settings, transport: transport, scheduling: scheduling).cognitoIdentityProvider())
    }

    package func markVerified(
        _ target: FirstSignInVerification.Target, userPoolID: String, userName: String, deadlineEpochMs: Int64
    ) throws(TriggerError) {
        do {
            try client.adminUpdateUserAttributes(
                userPoolID: userPoolID, userName: userName, attributes: [(target.verifiedAttribute, "true")],
                deadlineEpochMs: deadlineEpochMs)
        } catch {
            throw .markingFailed(
                DeliveryFailure(
                    kind: error.isRejection ? .rejected : .transient, awsErrorCode: error.awsErrorCode,
                    awsRequestID: error.awsRequestID, detail: error.description))
        }
    }
}
