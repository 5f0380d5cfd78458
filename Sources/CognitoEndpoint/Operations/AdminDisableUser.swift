import JSON

/// `AdminDisableUser`: "Deactivates a user profile and revokes all access tokens for the user. A deactivated user
/// can't sign in" (API Reference): `InitiateAuth` and a refresh answer `NotAuthorizedException` "User is disabled.",
/// and its tokens are refused as revoked. The account stays in `ListUsers`, with `Enabled` false.
///
/// Input: `UserPoolId`, `Username`. Output: nothing.
enum AdminDisableUser: CognitoOperation {
    static let name = "AdminDisableUser"
    static let needsCredentials = true
    static let input = InputShape(["UserPoolId": .poolID, "Username": .username], required: ["UserPoolId", "Username"])

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        let user = try pool.user(input)
        let seconds = pool.now / 1000
        _ = pool.pool.update(user.userName) { user in
            user.disabled = true
            user.modifiedAt = seconds
        }
        pool.signOutEverywhere(user.userName)
        return [:]
    }
}
