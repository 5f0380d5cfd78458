import JSON

/// A refresh token the endpoint issued, as the account keeps it in users.json: the token's SHA-256 and never the
/// token itself (a secret, like a password: whoever reads the state directory cannot sign in with what is there),
/// the app client it was issued to, the sign-in it ends (`origin_jti`, `auth_time`), its expiry and revocation.
struct RefreshGrant: Codable, Sendable, Equatable {
    var tokenHash: String
    var clientID: String
    var originJTI: String
    var authTime: Int64
    var expiresAt: Int64
    var revokedAt: Int64?

    /// The key a refresh token is remembered under: its SHA-256, base64url.
    static func hash(_ token: String) -> String { Base64URL.encode(TokenSigner.sha256(Array(token.utf8))) }
}

/// Refresh tokens and sign-out as Cognito's API Reference describes them: a sign-in issues one refresh token,
/// which gets new ID and access tokens (and no new refresh token: rotation is off, as on the template's clients)
/// until it expires (30 days, the default `RefreshTokenValidity`) or is revoked by `RevokeToken`, `GlobalSignOut` or
/// `AdminUserGlobalSignOut`. The access tokens of a revoked refresh token are refused too.
extension UserPoolServices {
    /// Seconds a refresh token lasts: the app client's default `RefreshTokenValidity`, 30 days.
    static let refreshTokenLifetime: Int64 = 30 * 86_400
    /// Refresh tokens kept per account: past this the oldest goes, and its tokens with it (a choice of ours, so an
    /// account that signs in without end does not grow users.json without end).
    static let refreshGrantsPerUser = 100

    /// The end of a sign-in through `client`: a new refresh token for `user`, remembered, and the three tokens.
    func issueTokens(for user: PoolUser, client: String) -> JSONValue {
        let seconds = now / 1000
        let token = RandomID.token(96)
        let grant = RefreshGrant(
            tokenHash: RefreshGrant.hash(token), clientID: client, originJTI: RandomID.uuid(), authTime: seconds,
            expiresAt: seconds + Self.refreshTokenLifetime, revokedAt: nil)
        _ = pool.update(user.userName) { user in
            // Expired grants go; their access tokens expired long before.
            var grants = (user.refreshGrants ?? []).filter { $0.expiresAt > seconds }
            grants.append(grant)
            user.refreshGrants = Array(grants.suffix(Self.refreshGrantsPerUser))
        }
        return tokens.authenticationResult(
            for: user, originJTI: grant.originJTI, authTime: grant.authTime, now: seconds, refreshToken: token)
    }

    /// New ID and access tokens from a refresh token issued through `client`, with the sign-in's `origin_jti` and
    /// `auth_time`; the refresh token stays as it is.
    func refresh(_ token: String, client: String) throws(CognitoError) -> JSONValue {
        let seconds = now / 1000
        let hash = RefreshGrant.hash(token)
        guard let user = pool.holder(ofGrant: hash), let grant = user.refreshGrants?.first(where: { $0.tokenHash == hash }),
            grant.clientID == client
        else { throw .invalidRefreshToken }
        guard grant.revokedAt == nil else { throw CognitoError("NotAuthorizedException", "Refresh Token has been revoked") }
        guard seconds < grant.expiresAt else { throw CognitoError("NotAuthorizedException", "Refresh Token has expired") }
        return tokens.authenticationResult(for: user, originJTI: grant.originJTI, authTime: grant.authTime, now: seconds, refreshToken: nil)
    }

    /// The account an access token stands for, while it is valid and its sign-in is neither signed out nor revoked.
    func signedInUser(accessToken: String) throws(CognitoError) -> PoolUser {
        guard let claims = tokens.accessClaims(accessToken) else { throw .invalidAccessToken }
        guard Double(now / 1000) < claims.expires else { throw CognitoError("NotAuthorizedException", "Access Token has expired") }
        guard let user = pool.find(claims.userName), user.userName == claims.userName else {
            throw CognitoError("UserNotFoundException", "User does not exist.")
        }
        // An account deleted and made again under the same name has a new sub, and none of the old sign-ins.
        guard user.attributes["sub"] == claims.sub, let grant = user.refreshGrants?.first(where: { $0.originJTI == claims.originJTI })
        else { throw .invalidAccessToken }
        guard grant.revokedAt == nil else { throw CognitoError("NotAuthorizedException", "Access Token has been revoked") }
        return user
    }

    /// Revokes every refresh token of the account, and with them every access token it holds.
    func signOutEverywhere(_ userName: String) {
        let seconds = now / 1000
        _ = pool.update(userName) { user in
            user.refreshGrants = user.refreshGrants?.map { grant in
                var grant = grant
                grant.revokedAt = grant.revokedAt ?? seconds
                return grant
            }
        }
    }

    /// Revokes one refresh token issued through `client`, and the access tokens issued with it and from it.
    /// Anything that is not one of this endpoint's tokens is answered as revoked (RFC 7009 §2.2); an ID or access
    /// token is `UnsupportedTokenTypeException`; another client's refresh token is `UnauthorizedException`.
    func revoke(_ token: String, client: String) throws(CognitoError) {
        guard !tokens.isSigned(token) else {
            throw CognitoError("UnsupportedTokenTypeException", "Only refresh tokens can be revoked.")
        }
        let hash = RefreshGrant.hash(token)
        guard let user = pool.holder(ofGrant: hash), let grant = user.refreshGrants?.first(where: { $0.tokenHash == hash }) else { return }
        guard grant.clientID == client else { throw CognitoError("UnauthorizedException", "The token was not issued to this client.") }
        let seconds = now / 1000
        _ = pool.update(user.userName) { user in
            user.refreshGrants = user.refreshGrants?.map { grant in
                var grant = grant
                if grant.tokenHash == hash { grant.revokedAt = grant.revokedAt ?? seconds }
                return grant
            }
        }
    }
}

extension CognitoError {
    static let invalidRefreshToken = CognitoError("NotAuthorizedException", "Invalid Refresh Token")
    static let invalidAccessToken = CognitoError("NotAuthorizedException", "Invalid Access Token")
}
