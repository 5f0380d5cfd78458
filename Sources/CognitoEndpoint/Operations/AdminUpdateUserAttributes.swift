import JSON

/// `AdminUpdateUserAttributes`, with the rules of Cognito's API Reference.
///
/// Input: `UserPoolId`, `Username`, `UserAttributes`. Output: nothing.
enum AdminUpdateUserAttributes: CognitoOperation {
    static let name = "AdminUpdateUserAttributes"
    static let needsCredentials = true
    static let input = InputShape(
        ["UserPoolId": .poolID, "Username": .username, "UserAttributes": .attributes, "ClientMetadata": .stringMap],
        required: ["UserAttributes", "UserPoolId", "Username"])

    /// Attributes that name or identify the account and cannot be changed.
    static let fixedAttributes: Set = ["sub", "cognito:user_status", "cognito:username"]

    /// Changes attributes. A new email or phone number is unverified unless the same call verifies it, as Cognito
    /// does; with sign-in by destination, another account's email or phone is `AliasExistsException`.
    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        let changes = try pool.attributes(input, "UserAttributes")
        if let fixed = changes.keys.first(where: Self.fixedAttributes.contains) {
            throw .invalidParameter("Cannot modify the non-mutable attribute \(fixed)")
        }
        try AttributeFormat.check(changes)
        let target = try pool.user(input)
        try pool.checkAliases(changes, of: target)
        let seconds = pool.now / 1000
        _ = pool.pool.update(target.userName) { user in
            user.modifiedAt = seconds
            for name in ["email", "phone_number"] where changes[name] != nil && changes[name] != user.attributes[name] {
                user.attributes[name + "_verified"] = "false"
            }
            user.attributes.merge(changes) { $1 }
        }
        return [:]
    }
}
