import Foundation
import JSON
import Testing

@testable import CognitoEndpoint

/// Cognito's answers where apps notice, in this process with stand-in triggers (the right code is 123456, and a
/// pre-sign-up that confirms and records what it saw): input checks before any trigger, each new operation, and
/// each refusal worded as Cognito words it.
@Suite("CognitoService in-process: Cognito's answers and the operations after sign-in")
struct AnswersTests {
    final class Pool: Sendable {
        let stand = TriggerEventTests()
        let preSignUp = TriggerEventTests.Recorder { event in
            TriggerEventTests.responding(event, ["autoConfirmUser": true, "autoVerifyEmail": true, "autoVerifyPhone": false])
        }
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("answers-\(UUID().uuidString)").path
        let service: CognitoService

        init(signInWithDestination: Bool = true) throws {
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
            service = CognitoService(
                options: .init(
                    poolID: "us-east-1_LocalPool", clientID: "client1", signUpClientID: "signup1", region: "us-east-1",
                    issuerBase: "http://127.0.0.1:1", sessionMinutes: 3),
                pool: try UserPool(statePath: state + "/users.json", signInWithDestination: signInWithDestination),
                signer: try TokenSigner(keyPath: state + "/signing-key.pem"),
                triggers: Triggers(functions: [.define: stand.define, .create: stand.create, .verify: stand.verify, .preSignUp: preSignUp]))
        }

        deinit { try? FileManager.default.removeItem(atPath: state) }

        func call(_ operation: String, _ input: JSONValue) -> (status: Int, body: JSONValue) {
            var headers = [("X-Amz-Target", "AWSCognitoIdentityProviderService." + operation)]
            if operation.hasPrefix("Admin") || operation == "ListUsers" {
                headers.append(("Authorization", "AWS4-HMAC-SHA256 Credential=x"))
            }
            let response = service.handle(HTTPRequest(method: "POST", path: "/", headers: headers, body: input.bytes))
            return (response.status, JSONValue.parse(response.body) ?? .null)
        }

        func admin(_ operation: String, _ input: [String: JSONValue]) -> (status: Int, body: JSONValue) {
            call(operation, .object(input.merging(["UserPoolId": "us-east-1_LocalPool"]) { $1 }))
        }

        /// An account in FORCE_CHANGE_PASSWORD, by AdminCreateUser; its user name.
        func created(_ name: String) throws -> String {
            let made = admin("AdminCreateUser", ["Username": .string(name), "MessageAction": "SUPPRESS"])
            return try #require(made.body["User"]?["Username"]?.string, "\(made.body)")
        }

        /// An account that signs in with its code alone: made, then given a permanent password.
        func confirmed(_ name: String) throws -> String {
            let userName = try created(name)
            #expect(admin("AdminSetUserPassword", ["Username": .string(name), "Password": "Perm4nent!", "Permanent": true]).status == 200)
            return userName
        }

        /// CUSTOM_AUTH with the right code, through the user's or the admin form of the two calls.
        func signIn(_ name: String, admin: Bool = false) -> JSONValue {
            let prefix = admin ? "Admin" : ""
            var start: [String: JSONValue] = [
                "ClientId": "client1", "AuthFlow": "CUSTOM_AUTH", "AuthParameters": ["USERNAME": .string(name)],
            ]
            if admin { start["UserPoolId"] = "us-east-1_LocalPool" }
            let first = call(prefix + "InitiateAuth", .object(start)).body
            var respond: [String: JSONValue] = [
                "ClientId": "client1", "ChallengeName": "CUSTOM_CHALLENGE", "Session": first["Session"] ?? .null,
                "ChallengeResponses": ["USERNAME": first["ChallengeParameters"]?["USERNAME"] ?? .null, "ANSWER": "123456"],
            ]
            if admin { respond["UserPoolId"] = "us-east-1_LocalPool" }
            return call(prefix + "RespondToAuthChallenge", .object(respond)).body
        }

        func status(_ name: String) -> String? { admin("AdminGetUser", ["Username": .string(name)]).body["UserStatus"]?.string }
    }

    static func keys(_ value: JSONValue?) -> Set<String> { Set(value?.object?.keys.map { $0 } ?? []) }

    static func refused(_ answer: (status: Int, body: JSONValue), _ type: String, _ message: String? = nil) -> Bool {
        answer.status == 400 && answer.body["__type"]?.string == type && (message == nil || answer.body["message"]?.string == message)
    }

    @Suite("input shapes, from Cognito's API model")
    struct Shapes {
        static let shape = InputShape(
            [
                "Username": .username, "ClientId": .clientID, "Password": .password, "Session": .session, "AccessToken": .token,
                "UserPoolId": .poolID, "UserAttributes": .attributes, "ClientMetadata": .stringMap, "Permanent": .boolean,
                "MessageAction": .oneOf(["RESEND", "SUPPRESS"]),
            ], required: ["Username"])

        @Test(
            "what fits passes",
            arguments: [
                ["Username": "alice"], ["Username": "ünïcødé+tag@example.com"], ["Username": "a", "ClientId": "abc_123+x"],
                ["Username": "a", "Password": "N0-spaces!"], ["Username": "a", "Session": .string(String(repeating: "s", count: 20))],
                ["Username": "a", "AccessToken": "eyJ.abc-_=.x"], ["Username": "a", "UserPoolId": "us-east-1_AbC123"],
                ["Username": "a", "UserAttributes": [["Name": "custom:x y", "Value": ""]]],
                ["Username": "a", "ClientMetadata": ["k": "v"]],
                ["Username": "a", "Permanent": false, "MessageAction": "RESEND", "Password": .null],
            ] as [JSONValue])
        func fits(_ input: JSONValue) throws {
            try Self.shape.check(input)
        }

        @Test(
            "what does not fit is InvalidParameterException, worded as Cognito's validation errors",
            arguments: [
                ([:], "Value null at 'username' failed to satisfy constraint: Member must not be null"),
                (["Username": ""], "Value at 'username' failed to satisfy constraint: Member must have length greater than or equal to 1"),
                (["Username": .string(String(repeating: "x", count: 129))], "Member must have length less than or equal to 128"),
                (["Username": "a b"], "Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+"),
                (["Username": "a\u{0007}"], "regular expression pattern"), (["Username": "a", "ClientId": "not-a-client"], "[\\w+]+"),
                (["Username": "a", "Password": "has space"], "[\\S]+"),
                (["Username": "a", "Session": "short"], "greater than or equal to 20"),
                (["Username": "a", "AccessToken": "a b"], "[A-Za-z0-9-_=.]+"),
                (["Username": "a", "UserPoolId": "nounderscore"], "_[0-9a-zA-Z]+"),
                (["Username": "a", "UserAttributes": [["Value": "x"]]], "Value null at 'userAttributes.1.member.name'"),
                (
                    ["Username": "a", "UserAttributes": [["Name": .string(String(repeating: "n", count: 33)), "Value": "x"]]],
                    "less than or equal to 32"
                ),
                (["Username": "a", "UserAttributes": [["Name": "n", "Value": .string(String(repeating: "v", count: 2049))]]], "2048"),
                (["Username": "a", "MessageAction": "SEND"], "satisfy enum value set: [RESEND, SUPPRESS]"),
            ] as [(JSONValue, String)])
        func invalid(_ input: JSONValue, _ message: String) {
            #expect {
                try Self.shape.check(input)
            } throws: { error in
                let error = error as! CognitoError
                return error.type == "InvalidParameterException" && error.message.hasPrefix("1 validation error detected: ")
                    && error.message.contains(message)
            }
        }

        @Test(
            "a member of the wrong JSON type is SerializationException",
            arguments: [
                ["Username": .number(7)], ["Username": ["a"]], ["Username": "a", "Permanent": "true"],
                ["Username": "a", "ClientMetadata": ["k": .number(1)]],
                ["Username": "a", "UserAttributes": ["Name"]], ["Username": "a", "UserAttributes": [["Name": "n", "Value": .number(1)]]],
                ["Username": "a", "MessageAction": .number(1)], ["Username": "a", "Session": .number(1e300)],
            ] as [JSONValue])
        func wrongType(_ input: JSONValue) {
            #expect {
                try Self.shape.check(input)
            } throws: { error in
                (error as! CognitoError).type == "SerializationException"
            }
        }

        @Test(
            "email and phone formats",
            arguments: [
                ("a@example.com", true, "email"), ("a.b+c@sub.example.co", true, "email"), ("a@", false, "email"), ("@b", false, "email"),
                ("a@b@c", false, "email"), ("a b@example.com", false, "email"), ("+15555550100", true, "phone"), ("+44", true, "phone"),
                ("15555550100", false, "phone"), ("+0123", false, "phone"), ("+1555 555", false, "phone"),
                ("+1234567890123456", false, "phone"),
            ])
        func formats(_ text: String, _ good: Bool, _ kind: String) {
            #expect((kind == "email" ? AttributeFormat.isEmail(text) : AttributeFormat.isPhoneNumber(text)) == good)
        }

        @Test(
            "the default password policy, each failure as Cognito words it",
            arguments: [
                ("Sh0rt!", "Password not long enough"), ("UPPER-0NLY!", "Password must have lowercase characters"),
                ("lower-0nly!", "Password must have uppercase characters"), ("No-digits!", "Password must have numeric characters"),
                ("NoSymb0ls", "Password must have symbol characters"),
            ])
        func passwordPolicy(_ password: String, _ failure: String) {
            #expect(throws: Never.self) { try PasswordPolicy.check("G00d-enough") }
            #expect {
                try PasswordPolicy.check(password)
            } throws: { error in
                let error = error as! CognitoError
                return error.type == "InvalidPasswordException" && error.message == "Password did not conform with policy: " + failure
            }
        }
    }

    @Test("SignUp: Cognito's checks before pre-sign-up runs, each as Cognito words it; pre-sign-up sees none of them")
    func signUpChecks() throws {
        let pool = try Pool()
        let signUp = { (name: String, password: JSONValue, attributes: JSONValue) in
            pool.call("SignUp", ["ClientId": "signup1", "Username": .string(name), "Password": password, "UserAttributes": attributes])
        }
        #expect(Self.refused(signUp("not-an-email@", "G00d-enough", []), "InvalidParameterException", "Invalid email address format."))
        #expect(Self.refused(signUp("+1555abc", "G00d-enough", []), "InvalidParameterException", "Invalid phone number format."))
        #expect(
            Self.refused(
                signUp("bob", "G00d-enough", []), "InvalidParameterException", "Username should be either an email or a phone number."))
        #expect(Self.refused(signUp("a b@example.com", "G00d-enough", []), "InvalidParameterException"))
        #expect(Self.refused(signUp("+15555550100", "G00d-enough", [["Name": "email", "Value": "nope"]]), "InvalidParameterException"))
        #expect(Self.refused(signUp("a@example.com", "weak", []), "InvalidPasswordException"))
        #expect(Self.refused(signUp("a@example.com", .null, []), "InvalidParameterException"))
        for verified in ["email_verified", "phone_number_verified"] {
            #expect(
                Self.refused(
                    signUp("a@example.com", "G00d-enough", [["Name": .string(verified), "Value": "true"]]), "NotAuthorizedException",
                    "A client attempted to write unauthorized attribute"))
        }
        #expect(pool.preSignUp.all.isEmpty, "pre-sign-up ran for a request Cognito refuses first")
        // Accepted: pre-sign-up's autoVerifyEmail verifies the address, autoVerifyPhone false leaves none stored.
        let accepted = signUp("a@example.com", "G00d-enough", [["Name": "phone_number", "Value": "+15555550100"]])
        #expect(accepted.status == 200 && accepted.body["UserConfirmed"] == true, "\(accepted.body)")
        #expect(pool.preSignUp.all.count == 1)
        let attributes = pool.admin("AdminGetUser", ["Username": "a@example.com"]).body["UserAttributes"]
        #expect(attributes?.items?.contains(["Name": "email_verified", "Value": "true"]) == true, "\(attributes ?? .null)")
        #expect(attributes?.items?.contains { $0["Name"] == "phone_number_verified" } == false)
        // A taken address, in any case: worded for a pool that signs in by email.
        #expect(
            Self.refused(
                signUp("A@EXAMPLE.COM", "G00d-enough", []), "UsernameExistsException", "An account with the given email already exists."))
        #expect(
            Self.refused(
                signUp("+15555550100", "G00d-enough", []), "UsernameExistsException",
                "An account with the given phone_number already exists."))
    }

    @Test("SignUp in a pool that signs in by user name: a taken name is \"User already exists\"")
    func signUpTakenUserName() throws {
        let pool = try Pool(signInWithDestination: false)
        let signUp = { pool.call("SignUp", ["ClientId": "signup1", "Username": "bob", "Password": "G00d-enough"]) }
        #expect(signUp().status == 200)
        #expect(Self.refused(signUp(), "UsernameExistsException", "User already exists"))
    }

    @Test("AdminCreateUser: FORCE_CHANGE_PASSWORD, TemporaryPassword's policy, MessageAction RESEND and SUPPRESS")
    func adminCreateUser() throws {
        let pool = try Pool()
        let made = pool.admin("AdminCreateUser", ["Username": "+15555550100", "TemporaryPassword": "Temp0rary!"])
        #expect(made.status == 200 && made.body["User"]?["UserStatus"] == "FORCE_CHANGE_PASSWORD" && made.body["User"]?["Enabled"] == true)
        #expect(
            Self.keys(made.body["User"]) == ["Username", "Attributes", "UserStatus", "Enabled", "UserCreateDate", "UserLastModifiedDate"])
        #expect(
            Self.refused(
                pool.admin("AdminCreateUser", ["Username": "+15555550101", "TemporaryPassword": "weak"]), "InvalidPasswordException"))
        #expect(
            Self.refused(pool.admin("AdminCreateUser", ["Username": "+15555550102", "MessageAction": "SEND"]), "InvalidParameterException"))
        #expect(
            Self.refused(pool.admin("AdminCreateUser", ["Username": "x@"]), "InvalidParameterException", "Invalid email address format."))
        #expect(
            Self.refused(
                pool.admin("AdminCreateUser", ["Username": "+15555550100"]), "UsernameExistsException",
                "An account with the given phone_number already exists."))
        let resent = pool.admin("AdminCreateUser", ["Username": "+15555550100", "MessageAction": "RESEND"])
        #expect(resent.status == 200 && resent.body["User"]?["Username"] == made.body["User"]?["Username"])
        #expect(
            Self.refused(
                pool.admin("AdminCreateUser", ["Username": "+15555550199", "MessageAction": "RESEND"]), "UserNotFoundException",
                "User does not exist."))
        // An administrator may mark an address verified at creation.
        let verified = pool.admin(
            "AdminCreateUser",
            ["Username": "v@example.com", "MessageAction": "SUPPRESS", "UserAttributes": [["Name": "email_verified", "Value": "true"]]])
        #expect(verified.body["User"]?["Attributes"]?.items?.contains(["Name": "email_verified", "Value": "true"]) == true)
        #expect(
            pool.admin("AdminSetUserPassword", ["Username": "+15555550100", "Password": "Perm4nent!", "Permanent": true]).status == 200)
        #expect(
            Self.refused(
                pool.admin("AdminCreateUser", ["Username": "+15555550100", "MessageAction": "RESEND"]), "UnsupportedUserStateException"))
    }

    @Test("FORCE_CHANGE_PASSWORD: the custom challenge, then NEW_PASSWORD_REQUIRED; the new password confirms and signs in")
    func newPasswordRequired() throws {
        let pool = try Pool()
        let userName = try pool.created("a@example.com")
        let asked = pool.signIn("a@example.com")
        #expect(asked["ChallengeName"] == "NEW_PASSWORD_REQUIRED" && asked["AuthenticationResult"] == nil, "\(asked)")
        #expect(asked["ChallengeParameters"]?["USER_ID_FOR_SRP"]?.string == userName)
        #expect(asked["ChallengeParameters"]?["requiredAttributes"] == "[]")
        let shown = JSONValue.parse(Array((asked["ChallengeParameters"]?["userAttributes"]?.string ?? "").utf8))
        #expect(shown?["email"] == "a@example.com" && shown?["sub"] == nil)
        let respond = { (session: JSONValue?, responses: JSONValue, challenge: JSONValue) in
            pool.call(
                "RespondToAuthChallenge",
                ["ClientId": "client1", "ChallengeName": challenge, "Session": session ?? .null, "ChallengeResponses": responses])
        }
        // The session of a NEW_PASSWORD_REQUIRED is answered with it alone: as a custom challenge it is spent and refused.
        #expect(
            Self.refused(
                respond(asked["Session"], ["USERNAME": .string(userName), "ANSWER": "123456"], "CUSTOM_CHALLENGE"),
                "NotAuthorizedException", "Invalid session for the user."))
        let again = pool.signIn("a@example.com")
        #expect(
            Self.refused(
                respond(again["Session"], ["USERNAME": .string(userName)], "NEW_PASSWORD_REQUIRED"), "InvalidParameterException",
                "Invalid attributes given, new password should be given with key NEW_PASSWORD"))
        let third = pool.signIn("a@example.com")
        #expect(
            Self.refused(
                respond(third["Session"], ["USERNAME": .string(userName), "NEW_PASSWORD": "weak"], "NEW_PASSWORD_REQUIRED"),
                "InvalidPasswordException"))
        #expect(pool.status("a@example.com") == "FORCE_CHANGE_PASSWORD")
        let fourth = pool.signIn("a@example.com")
        let done = respond(fourth["Session"], ["USERNAME": .string(userName), "NEW_PASSWORD": "N3w-passw0rd!"], "NEW_PASSWORD_REQUIRED")
        #expect(done.body["AuthenticationResult"]?["RefreshToken"]?.string != nil, "\(done.body)")
        #expect(pool.status("a@example.com") == "CONFIRMED")
        #expect(pool.signIn("a@example.com")["AuthenticationResult"] != nil, "a CONFIRMED account: tokens after the code")
    }

    @Test("AdminSetUserPassword: Permanent false is FORCE_CHANGE_PASSWORD, true is CONFIRMED; the policy and an unknown user")
    func adminSetUserPassword() throws {
        let pool = try Pool()
        _ = try pool.created("a@example.com")
        let set = { (password: String, permanent: JSONValue?) in
            var input: [String: JSONValue] = ["Username": "a@example.com", "Password": .string(password)]
            if let permanent { input["Permanent"] = permanent }
            return pool.admin("AdminSetUserPassword", input)
        }
        #expect(set("Perm4nent!", true).body == [:])
        #expect(pool.status("a@example.com") == "CONFIRMED")
        #expect(set("T3mporary!", nil).status == 200)
        #expect(pool.status("a@example.com") == "FORCE_CHANGE_PASSWORD")
        #expect(Self.refused(set("short", true), "InvalidPasswordException"))
        #expect(Self.refused(set("Perm4nent!", "yes"), "SerializationException"))
        #expect(
            Self.refused(
                pool.admin("AdminSetUserPassword", ["Username": "b@example.com", "Password": "Perm4nent!"]), "UserNotFoundException",
                "User does not exist."))
    }

    @Test("GetUser answers Username and UserAttributes only; AdminGetUser its status, Enabled and dates")
    func getUserMembers() throws {
        let pool = try Pool()
        let userName = try pool.confirmed("a@example.com")
        let access = pool.signIn("a@example.com")["AuthenticationResult"]?["AccessToken"] ?? .null
        let me = pool.call("GetUser", ["AccessToken": access])
        #expect(me.status == 200 && Self.keys(me.body) == ["Username", "UserAttributes"], "\(me.body)")
        #expect(me.body["Username"]?.string == userName)
        let admin = pool.admin("AdminGetUser", ["Username": "a@example.com"]).body
        #expect(
            Self.keys(admin) == [
                "Username", "UserAttributes", "UserStatus", "Enabled", "UserCreateDate", "UserLastModifiedDate",
            ])
    }

    @Test("UpdateUserAttributes: within the sign-in client's WriteAttributes; a blank value deletes; nothing for a bad token")
    func updateUserAttributes() throws {
        let pool = try Pool()
        _ = try pool.confirmed("a@example.com")
        let access = pool.signIn("a@example.com")["AuthenticationResult"]?["AccessToken"] ?? .null
        let update = { (attributes: JSONValue) in pool.call("UpdateUserAttributes", ["AccessToken": access, "UserAttributes": attributes]) }
        let named = update([["Name": "name", "Value": "Pat"], ["Name": "locale", "Value": "en"]])
        #expect(named.status == 200 && named.body == ["CodeDeliveryDetailsList": []], "\(named.body)")
        let attributes = { pool.call("GetUser", ["AccessToken": access]).body["UserAttributes"]?.items ?? [] }
        #expect(attributes().contains(["Name": "name", "Value": "Pat"]))
        for name in ["email", "phone_number", "email_verified", "phone_number_verified", "sub", "custom:role"] {
            #expect(
                Self.refused(
                    update([["Name": .string(name), "Value": "b@example.com"]]), "NotAuthorizedException",
                    "A client attempted to write unauthorized attribute"), "\(name)")
        }
        #expect(attributes().contains(["Name": "email", "Value": "a@example.com"]), "nothing of a refused update is kept")
        #expect(update([["Name": "name", "Value": ""]]).status == 200)
        #expect(!attributes().contains { $0["Name"] == "name" })
        #expect(Self.refused(pool.call("UpdateUserAttributes", ["AccessToken": access]), "InvalidParameterException"))
        #expect(
            Self.refused(
                pool.call("UpdateUserAttributes", ["AccessToken": "not.a.token", "UserAttributes": []]), "NotAuthorizedException",
                "Invalid Access Token"))
    }

    @Test("AdminDisableUser: no sign-in, no refresh, tokens revoked, still listed; AdminEnableUser: signs in again")
    func disableAndEnable() throws {
        let pool = try Pool()
        _ = try pool.confirmed("a@example.com")
        let result = pool.signIn("a@example.com")["AuthenticationResult"] ?? .null
        #expect(pool.admin("AdminDisableUser", ["Username": "a@example.com"]).body == [:])
        let user = pool.admin("AdminGetUser", ["Username": "a@example.com"]).body
        #expect(user["Enabled"] == false && user["UserStatus"] == "CONFIRMED")
        let listed = pool.admin("ListUsers", [:]).body
        #expect(listed["Users"]?.items?.first?["Enabled"] == false, "\(listed)")
        let start: JSONValue = ["ClientId": "client1", "AuthFlow": "CUSTOM_AUTH", "AuthParameters": ["USERNAME": "a@example.com"]]
        #expect(Self.refused(pool.call("InitiateAuth", start), "NotAuthorizedException", "User is disabled."))
        let refresh: JSONValue = [
            "ClientId": "client1", "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": ["REFRESH_TOKEN": result["RefreshToken"] ?? .null],
        ]
        #expect(Self.refused(pool.call("InitiateAuth", refresh), "NotAuthorizedException", "User is disabled."))
        #expect(
            Self.refused(
                pool.call("GetTokensFromRefreshToken", ["ClientId": "client1", "RefreshToken": result["RefreshToken"] ?? .null]),
                "NotAuthorizedException", "User is disabled."))
        #expect(
            Self.refused(
                pool.call("GetUser", ["AccessToken": result["AccessToken"] ?? .null]), "NotAuthorizedException",
                "Access Token has been revoked"))
        #expect(pool.admin("AdminEnableUser", ["Username": "a@example.com"]).body == [:])
        #expect(pool.admin("AdminGetUser", ["Username": "a@example.com"]).body["Enabled"] == true)
        #expect(pool.signIn("a@example.com")["AuthenticationResult"] != nil)
        #expect(Self.refused(pool.call("InitiateAuth", refresh), "NotAuthorizedException", "Refresh Token has been revoked"))
        #expect(
            Self.refused(pool.admin("AdminDisableUser", ["Username": "b@example.com"]), "UserNotFoundException", "User does not exist."))
    }

    @Test("a disabled account mid-sign-in gets no tokens for its right code")
    func disabledMidSignIn() throws {
        let pool = try Pool()
        _ = try pool.confirmed("a@example.com")
        let first = pool.call(
            "InitiateAuth", ["ClientId": "client1", "AuthFlow": "CUSTOM_AUTH", "AuthParameters": ["USERNAME": "a@example.com"]]
        ).body
        _ = pool.admin("AdminDisableUser", ["Username": "a@example.com"])
        let answered = pool.call(
            "RespondToAuthChallenge",
            [
                "ClientId": "client1", "ChallengeName": "CUSTOM_CHALLENGE", "Session": first["Session"] ?? .null,
                "ChallengeResponses": ["USERNAME": first["ChallengeParameters"]?["USERNAME"] ?? .null, "ANSWER": "123456"],
            ])
        #expect(Self.refused(answered, "NotAuthorizedException", "User is disabled."))
    }

    @Test("DeleteUser: the account is gone and its access token with it")
    func deleteUser() throws {
        let pool = try Pool()
        _ = try pool.confirmed("a@example.com")
        let access = pool.signIn("a@example.com")["AuthenticationResult"]?["AccessToken"] ?? .null
        #expect(pool.call("DeleteUser", ["AccessToken": access]).body == [:])
        #expect(Self.refused(pool.admin("AdminGetUser", ["Username": "a@example.com"]), "UserNotFoundException", "User does not exist."))
        #expect(Self.refused(pool.call("DeleteUser", ["AccessToken": access]), "UserNotFoundException", "User does not exist."))
        #expect(Self.refused(pool.call("DeleteUser", [:]), "InvalidParameterException"))
    }

    @Test("AdminInitiateAuth and AdminRespondToAuthChallenge: the same CUSTOM_AUTH, signed, naming the pool")
    func adminSignIn() throws {
        let pool = try Pool()
        _ = try pool.confirmed("a@example.com")
        #expect(pool.signIn("a@example.com", admin: true)["AuthenticationResult"]?["AccessToken"]?.string != nil)
        // FORCE_CHANGE_PASSWORD takes the admin form through NEW_PASSWORD_REQUIRED as well.
        _ = try pool.created("b@example.com")
        #expect(pool.signIn("b@example.com", admin: true)["ChallengeName"] == "NEW_PASSWORD_REQUIRED")
        let passwordFlow: JSONValue = [
            "UserPoolId": "us-east-1_LocalPool", "ClientId": "client1", "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": ["USERNAME": "a@example.com", "PASSWORD": "Perm4nent!"],
        ]
        #expect(
            Self.refused(
                pool.call("AdminInitiateAuth", passwordFlow), "InvalidParameterException",
                "ADMIN_USER_PASSWORD_AUTH flow not enabled for this client"))
        let unsigned = pool.service.handle(
            HTTPRequest(
                method: "POST", path: "/", headers: [("X-Amz-Target", "AWSCognitoIdentityProviderService.AdminInitiateAuth")],
                body: passwordFlow.bytes))
        #expect(unsigned.status == 400 && JSONValue.parse(unsigned.body)?["__type"] == "MissingAuthenticationTokenException")
        let otherPool = pool.call(
            "AdminInitiateAuth",
            [
                "UserPoolId": "us-east-1_Other", "ClientId": "client1", "AuthFlow": "CUSTOM_AUTH",
                "AuthParameters": ["USERNAME": "a@example.com"],
            ])
        #expect(Self.refused(otherPool, "ResourceNotFoundException", "User pool us-east-1_Other does not exist."))
    }
}

extension JSONValue {
    /// The elements of an array; nil for anything else.
    var items: [JSONValue]? { if case .array(let items) = self { items } else { nil } }
}
