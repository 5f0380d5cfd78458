import JSON

/// `RevokeToken`: revokes a refresh token and the access tokens issued with it and from it; the account's other
/// sign-ins keep theirs.
///
/// Input: `ClientId`, `Token` (the refresh token); `ClientSecret` is accepted and unused (the clients have none).
/// Output: nothing.
enum RevokeToken: CognitoOperation {
    static let name = "RevokeToken"
    static let input = InputShape(
        ["ClientId": .clientID, "Token": .token, "ClientSecret": .string], required: ["ClientId", "Token"])

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        let client = try pool.appClient(input)
        try pool.revoke(try pool.required(input, "Token"), client: client)
        return [:]
    }
}
