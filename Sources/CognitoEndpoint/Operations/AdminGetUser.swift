import JSON

/// `AdminGetUser`: an account by user name (or, with sign-in by destination, by email or phone).
///
/// Input: `UserPoolId`, `Username`. Output: `Username`, `UserAttributes`, `UserStatus`, `Enabled`, the dates.
enum AdminGetUser: CognitoOperation {
    static let name = "AdminGetUser"
    static let needsCredentials = true
    static let input = AdminDisableUser.input

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        try pool.user(input).apiDescription(userNameKey: "Username", attributesKey: "UserAttributes")
    }
}
