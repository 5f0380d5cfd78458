import JSON

/// `GetUser`: the account an access token from this endpoint names, while the token is valid and its sign-in is
/// neither signed out nor revoked.
///
/// Input: `AccessToken`. Output: `Username` and `UserAttributes`, the members its response syntax lists (the MFA
/// members are left out: the pool has no MFA); no status, `Enabled` or dates, which only `AdminGetUser` answers.
enum GetUser: CognitoOperation {
    static let name = "GetUser"
    static let input = InputShape(["AccessToken": .token], required: ["AccessToken"])

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        let user = try pool.signedInUser(accessToken: try pool.required(input, "AccessToken"))
        // Access tokens come from the sign-in client alone: its ReadAttributes decide what is shown, and the answer
        // holds only the members GetUser's response syntax lists that apply here.
        let shown = pool.readable(user, by: pool.options.clientID)
        return ["Username": .string(shown.userName), "UserAttributes": shown.attributeList]
    }
}
