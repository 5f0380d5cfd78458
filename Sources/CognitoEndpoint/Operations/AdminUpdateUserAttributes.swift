/// `AdminUpdateUserAttributes`, with the rules of Cognito's API Reference.
///
/// Input: `UserPoolId`, `Username`, `UserAttributes`. Output: nothing.
enum AdminUpdateUserAttributes: CognitoOperation {
    static let name = "AdminUpdateUserAttributes"
    static let needsCredentials = true

    /// Attributes that name or identify the account and cannot be changed.
    static let fixedAttributes: Set = ["sub", "cognito:user_status", "cognito:username"]

    /// Changes attributes. A new email or phone number is unverified unless the same call verifies it, as Cognito
    /// does; with sign-in by destination, another account's email or phone is `AliasExistsException`.
    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        let changes = try pool.attributes(input, "UserAttributes")
        if let fixed = changes.keys.first(where: Self.fixedAttributes.contains) {
            throw .invalidParameter("Cannot modify the non-mutable attribute \(fixed)")
        }
        let target = try pool.user(input)
        if pool.pool.signInWithDestination {
            for name in ["email", "phone_number"] {
                guard let value = changes[name], let other = pool.pool.find(value), other.userName != target.userName else { continue }
                throw CognitoError("AliasExistsException", "An account with the given \(name) already exists.")
            }
        }
        _ = pool.pool.update(target.userName) { user in
            for name in ["email", "phone_number"] where changes[name] != nil && changes[name] != user.attributes[name] {
                user.attributes[name + "_verified"] = "false"
            }
            user.attributes.merge(changes) { $1 }
        }
        return [:]
    }
}
