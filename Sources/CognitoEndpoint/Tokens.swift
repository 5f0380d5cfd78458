import JSON

/// The ID and access tokens Cognito issues, signed by the endpoint's key, an hour long; the refresh token is
/// an opaque random string the pool remembers (RefreshTokens.swift).
struct Tokens: Sendable {
    /// Seconds an ID or access token lasts: the app client's default `IdTokenValidity`/`AccessTokenValidity`.
    static let lifetime: Int64 = 3600

    let signer: TokenSigner
    let issuer: String
    let clientID: String

    /// `AuthenticationResult` for `user`, issued at `now` (seconds) under a sign-in's `originJTI` and `authTime`;
    /// `RefreshToken` only when one is given (a sign-in, never a refresh without rotation).
    func authenticationResult(for user: PoolUser, originJTI: String, authTime: Int64, now: Int64, refreshToken: String?) -> JSONValue {
        let sub = JSONValue.string(user.attributes["sub"] ?? user.userName)
        let times: [String: JSONValue] = [
            "auth_time": .number(Double(authTime)), "iat": .number(Double(now)), "exp": .number(Double(now + Self.lifetime)),
            "origin_jti": .string(originJTI),
        ]
        var id: [String: JSONValue] = [
            "sub": sub, "iss": .string(issuer), "aud": .string(clientID), "cognito:username": .string(user.userName),
            "token_use": "id", "jti": .string(RandomID.uuid()), "event_id": .string(RandomID.uuid()),
        ]
        for name in ["email", "phone_number"] where user.attributes[name] != nil {
            id[name] = .string(user.attributes[name]!)
            id[name + "_verified"] = .bool(user.attributes[name + "_verified"] == "true")
        }
        let access: [String: JSONValue] = [
            "sub": sub, "iss": .string(issuer), "client_id": .string(clientID), "username": .string(user.userName),
            "token_use": "access", "scope": "aws.cognito.signin.user.admin", "jti": .string(RandomID.uuid()),
            "event_id": .string(RandomID.uuid()),
        ]
        var result: [String: JSONValue] = [
            "IdToken": .string(signer.sign(.object(id.merging(times) { $1 }))),
            "AccessToken": .string(signer.sign(.object(access.merging(times) { $1 }))), "ExpiresIn": .number(Double(Self.lifetime)),
            "TokenType": "Bearer",
        ]
        if let refreshToken { result["RefreshToken"] = .string(refreshToken) }
        return .object(result)
    }

    /// What an access token this key signed says: whose it is, the sign-in it comes from, and until when (seconds).
    struct AccessClaims {
        let userName: String
        let sub: String
        let originJTI: String
        let expires: Double
    }

    /// The claims of an access token carrying this key's signature; nil for anything else (an ID token included).
    func accessClaims(_ token: String) -> AccessClaims? {
        guard let claims = signer.verify(token), claims["token_use"]?.string == "access", let name = claims["username"]?.string,
            let sub = claims["sub"]?.string, let origin = claims["origin_jti"]?.string,
            case .number(let expires)? = claims["exp"]
        else { return nil }
        return AccessClaims(userName: name, sub: sub, originJTI: origin, expires: expires)
    }

    /// Whether `token` is a JWT this key signed (an ID or access token), as opposed to a refresh token or noise.
    func isSigned(_ token: String) -> Bool { signer.verify(token) != nil }
}
