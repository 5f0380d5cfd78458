import PasswordlessAuth

/// `SignUp` through the sign-up app client: checks the attributes against the client's `WriteAttributes`, runs
/// pre-sign-up, and makes the account, confirmed when pre-sign-up says so. The password is required and thrown away.
///
/// Input: `ClientId`, `Username`, `Password`, `UserAttributes`, `ClientMetadata`. Output: `UserConfirmed`, `UserSub`.
enum SignUp: CognitoOperation {
    static let name = "SignUp"

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        let client = try pool.checkClient(input, signUp: true)
        guard !pool.options.allowAdminCreateUserOnly else {
            throw CognitoError("NotAuthorizedException", "SignUp is not permitted for this user pool")
        }
        let typed = try pool.required(input, "Username")
        _ = try pool.required(input, "Password")
        var attributes = try pool.attributes(input, "UserAttributes")
        let signInWithDestination = pool.pool.signInWithDestination
        // Cognito checks SignUp's attributes against the client's WriteAttributes. Whether it also checks the one it
        // fills from a user name that is an email or a phone number, AWS does not say: here it does (the safe side).
        let filled = signInWithDestination ? [typed.contains("@") ? "email" : "phone_number"] : []
        guard Set(attributes.keys).union(filled).isSubset(of: pool.writable(by: client)) else {
            throw CognitoError("NotAuthorizedException", "A client attempted to write unauthorized attribute")
        }
        // With sign-in by email or phone, Cognito hands the trigger the user name as that attribute.
        if signInWithDestination {
            attributes[typed.contains("@") ? "email" : "phone_number"] = attributes[typed.contains("@") ? "email" : "phone_number"] ?? typed
        }
        guard pool.pool.find(typed) == nil else { throw CognitoError("UsernameExistsException", "User already exists") }
        let request = PreSignUpRequest(userAttributes: attributes, clientMetadata: try pool.clientMetadata(input) ?? [:])
        let response: PreSignUpResponse
        do {
            response = try pool.flow.signUp(userName: typed, request)
        } catch {
            throw CognitoError(error)
        }
        let confirmed = response.autoConfirmUser == true
        let user = try pool.pool.create(
            typedName: typed, attributes: attributes, status: confirmed ? "CONFIRMED" : "UNCONFIRMED", now: pool.now / 1000)
        return ["UserConfirmed": .bool(confirmed), "UserSub": .string(user.attributes["sub"] ?? "")]
    }
}
