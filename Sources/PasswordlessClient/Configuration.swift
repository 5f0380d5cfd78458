import Foundation

/// Where the user pool is and how its app clients sign in: all of it from the deployment, none of it app logic.
public struct PasswordlessConfiguration: Sendable {
    /// Which sign-in the pool speaks.
    public enum Flow: Sendable, Equatable {
        /// Custom authentication (`CUSTOM_AUTH`) run by this project's triggers, on any tier.
        case customAuth
        /// Choice-based sign-in (`USER_AUTH`) with Cognito's own one-time passwords (`EMAIL_OTP`, `SMS_OTP`): the
        /// Essentials and Plus tiers.
        case userAuth
        /// `CUSTOM_AUTH` first and `USER_AUTH` when the app client refuses it, on the first sign-in; the flow that
        /// answered is kept for the client's lifetime.
        case discover
    }

    /// The user pools API: `https://cognito-idp.<region>.amazonaws.com/`, or a local endpoint.
    public var endpoint: URL
    /// The app client that signs users in (the stack's `UserPoolClientId`).
    public var clientID: String
    /// The app client for `SignUp` (the stack's `SignUpClientId`); nil signs up through `clientID`.
    public var signUpClientID: String?
    public var flow: Flow
    /// The pool's `MaxAttempts` (custom authentication): wrong codes before a sign-in ends. Nil when unknown: the
    /// prompt then says nothing of the attempts left.
    public var maxAttempts: Int?
    /// The pool's `MaxResends` (custom authentication): new codes a sign-in may ask for. Nil when unknown.
    public var maxResends: Int?
    /// Tokens are refreshed when they expire within this many seconds.
    public var refreshMargin: TimeInterval
    /// How long one request may take, in seconds.
    public var timeout: TimeInterval

    /// A pool in an AWS Region, at its public endpoint.
    public init(region: String, clientID: String, signUpClientID: String? = nil, flow: Flow = .discover) {
        self.init(
            endpoint: URL(string: "https://cognito-idp.\(region).amazonaws.com/")!, clientID: clientID,
            signUpClientID: signUpClientID, flow: flow)
    }

    /// A pool at `endpoint`, such as `passwordless-endpoint` on `http://127.0.0.1:9229/`. The limits default to the
    /// template's defaults (`MaxAttempts` 3, `MaxResends` 2).
    public init(endpoint: URL, clientID: String, signUpClientID: String? = nil, flow: Flow = .discover) {
        self.endpoint = endpoint
        self.clientID = clientID
        self.signUpClientID = signUpClientID
        self.flow = flow
        maxAttempts = 3
        maxResends = 2
        refreshMargin = 300
        timeout = 15
    }
}
