import SignInDriver

/// What can stop the endpoint from starting or serving: bad arguments, a function that cannot start, state that
/// cannot be read or written.
struct EndpointError: Error, CustomStringConvertible {
    let description: String

    static func arguments(_ text: String) -> EndpointError { EndpointError(description: text) }
    static func state(_ text: String) -> EndpointError { EndpointError(description: text) }
    static func function(_ text: String) -> EndpointError { EndpointError(description: text) }
    static func template(_ text: String) -> EndpointError { EndpointError(description: text) }
}

/// A Cognito API error as the client sees it: HTTP 400 with `__type` and `message`.
struct CognitoError: Error {
    let type: String
    let message: String

    init(_ type: String, _ message: String) {
        self.type = type
        self.message = message
    }

    var response: HTTPResponse {
        var response = HTTPResponse.json(400, ["__type": .string(type), "message": .string(message)])
        response.headers.append(("x-amzn-ErrorType", type))
        return response
    }

    /// A trigger that failed the call, as Cognito reports it.
    init(_ failure: CustomAuthError) { self.init("UserLambdaValidationException", failure.description) }

    static let unknownOperation = CognitoError("UnknownOperationException", "")
    static func invalidParameter(_ message: String) -> CognitoError { CognitoError("InvalidParameterException", message) }
    static let notAuthorized = CognitoError("NotAuthorizedException", "Incorrect username or password.")
    static let sessionExpired = CognitoError("NotAuthorizedException", "Invalid session for the user, session is expired.")
}
