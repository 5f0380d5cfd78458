import JSON

/// `GetTokensFromRefreshToken`: new ID and access tokens for a refresh token. With refresh token rotation off (as
/// on the template's clients) it issues no new refresh token and the old one stays valid.
///
/// Input: `ClientId`, `RefreshToken`; `ClientSecret`, `DeviceKey` and `ClientMetadata` are accepted and unused (the
/// clients have no secret, the pool no device tracking, and no trigger runs). Output: `AuthenticationResult`.
enum GetTokensFromRefreshToken: CognitoOperation {
    static let name = "GetTokensFromRefreshToken"
    static let input = InputShape(
        ["ClientId": .clientID, "RefreshToken": .token, "ClientSecret": .string, "DeviceKey": .string, "ClientMetadata": .stringMap],
        required: ["ClientId", "RefreshToken"])

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        let client = try pool.appClient(input)
        let token = try pool.required(input, "RefreshToken")
        return ["AuthenticationResult": try pool.refreshUnlessDisabled(token, client: client)]
    }
}
