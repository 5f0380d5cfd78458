import JSON

/// `AdminUserGlobalSignOut`: as `GlobalSignOut`, for the account an administrator names.
///
/// Input: `UserPoolId`, `Username`. Output: nothing.
enum AdminUserGlobalSignOut: CognitoOperation {
    static let name = "AdminUserGlobalSignOut"
    static let needsCredentials = true
    static let input = AdminDisableUser.input

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        pool.signOutEverywhere(try pool.user(input).userName)
        return [:]
    }
}
