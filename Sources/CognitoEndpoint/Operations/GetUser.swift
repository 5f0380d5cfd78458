/// `GetUser`: the account an access token from this endpoint names, while the token is valid and its sign-in is
/// neither signed out nor revoked.
///
/// Input: `AccessToken`. Output: `Username`, `UserAttributes` and the account's status.
enum GetUser: CognitoOperation {
    static let name = "GetUser"

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        let user = try pool.signedInUser(accessToken: try pool.required(input, "AccessToken"))
        return user.apiDescription(userNameKey: "Username", attributesKey: "UserAttributes")
    }
}
