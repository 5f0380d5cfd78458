import JSON

/// `GlobalSignOut`: revokes every refresh token of the access token's account; its access tokens are refused
/// afterwards ("Access Token has been revoked"), and so are its refresh tokens ("Refresh Token has been revoked").
///
/// Input: `AccessToken`. Output: nothing.
enum GlobalSignOut: CognitoOperation {
    static let name = "GlobalSignOut"
    static let input = GetUser.input

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        let user = try pool.signedInUser(accessToken: try pool.required(input, "AccessToken"))
        pool.signOutEverywhere(user.userName)
        return [:]
    }
}
