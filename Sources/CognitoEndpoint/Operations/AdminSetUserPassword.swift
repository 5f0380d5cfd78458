import JSON

/// `AdminSetUserPassword`: a permanent password makes the account CONFIRMED; a temporary one (`Permanent` false, the
/// default) FORCE_CHANGE_PASSWORD, so the next sign-in ends in NEW_PASSWORD_REQUIRED. The password must meet the
/// pool's policy (`InvalidPasswordException`) and is then thrown away: no flow here signs in with a password.
///
/// Input: `UserPoolId`, `Username`, `Password`, `Permanent`. Output: nothing.
enum AdminSetUserPassword: CognitoOperation {
    static let name = "AdminSetUserPassword"
    static let needsCredentials = true
    static let input = InputShape(
        ["UserPoolId": .poolID, "Username": .username, "Password": .password, "Permanent": .boolean],
        required: ["Password", "UserPoolId", "Username"])

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        let user = try pool.user(input)
        try PasswordPolicy.check(input["Password"]?.string ?? "")
        let permanent = input["Permanent"] == .bool(true)
        let seconds = pool.now / 1000
        _ = pool.pool.update(user.userName) { user in
            user.status = permanent ? "CONFIRMED" : "FORCE_CHANGE_PASSWORD"
            user.modifiedAt = seconds
        }
        return [:]
    }
}
