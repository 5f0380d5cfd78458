/// Cognito's answers as the library's errors. The error types are Cognito's (each operation's Errors section in the
/// API Reference); a failed trigger is `UserLambdaValidationException` "`<Trigger>` failed with error `<message>`."
/// (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-identity-pools-working-with-aws-lambda-triggers.html),
/// and this project's triggers fail with fixed sentences meant for the user.
extension CognitoService.Failure {
    /// The library's error for this failure.
    var publicError: PasswordlessError {
        switch self {
        case .network(let detail):
            return PasswordlessError(.network, detail: detail)
        case .unreadable(let detail):
            return PasswordlessError(.misconfigured, detail: detail)
        case .status(let status):
            return PasswordlessError(status >= 500 ? .service : .misconfigured, detail: "HTTP \(status) without an error type")
        case .cognito(let type, let message):
            let failed = TriggerFailure(type: type, message: message)
            return PasswordlessError(
                Self.code(type: type, message: message, trigger: failed), cognitoType: type, userMessage: failed?.sentence,
                detail: message)
        }
    }

    /// Cognito's error type, when Cognito answered.
    var cognitoType: String? {
        if case .cognito(let type, _) = self { return type }
        return nil
    }

    var message: String {
        if case .cognito(_, let message) = self { return message }
        return ""
    }

    private static func code(type: String, message: String, trigger: TriggerFailure?) -> PasswordlessError.Code {
        if let trigger { return trigger.code }
        switch type {
        case "InvalidParameterException":
            return message.contains("flow not enabled") || message.contains("not configured") ? .misconfigured : .invalidInput
        case "CodeMismatchException", "ExpiredCodeException", "AliasExistsException", "UsernameExistsException":
            return .invalidInput
        case "TooManyRequestsException", "LimitExceededException", "TooManyFailedAttemptsException":
            return .tooManyRequests
        case "CodeDeliveryFailureException":
            return .codeNotSent
        case "NotAuthorizedException", "UserNotConfirmedException", "PasswordResetRequiredException", "UserNotFoundException",
            "UnsupportedUserStateException", "ForbiddenException":
            return .refused
        case "ResourceNotFoundException", "InvalidLambdaResponseException", "UnexpectedLambdaException",
            "InvalidUserPoolConfigurationException",
            "InvalidSmsRoleAccessPolicyException", "InvalidSmsRoleTrustRelationshipException", "InvalidEmailRoleAccessPolicyException",
            "UnsupportedOperationException", "UnsupportedTokenTypeException", "InvalidPasswordException", "UnauthorizedException",
            "UnknownOperationException", "SerializationException":
            return .misconfigured
        default:
            return .service
        }
    }
}

/// A trigger's failure as Cognito reports it, and what this project's triggers meant by it.
struct TriggerFailure {
    /// `PreSignUp`, `CreateAuthChallenge`, ….
    let trigger: String
    /// The trigger's message with Cognito's full stop.
    let sentence: String

    init?(type: String, message: String) {
        guard type == "UserLambdaValidationException", let range = message.range(of: " failed with error ") else { return nil }
        trigger = String(message[..<range.lowerBound])
        sentence = String(message[range.upperBound...])
    }

    /// create-auth-challenge refused another code in this sign-in (`MAX_RESENDS`): the sign-in is over.
    var endsSignIn: Bool { trigger == "CreateAuthChallenge" && sentence.hasPrefix("No more codes can be sent") }

    var code: PasswordlessError.Code {
        switch trigger {
        case "PreSignUp": .invalidInput
        case "CreateAuthChallenge" where sentence.hasPrefix("Too many codes") || endsSignIn: .tooManyRequests
        case "CreateAuthChallenge" where sentence.hasPrefix("The code could not be sent"): .codeNotSent
        default: .service
        }
    }
}
