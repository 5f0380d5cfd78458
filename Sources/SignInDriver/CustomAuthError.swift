import PasswordlessAuth

/// A trigger that failed a sign-in or sign-up step, as Cognito reports it to the client.
package enum CustomAuthError: Error, Equatable, CustomStringConvertible {
    /// The function reported an error, exited or ran out of time.
    case triggerFailed(TriggerSource, type: String, message: String)
    /// The function's answer was not an event with a response of the trigger's shape.
    case invalidResponse(TriggerSource)

    /// The sentence of Cognito's `UserLambdaValidationException`.
    package var description: String {
        switch self {
        case .triggerFailed(let source, _, let message): "\(source.cognitoName) failed with error \(message)."
        case .invalidResponse(let source): "\(source.cognitoName) failed with error Invalid lambda response."
        }
    }
}

extension TriggerSource {
    /// The trigger's name in Cognito's error messages.
    var cognitoName: String {
        switch self {
        case .defineAuthChallenge: "DefineAuthChallenge"
        case .createAuthChallenge: "CreateAuthChallenge"
        case .verifyAuthChallenge: "VerifyAuthChallengeResponse"
        case .preSignUp, .preSignUpAdminCreateUser, .preSignUpExternalProvider: "PreSignUp"
        }
    }

    /// Cognito's words for a trigger that did not answer in its 5 s.
    package static var timedOutMessage: String {
        let hundredths = cognitoWaitMilliseconds / 10
        let fraction = hundredths % 100
        return "Task timed out after \(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) seconds"
    }
}
