/// The ID and access tokens Cognito issues at the end of a sign-in, signed by the endpoint's key, an hour long.
struct Tokens: Sendable {
    let signer: TokenSigner
    let issuer: String
    let clientID: String

    /// `AuthenticationResult`: ID, access and refresh tokens for `user`, issued at `now` (seconds).
    func authenticationResult(for user: PoolUser, now: Int64) -> JSONValue {
        let origin = RandomID.uuid()
        let sub = JSONValue.string(user.attributes["sub"] ?? user.userName)
        var id: [String: JSONValue] = [
            "sub": sub, "iss": .string(issuer), "aud": .string(clientID), "cognito:username": .string(user.userName),
            "token_use": "id", "auth_time": .number(Double(now)), "iat": .number(Double(now)), "exp": .number(Double(now + 3600)),
            "jti": .string(RandomID.uuid()), "origin_jti": .string(origin), "event_id": .string(RandomID.uuid()),
        ]
        for name in ["email", "phone_number"] where user.attributes[name] != nil {
            id[name] = .string(user.attributes[name]!)
            id[name + "_verified"] = .bool(user.attributes[name + "_verified"] == "true")
        }
        let access: JSONValue = [
            "sub": sub, "iss": .string(issuer), "client_id": .string(clientID), "username": .string(user.userName),
            "token_use": "access", "scope": "aws.cognito.signin.user.admin", "auth_time": .number(Double(now)),
            "iat": .number(Double(now)), "exp": .number(Double(now + 3600)), "jti": .string(RandomID.uuid()),
            "origin_jti": .string(origin), "event_id": .string(RandomID.uuid()),
        ]
        return [
            "IdToken": .string(signer.sign(.object(id))), "AccessToken": .string(signer.sign(access)),
            "RefreshToken": .string(RandomID.token(96)), "ExpiresIn": .number(3600), "TokenType": "Bearer",
        ]
    }

    /// The user name of an access token this key signed that is still valid at `now` (seconds); nil otherwise.
    func accessTokenUser(_ token: String, now: Int64) -> String? {
        guard let claims = signer.verify(token), claims["token_use"]?.string == "access", let name = claims["username"]?.string,
            let expires = claims["exp"].flatMap({ if case .number(let n) = $0 { n } else { nil } }), Double(now) < expires
        else { return nil }
        return name
    }
}
