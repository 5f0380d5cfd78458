import JSON
import PasswordlessAuth

/// `SignUp` through the sign-up app client. Cognito's own checks come first, so a malformed request never reaches
/// pre-sign-up: the members' shapes, the user name (an email or phone number where the pool signs in with one),
/// the email and phone formats, the password policy, the client's `WriteAttributes` (`*_verified` never: only
/// pre-sign-up's `autoVerifyEmail`/`autoVerifyPhone` verify at sign-up), and a name already taken. Then pre-sign-up
/// runs, and the account is made, confirmed when pre-sign-up says so. The password is thrown away.
///
/// Input: `ClientId`, `Username`, `Password`, `UserAttributes`, `ValidationData` (accepted, unused),
/// `ClientMetadata`. Output: `UserConfirmed`, `UserSub`.
enum SignUp: CognitoOperation {
    static let name = "SignUp"
    static let input = InputShape(
        [
            "ClientId": .clientID, "SecretHash": .string, "Username": .username, "Password": .password, "UserAttributes": .attributes,
            "ValidationData": .attributes, "ClientMetadata": .stringMap,
        ], required: ["ClientId", "Username"])

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        let client = try pool.appClient(input)
        guard !pool.options.allowAdminCreateUserOnly else {
            throw CognitoError("NotAuthorizedException", "SignUp is not permitted for this user pool")
        }
        let typed = try pool.required(input, "Username")
        var attributes = try pool.attributes(input, "UserAttributes")
        try pool.checkSignInName(typed)
        try AttributeFormat.check(attributes)
        // The pool has no passwordless sign-in, so SignUp needs a password, and Cognito checks it against the policy.
        try PasswordPolicy.check(try pool.required(input, "Password"))
        let signInWithDestination = pool.pool.signInWithDestination
        let filledName = typed.contains("@") ? "email" : "phone_number"
        // Cognito checks SignUp's attributes against the client's WriteAttributes. Whether it also checks the one it
        // fills from a user name that is an email or a phone number, AWS does not say: here it does (the safe side).
        let filled = signInWithDestination ? [filledName] : []
        let verified = attributes.keys.contains { $0.hasSuffix("_verified") }
        guard !verified, Set(attributes.keys).union(filled).isSubset(of: pool.writable(by: client)) else { throw .unauthorizedAttribute }
        // With sign-in by email or phone, Cognito hands the trigger the user name as that attribute.
        if signInWithDestination { attributes[filledName] = attributes[filledName] ?? typed }
        if pool.pool.find(typed) != nil {
            throw signInWithDestination
                ? CognitoError("UsernameExistsException", "An account with the given \(filledName) already exists.")
                : CognitoError("UsernameExistsException", "User already exists")
        }
        let request = PreSignUpRequest(userAttributes: attributes, clientMetadata: try pool.clientMetadata(input) ?? [:])
        let response: PreSignUpResponse
        do {
            response = try pool.flow.signUp(userName: typed, request)
        } catch {
            throw CognitoError(error)
        }
        let confirmed = response.autoConfirmUser == true
        if response.autoVerifyEmail == true, attributes["email"] != nil { attributes["email_verified"] = "true" }
        if response.autoVerifyPhone == true, attributes["phone_number"] != nil { attributes["phone_number_verified"] = "true" }
        let user = try pool.pool.create(
            typedName: typed, attributes: attributes, status: confirmed ? "CONFIRMED" : "UNCONFIRMED", now: pool.now / 1000)
        return ["UserConfirmed": .bool(confirmed), "UserSub": .string(user.attributes["sub"] ?? "")]
    }
}
