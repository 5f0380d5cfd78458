import PasswordlessAWS
import PasswordlessAuth
import PasswordlessTriggers

VerifyHandler.main { settings, _ in
    // Only first-sign-in marks destinations verified, and only then does verify call AWS.
    let marks = try VerifiedRequirement.read(settings) == .firstSignIn
    return VerifyHandler(marker: marks ? try CognitoVerificationMarker(settings) : nil)
}
