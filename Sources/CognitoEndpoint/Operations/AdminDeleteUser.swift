import JSON

/// `AdminDeleteUser`: removes an account.
///
/// Input: `UserPoolId`, `Username`. Output: nothing.
enum AdminDeleteUser: CognitoOperation {
    static let name = "AdminDeleteUser"
    static let needsCredentials = true
    static let input = AdminDisableUser.input

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        _ = pool.pool.delete(try pool.user(input).userName)
        return [:]
    }
}
