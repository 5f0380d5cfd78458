/// `GetUser`: the account an access token from this endpoint names, while the token is valid and its sign-in is
/// neither signed out nor revoked.
///
/// Input: `AccessToken`. Output: `Username`, `UserAttributes` and the account's status.
enum GetUser: CognitoOperation {
    static let name = "GetUser"

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        let user = try pool.signedInUser(accessToken: try pool.required(input, "AccessToken"))
        // Access tokens come from the sign-in client alone: its ReadAttributes decide what is shown.
        return pool.readable(user, by: pool.options.clientID).apiDescription(userNameKey: "Username", attributesKey: "UserAttributes")
    }
}
