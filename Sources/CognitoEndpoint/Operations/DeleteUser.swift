import JSON

/// `DeleteUser`: the access token's account deletes itself; its tokens are refused afterwards ("User does not
/// exist.", as for any token of an account that is gone).
///
/// Input: `AccessToken`. Output: nothing.
enum DeleteUser: CognitoOperation {
    static let name = "DeleteUser"
    static let input = InputShape(["AccessToken": .token], required: ["AccessToken"])

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        let user = try pool.signedInUser(accessToken: try pool.required(input, "AccessToken"))
        _ = pool.pool.delete(user.userName)
        return [:]
    }
}
