import JSON

/// `AdminEnableUser`: the account can sign in again. The tokens `AdminDisableUser` revoked stay revoked.
///
/// Input: `UserPoolId`, `Username`. Output: nothing.
enum AdminEnableUser: CognitoOperation {
    static let name = "AdminEnableUser"
    static let needsCredentials = true
    static let input = AdminDisableUser.input

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        let user = try pool.user(input)
        let seconds = pool.now / 1000
        _ = pool.pool.update(user.userName) { user in
            user.disabled = nil
            user.modifiedAt = seconds
        }
        return [:]
    }
}
