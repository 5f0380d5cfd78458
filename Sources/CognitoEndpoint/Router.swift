import JSON

/// One operation of Cognito's API, read as its API Reference page: input members, checks, output members.
protocol CognitoOperation: Sendable {
    /// The name after `AWSCognitoIdentityProviderService.` in `X-Amz-Target`.
    static var name: String { get }
    /// Whether the call needs IAM credentials (a SigV4 `Authorization`) and names this pool in `UserPoolId`.
    static var needsCredentials: Bool { get }
    /// The input members as Cognito's API model declares them, checked before `perform`.
    static var input: InputShape { get }
    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue
}

extension CognitoOperation {
    static var needsCredentials: Bool { false }
    static var input: InputShape { .none }
}

/// Maps `X-Amz-Target` to the operation; a new operation is a new file and a line here.
struct Router: Sendable {
    static let targetPrefix = "AWSCognitoIdentityProviderService."
    static let operations: [String: any CognitoOperation.Type] = Dictionary(
        uniqueKeysWithValues: [
            InitiateAuth.self, RespondToAuthChallenge.self, SignUp.self, GetUser.self, AdminCreateUser.self, AdminGetUser.self,
            AdminUpdateUserAttributes.self, AdminDeleteUser.self, ListUsers.self, GetTokensFromRefreshToken.self, GlobalSignOut.self,
            AdminUserGlobalSignOut.self, RevokeToken.self, UpdateUserAttributes.self, DeleteUser.self, AdminDisableUser.self,
            AdminEnableUser.self, AdminSetUserPassword.self, AdminInitiateAuth.self, AdminRespondToAuthChallenge.self,
        ].map { (operation: any CognitoOperation.Type) in (operation.name, operation) })

    let services: UserPoolServices

    /// Cognito's answer to a POST: the operation's output, or its error as Cognito formats it.
    func route(_ request: HTTPRequest) -> HTTPResponse {
        guard request.method == "POST", let target = request.header("X-Amz-Target"), target.hasPrefix(Self.targetPrefix) else {
            return CognitoError.unknownOperation.response
        }
        guard let input = JSONValue.parse(request.body), input.object != nil else {
            return CognitoError("SerializationException", "Start of structure or map found where not expected.").response
        }
        guard let operation = Self.operations[String(target.dropFirst(Self.targetPrefix.count))] else {
            return CognitoError.unknownOperation.response
        }
        do throws(CognitoError) {
            if operation.needsCredentials {
                // Any signature will do: the endpoint holds no credentials to check one against.
                guard request.header("Authorization")?.hasPrefix("AWS4-HMAC-SHA256 ") == true else {
                    throw CognitoError("MissingAuthenticationTokenException", "Missing Authentication Token")
                }
            }
            try operation.input.check(input)
            if operation.needsCredentials {
                guard input["UserPoolId"]?.string == services.options.poolID else {
                    throw CognitoError("ResourceNotFoundException", "User pool \(input["UserPoolId"]?.string ?? "") does not exist.")
                }
            }
            return .json(200, try operation.perform(input, services))
        } catch {
            return error.response
        }
    }
}
