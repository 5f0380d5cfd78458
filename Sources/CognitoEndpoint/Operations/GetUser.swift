/// `GetUser`: the account an access token from this endpoint names, while the token is valid.
///
/// Input: `AccessToken`. Output: `Username`, `UserAttributes` and the account's status.
enum GetUser: CognitoOperation {
    static let name = "GetUser"

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        let token = try pool.required(input, "AccessToken")
        guard let name = pool.tokens.accessTokenUser(token, now: pool.now / 1000), let user = pool.pool.find(name) else {
            throw CognitoError("NotAuthorizedException", "Invalid Access Token")
        }
        return user.apiDescription(userNameKey: "Username", attributesKey: "UserAttributes")
    }
}
