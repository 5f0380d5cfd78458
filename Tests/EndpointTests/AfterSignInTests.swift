import Foundation
import JSON
import Testing

@testable import CognitoEndpoint
@testable import TestSupport

/// The calls an app makes after sign-in, in this process with stand-in triggers (the right code is 123456) and a
/// clock the test moves: refresh, sign-out and revocation, and what each refuses afterwards, worded as Cognito words it.
@Suite("CognitoService in-process: refresh tokens, sign-out and revocation")
struct AfterSignInTests {
    final class Pool: Sendable {
        let stand = TriggerEventTests()
        let clock = MovableClock(seconds: 1_800_000_000)
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("after-\(UUID().uuidString)").path
        let signInWithDestination: Bool
        let service: CognitoService

        init(signInWithDestination: Bool = true) throws {
            self.signInWithDestination = signInWithDestination
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
            service = try Self.service(state, signInWithDestination, stand, clock)
        }

        deinit { try? FileManager.default.removeItem(atPath: state) }

        /// A service on the same state directory, as after a restart.
        static func service(
            _ state: String, _ destination: Bool, _ stand: TriggerEventTests, _ clock: MovableClock
        ) throws -> CognitoService {
            CognitoService(
                options: .init(
                    poolID: "us-east-1_LocalPool", clientID: "client1", signUpClientID: "signup1", region: "us-east-1",
                    issuerBase: "http://127.0.0.1:1", sessionMinutes: 3),
                pool: try UserPool(statePath: state + "/users.json", signInWithDestination: destination),
                signer: try TokenSigner(keyPath: state + "/signing-key.pem"),
                triggers: Triggers(functions: [.define: stand.define, .create: stand.create, .verify: stand.verify]), clock: clock)
        }

        func restarted() throws -> CognitoService { try Self.service(state, signInWithDestination, stand, clock) }

        func call(_ operation: String, _ input: JSONValue, on service: CognitoService? = nil) -> (status: Int, body: JSONValue) {
            var headers = [("X-Amz-Target", "AWSCognitoIdentityProviderService." + operation)]
            if operation.hasPrefix("Admin") { headers.append(("Authorization", "AWS4-HMAC-SHA256 Credential=x")) }
            let response = (service ?? self.service).handle(HTTPRequest(method: "POST", path: "/", headers: headers, body: input.bytes))
            return (response.status, JSONValue.parse(response.body) ?? .null)
        }

        /// Makes the account (once) and signs it in with the right code; the answer's `AuthenticationResult`.
        @discardableResult
        func account(_ name: String) -> String? {
            let made = call("AdminCreateUser", ["UserPoolId": "us-east-1_LocalPool", "Username": .string(name)]).body["User"]?["Username"]
            // As an administrator must (docs/deploy.md): a permanent password takes it out of FORCE_CHANGE_PASSWORD.
            _ = call(
                "AdminSetUserPassword",
                ["UserPoolId": "us-east-1_LocalPool", "Username": .string(name), "Password": "Perm4nent!", "Permanent": true])
            return made?.string
        }

        func signIn(_ name: String) throws -> JSONValue {
            let first = call(
                "InitiateAuth", ["ClientId": "client1", "AuthFlow": "CUSTOM_AUTH", "AuthParameters": ["USERNAME": .string(name)]])
            let answered = call(
                "RespondToAuthChallenge",
                [
                    "ClientId": "client1", "ChallengeName": "CUSTOM_CHALLENGE", "Session": first.body["Session"] ?? .null,
                    "ChallengeResponses": ["USERNAME": first.body["ChallengeParameters"]?["USERNAME"] ?? .null, "ANSWER": "123456"],
                ])
            return try #require(answered.body["AuthenticationResult"], "\(answered.body)")
        }

        func refresh(_ token: JSONValue, flow: String = "REFRESH_TOKEN_AUTH", client: String = "client1") -> (status: Int, body: JSONValue)
        {
            call("InitiateAuth", ["ClientId": .string(client), "AuthFlow": .string(flow), "AuthParameters": ["REFRESH_TOKEN": token]])
        }

        func getUser(_ access: JSONValue?) -> (status: Int, body: JSONValue) { call("GetUser", ["AccessToken": access ?? .null]) }

        /// The claims of a token, unchecked (the test reads what the endpoint wrote).
        func claims(_ token: JSONValue?) -> JSONValue {
            let parts = (token?.string ?? "").split(separator: ".")
            guard parts.count == 3, let payload = Base64URL.decode(String(parts[1])) else { return .null }
            return JSONValue.parse(payload) ?? .null
        }
    }

    static func refused(_ answer: (status: Int, body: JSONValue), _ type: String, _ message: String) -> Bool {
        answer.status == 400 && answer.body == ["__type": .string(type), "message": .string(message)]
    }

    @Test(
        "REFRESH_TOKEN_AUTH, REFRESH_TOKEN and GetTokensFromRefreshToken: new ID and access tokens of the same sign-in, no new refresh token"
    )
    func refresh() throws {
        let pool = try Pool()
        let userName = pool.account("a@example.com")
        let result = try pool.signIn("a@example.com")
        let refreshToken = try #require(result["RefreshToken"])
        #expect(Set(result.object?.keys ?? [:].keys) == ["IdToken", "AccessToken", "RefreshToken", "ExpiresIn", "TokenType"])
        pool.clock.advance(seconds: 600)
        for flow in ["REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"] {
            let renewed = pool.refresh(refreshToken, flow: flow)
            #expect(renewed.status == 200 && renewed.body["ChallengeParameters"] == [:], "\(renewed.body)")
            let tokens = try #require(renewed.body["AuthenticationResult"])
            #expect(
                Set(tokens.object?.keys ?? [:].keys) == ["IdToken", "AccessToken", "ExpiresIn", "TokenType"],
                "no RefreshToken: rotation is off")
            for (old, new) in [(result["IdToken"], tokens["IdToken"]), (result["AccessToken"], tokens["AccessToken"])] {
                let (before, after) = (pool.claims(old), pool.claims(new))
                #expect(after["origin_jti"] == before["origin_jti"] && after["auth_time"] == before["auth_time"])
                #expect(after["iat"] == .number(1_800_000_600) && after["exp"] == .number(1_800_004_200) && after["jti"] != before["jti"])
            }
            #expect(pool.getUser(tokens["AccessToken"]).body["Username"]?.string == userName)
        }
        let viaOperation = pool.call("GetTokensFromRefreshToken", ["ClientId": "client1", "RefreshToken": refreshToken])
        #expect(viaOperation.status == 200 && viaOperation.body.object?.keys.sorted() == ["AuthenticationResult"], "\(viaOperation.body)")
        #expect(
            viaOperation.body["AuthenticationResult"]?["RefreshToken"] == nil
                && viaOperation.body["AuthenticationResult"]?["IdToken"] != nil)
    }

    @Test("a refresh token is kept as its SHA-256 in users.json (0600), never as itself, and works after a restart")
    func remembered() throws {
        let pool = try Pool()
        pool.account("a@example.com")
        let token = try #require(try pool.signIn("a@example.com")["RefreshToken"]?.string)
        var everything = ""
        for name in try FileManager.default.contentsOfDirectory(atPath: pool.state) {
            everything += (try? String(contentsOfFile: pool.state + "/" + name, encoding: .utf8)) ?? ""
        }
        #expect(!everything.contains(token), "the token itself is in the state directory")
        #expect(everything.contains(RefreshGrant.hash(token)))
        let mode = try FileManager.default.attributesOfItem(atPath: pool.state + "/users.json")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let restarted = try pool.restarted()
        let renewed = pool.call(
            "InitiateAuth", ["ClientId": "client1", "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": ["REFRESH_TOKEN": .string(token)]],
            on: restarted)
        #expect(renewed.body["AuthenticationResult"]?["AccessToken"] != nil, "\(renewed.body)")
    }

    @Test("refusals: an unknown token, another client's, an expired one, a missing REFRESH_TOKEN, flows a client does not allow")
    func refreshRefusals() throws {
        let pool = try Pool()
        pool.account("a@example.com")
        let result = try pool.signIn("a@example.com")
        let token = try #require(result["RefreshToken"])
        #expect(Self.refused(pool.refresh("bm90LWEtdG9rZW4"), "NotAuthorizedException", "Invalid Refresh Token"))
        #expect(Self.refused(pool.refresh(result["AccessToken"] ?? .null), "NotAuthorizedException", "Invalid Refresh Token"))
        // The sign-up client allows the refresh flow, and never issued this token (nor any).
        #expect(Self.refused(pool.refresh(token, client: "signup1"), "NotAuthorizedException", "Invalid Refresh Token"))
        #expect(
            Self.refused(
                pool.call("GetTokensFromRefreshToken", ["ClientId": "signup1", "RefreshToken": token]), "NotAuthorizedException",
                "Invalid Refresh Token"))
        #expect(
            Self.refused(
                pool.call("InitiateAuth", ["ClientId": "client1", "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": [:]]),
                "InvalidParameterException", "Missing required parameter REFRESH_TOKEN"))
        #expect(
            Self.refused(
                pool.call(
                    "InitiateAuth", ["ClientId": "signup1", "AuthFlow": "CUSTOM_AUTH", "AuthParameters": ["USERNAME": "a@example.com"]]),
                "InvalidParameterException", "CUSTOM_AUTH flow not enabled for this client"))
        #expect(
            Self.refused(
                pool.call(
                    "InitiateAuth", ["ClientId": "client1", "AuthFlow": "USER_SRP_AUTH", "AuthParameters": ["USERNAME": "a@example.com"]]),
                "InvalidParameterException", "USER_SRP_AUTH flow not enabled for this client"))
        #expect(
            Self.refused(
                pool.call("GetTokensFromRefreshToken", ["ClientId": "nobody", "RefreshToken": token]), "ResourceNotFoundException",
                "User pool client nobody does not exist."))
        // The access token lasts an hour, the refresh token 30 days, to the second.
        pool.clock.advance(seconds: 3599)
        #expect(pool.getUser(result["AccessToken"]).status == 200)
        pool.clock.advance(seconds: 1)
        #expect(Self.refused(pool.getUser(result["AccessToken"]), "NotAuthorizedException", "Access Token has expired"))
        #expect(Self.refused(pool.getUser(result["IdToken"]), "NotAuthorizedException", "Invalid Access Token"))
        pool.clock.advance(seconds: 30 * 86_400 - 3601)
        #expect(pool.refresh(token).status == 200)
        pool.clock.advance(seconds: 1)
        #expect(Self.refused(pool.refresh(token), "NotAuthorizedException", "Refresh Token has expired"))
    }

    @Test("GlobalSignOut: the account's access tokens and refresh tokens are refused afterwards, its next sign-in is not")
    func globalSignOut() throws {
        let pool = try Pool()
        pool.account("a@example.com")
        let first = try pool.signIn("a@example.com")
        let second = try pool.signIn("a@example.com")
        let refreshed = try #require(pool.refresh(second["RefreshToken"] ?? .null).body["AuthenticationResult"])
        #expect(pool.call("GlobalSignOut", ["AccessToken": first["AccessToken"] ?? .null]) == (200, [:]))
        for access in [first["AccessToken"], second["AccessToken"], refreshed["AccessToken"]] {
            #expect(Self.refused(pool.getUser(access), "NotAuthorizedException", "Access Token has been revoked"))
        }
        for token in [first["RefreshToken"], second["RefreshToken"]] {
            #expect(Self.refused(pool.refresh(token ?? .null), "NotAuthorizedException", "Refresh Token has been revoked"))
        }
        #expect(
            Self.refused(
                pool.call("GlobalSignOut", ["AccessToken": first["AccessToken"] ?? .null]), "NotAuthorizedException",
                "Access Token has been revoked"))
        #expect(Self.refused(pool.call("GlobalSignOut", ["AccessToken": "x.y.z"]), "NotAuthorizedException", "Invalid Access Token"))
        let again = try pool.signIn("a@example.com")
        #expect(pool.getUser(again["AccessToken"]).status == 200 && pool.refresh(again["RefreshToken"] ?? .null).status == 200)
    }

    @Test("AdminUserGlobalSignOut: every sign-in of the account it names, none of another's")
    func adminGlobalSignOut() throws {
        let pool = try Pool()
        pool.account("a@example.com")
        pool.account("b@example.com")
        let a = try pool.signIn("a@example.com")
        let b = try pool.signIn("b@example.com")
        let done = pool.call("AdminUserGlobalSignOut", ["UserPoolId": "us-east-1_LocalPool", "Username": "a@example.com"])
        #expect(done == (200, [:]), "\(done.body)")
        #expect(Self.refused(pool.getUser(a["AccessToken"]), "NotAuthorizedException", "Access Token has been revoked"))
        #expect(Self.refused(pool.refresh(a["RefreshToken"] ?? .null), "NotAuthorizedException", "Refresh Token has been revoked"))
        #expect(pool.getUser(b["AccessToken"]).status == 200 && pool.refresh(b["RefreshToken"] ?? .null).status == 200)
        #expect(
            Self.refused(
                pool.call("AdminUserGlobalSignOut", ["UserPoolId": "us-east-1_LocalPool", "Username": "nobody@example.com"]),
                "UserNotFoundException", "User does not exist."))
    }

    @Test("RevokeToken: that sign-in's refresh token and its access tokens, not the account's other sign-in; what it refuses")
    func revokeToken() throws {
        let pool = try Pool()
        pool.account("a@example.com")
        let kept = try pool.signIn("a@example.com")
        let ended = try pool.signIn("a@example.com")
        let refreshed = try #require(pool.refresh(ended["RefreshToken"] ?? .null).body["AuthenticationResult"])
        let token = ended["RefreshToken"] ?? .null
        #expect(
            Self.refused(
                pool.call("RevokeToken", ["ClientId": "client1", "Token": ended["AccessToken"] ?? .null]), "UnsupportedTokenTypeException",
                "Only refresh tokens can be revoked."))
        #expect(
            Self.refused(
                pool.call("RevokeToken", ["ClientId": "signup1", "Token": token]), "UnauthorizedException",
                "The token was not issued to this client."))
        #expect(pool.refresh(token).status == 200, "a refused revocation revokes nothing")
        #expect(pool.call("RevokeToken", ["ClientId": "client1", "Token": token]) == (200, [:]))
        #expect(pool.call("RevokeToken", ["ClientId": "client1", "Token": token]) == (200, [:]), "twice is fine")
        #expect(pool.call("RevokeToken", ["ClientId": "client1", "Token": "bm90LWEtdG9rZW4"]) == (200, [:]), "RFC 7009 §2.2")
        #expect(Self.refused(pool.refresh(token), "NotAuthorizedException", "Refresh Token has been revoked"))
        for access in [ended["AccessToken"], refreshed["AccessToken"]] {
            #expect(Self.refused(pool.getUser(access), "NotAuthorizedException", "Access Token has been revoked"))
        }
        #expect(pool.getUser(kept["AccessToken"]).status == 200 && pool.refresh(kept["RefreshToken"] ?? .null).status == 200)
        #expect(pool.call("RevokeToken", ["ClientId": "client1"]).body["__type"] == "InvalidParameterException")
    }

    @Test("an account deleted and made again under the same name gets none of the old one's sign-ins")
    func deletedAccount() throws {
        let pool = try Pool(signInWithDestination: false)
        pool.account("alice")
        let old = try pool.signIn("alice")
        #expect(pool.call("AdminDeleteUser", ["UserPoolId": "us-east-1_LocalPool", "Username": "alice"]).status == 200)
        #expect(Self.refused(pool.getUser(old["AccessToken"]), "UserNotFoundException", "User does not exist."))
        #expect(Self.refused(pool.refresh(old["RefreshToken"] ?? .null), "NotAuthorizedException", "Invalid Refresh Token"))
        pool.account("alice")
        #expect(Self.refused(pool.getUser(old["AccessToken"]), "NotAuthorizedException", "Invalid Access Token"))
        #expect(Self.refused(pool.refresh(old["RefreshToken"] ?? .null), "NotAuthorizedException", "Invalid Refresh Token"))
        #expect(pool.getUser(try pool.signIn("alice")["AccessToken"]).status == 200)
    }

    @Test("RespondToAuthChallenge needs ChallengeResponses.USERNAME, the session's own account")
    func challengeUserName() throws {
        let pool = try Pool()
        let userName = try #require(pool.account("a@example.com"))
        pool.account("b@example.com")
        let respond = { (session: JSONValue?, responses: JSONValue) in
            pool.call(
                "RespondToAuthChallenge",
                ["ClientId": "client1", "ChallengeName": "CUSTOM_CHALLENGE", "Session": session ?? .null, "ChallengeResponses": responses])
        }
        let start = {
            pool.call("InitiateAuth", ["ClientId": "client1", "AuthFlow": "CUSTOM_AUTH", "AuthParameters": ["USERNAME": "a@example.com"]])
                .body
        }
        let first = start()
        let withoutName: [JSONValue] = [
            ["ANSWER": "123456"], ["USERNAME": "", "ANSWER": "123456"],
        ]
        for responses in withoutName {
            #expect(Self.refused(respond(first["Session"], responses), "InvalidParameterException", "Missing required parameter USERNAME"))
        }
        // A number where the map holds strings is the protocol's SerializationException, checked before anything else.
        let number = respond(first["Session"], ["USERNAME": .number(7), "ANSWER": "123456"])
        #expect(number.status == 400 && number.body["__type"] == "SerializationException", "\(number.body)")
        // Refused before the session is spent: the same session then signs in.
        #expect(respond(first["Session"], ["USERNAME": .string(userName), "ANSWER": "123456"]).body["AuthenticationResult"] != nil)
        let second = start()
        #expect(
            Self.refused(
                respond(second["Session"], ["USERNAME": "b@example.com", "ANSWER": "123456"]), "NotAuthorizedException",
                "Invalid session provided for the user."))
        #expect(
            Self.refused(
                respond(second["Session"], ["USERNAME": .string(userName), "ANSWER": "123456"]), "NotAuthorizedException",
                "Incorrect username or password."), "the session was spent")
        // A name that signs in as the account (its email, in any case) is the account.
        #expect(respond(start()["Session"], ["USERNAME": "A@Example.com", "ANSWER": "123456"]).body["AuthenticationResult"] != nil)
        let unknown = pool.call(
            "InitiateAuth", ["ClientId": "client1", "AuthFlow": "CUSTOM_AUTH", "AuthParameters": ["USERNAME": "c@example.com"]]
        ).body
        #expect(respond(unknown["Session"], ["USERNAME": "c@example.com", "ANSWER": "000000"]).body["ChallengeName"] == "CUSTOM_CHALLENGE")
    }
}
