import Foundation

/// A signed-in user's tokens. Printing, dumping or interpolating them shows the expiry only.
public struct Tokens: Sendable, Equatable, Codable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The ID token (JWT): who the user is, for the app's own back end.
    public var idToken: String
    /// The access token (JWT): what the user may do, for APIs that take it.
    public var accessToken: String
    /// The refresh token: opaque, long-lived, only for getting new ID and access tokens.
    public var refreshToken: String
    /// When the ID and access tokens expire.
    public var expiresAt: Date

    public init(idToken: String, accessToken: String, refreshToken: String, expiresAt: Date) {
        self.idToken = idToken
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresAt = expiresAt
    }

    public var description: String { "Tokens(expiresAt: \(expiresAt), redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["expiresAt": expiresAt]) }
}

/// Where the tokens are kept between launches: `KeychainTokenStore` on Apple platforms, `FileTokenStore` elsewhere,
/// or an app's own. The client calls it from one task at a time.
public protocol TokenStore: Sendable {
    /// The stored tokens, or nil when none are stored.
    func load() throws -> Tokens?
    /// Replaces the stored tokens.
    func save(_ tokens: Tokens) throws
    /// Forgets the tokens; nothing stored is no error.
    func remove() throws
}
