/// The `triggerSource` of each event this package's functions take, as Cognito spells them.
package enum TriggerSource: String, Sendable, CaseIterable {
    case defineAuthChallenge = "DefineAuthChallenge_Authentication"
    case createAuthChallenge = "CreateAuthChallenge_Authentication"
    case verifyAuthChallenge = "VerifyAuthChallengeResponse_Authentication"
    case preSignUp = "PreSignUp_SignUp"
    case preSignUpAdminCreateUser = "PreSignUp_AdminCreateUser"
    case preSignUpExternalProvider = "PreSignUp_ExternalProvider"

    /// How long Cognito waits for any trigger to answer, whatever the function's own timeout.
    package static let cognitoWaitMilliseconds: Int64 = 5_000
}
