import JSON

/// `UpdateUserAttributes`: the access token's account changes its own attributes, within the `WriteAttributes` of
/// the app client that issued the token (the sign-in client: its profile attributes, never where codes go).
///
/// A blank value deletes the attribute (API Reference). A changed `email` or `phone_number` becomes unverified;
/// another account's is `AliasExistsException` where the pool signs in with it. `*_verified` is not among any
/// client's writable attributes here, so a user cannot verify an address by saying so. The template's pool sets no
/// `AttributesRequireVerificationBeforeUpdate`, so a change takes effect at once (as in such a pool); no verification
/// code is sent (this endpoint has no `VerifyUserAttribute`), and `CodeDeliveryDetailsList` is empty.
///
/// Input: `AccessToken`, `UserAttributes`, `ClientMetadata` (no trigger here takes it). Output:
/// `CodeDeliveryDetailsList`.
enum UpdateUserAttributes: CognitoOperation {
    static let name = "UpdateUserAttributes"
    static let input = InputShape(
        ["AccessToken": .token, "UserAttributes": .attributes, "ClientMetadata": .stringMap], required: ["AccessToken", "UserAttributes"])

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        let user = try pool.signedInUser(accessToken: try pool.required(input, "AccessToken"))
        let changes = try pool.attributes(input, "UserAttributes")
        guard Set(changes.keys).isSubset(of: pool.writable(by: pool.options.clientID)) else { throw .unauthorizedAttribute }
        try AttributeFormat.check(changes.filter { !$0.value.isEmpty })
        try pool.checkAliases(changes, of: user)
        let seconds = pool.now / 1000
        _ = pool.pool.update(user.userName) { user in
            for name in ["email", "phone_number"] where changes[name] != nil && changes[name] != user.attributes[name] {
                user.attributes[name + "_verified"] = changes[name]!.isEmpty ? nil : "false"
            }
            for (name, value) in changes { user.attributes[name] = value.isEmpty ? nil : value }
            user.modifiedAt = seconds
        }
        return ["CodeDeliveryDetailsList": []]
    }
}
