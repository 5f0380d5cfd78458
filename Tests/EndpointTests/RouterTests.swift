import Foundation
import JSON
import Testing

@testable import CognitoEndpoint

/// The router in this process, with stand-in triggers: it maps each `X-Amz-Target` to its operation and nothing else.
@Suite("Router: X-Amz-Target to the operation")
struct RouterTests {
    let triggers = TriggerEventTests()

    func post(_ service: CognitoService, _ target: String?, _ body: [UInt8], signed: Bool = false) -> (Int, JSONValue, [(String, String)]) {
        var headers: [(String, String)] = []
        if let target { headers.append(("X-Amz-Target", target)) }
        if signed { headers.append(("Authorization", "AWS4-HMAC-SHA256 Credential=x")) }
        let response = service.handle(HTTPRequest(method: "POST", path: "/", headers: headers, body: body))
        return (response.status, JSONValue.parse(response.body) ?? .null, response.headers)
    }

    @Test(
        "an unknown, missing or foreign target is UnknownOperationException, with no body read",
        arguments: [
            "AWSCognitoIdentityProviderService.AdminFrobnicate", "AWSCognitoIdentityProviderService.", "AWSCognitoIdentityProviderService",
            "DynamoDB_20120810.GetItem", "AWSCognitoIdentityProviderService.initiateauth",
        ] as [String?] + [nil])
    func unknownTarget(target: String?) throws {
        let (service, state) = try triggers.service()
        defer { try? FileManager.default.removeItem(atPath: state) }
        let (status, body, headers) = post(service, target, Array("{}".utf8), signed: true)
        #expect(status == 400 && body == ["__type": "UnknownOperationException", "message": ""])
        #expect(headers.contains { $0 == ("x-amzn-ErrorType", "UnknownOperationException") })
    }

    @Test("the table holds each operation once under its own name")
    func table() {
        #expect(
            Set(Router.operations.keys) == [
                "InitiateAuth", "RespondToAuthChallenge", "SignUp", "GetUser", "AdminCreateUser", "AdminGetUser",
                "AdminUpdateUserAttributes", "AdminDeleteUser", "ListUsers", "GetTokensFromRefreshToken", "GlobalSignOut",
                "AdminUserGlobalSignOut", "RevokeToken", "UpdateUserAttributes", "DeleteUser", "AdminDisableUser", "AdminEnableUser",
                "AdminSetUserPassword", "AdminInitiateAuth", "AdminRespondToAuthChallenge",
            ])
        for (name, operation) in Router.operations { #expect(operation.name == name) }
        #expect(Router.operations.filter { $0.value.needsCredentials }.count == 11, "the ten admin calls and ListUsers")
    }

    @Test("each known target reaches its operation: what each answers, and what it changes")
    func eachTarget() throws {
        let (service, state) = try triggers.service()
        defer { try? FileManager.default.removeItem(atPath: state) }
        let call = { (operation: String, input: JSONValue) in
            post(service, "AWSCognitoIdentityProviderService." + operation, input.bytes, signed: true)
        }
        let pool: JSONValue = "us-east-1_LocalPool"
        let made = call("AdminCreateUser", ["UserPoolId": pool, "Username": "a@example.com"])
        let userName = try #require(made.1["User"]?["Username"]?.string, "\(made.1)")
        #expect(made.0 == 200 && made.1["User"]?["UserStatus"] == "FORCE_CHANGE_PASSWORD")
        let permanent = call(
            "AdminSetUserPassword", ["UserPoolId": pool, "Username": .string(userName), "Password": "Perm4nent!", "Permanent": true])
        #expect(permanent.0 == 200 && permanent.1 == [:])
        #expect(call("AdminGetUser", ["UserPoolId": pool, "Username": "a@example.com"]).1["Username"]?.string == userName)
        let updated = call(
            "AdminUpdateUserAttributes",
            ["UserPoolId": pool, "Username": .string(userName), "UserAttributes": [["Name": "name", "Value": "A"]]])
        #expect(updated.0 == 200 && updated.1 == [:])
        let listed = call("ListUsers", ["UserPoolId": pool, "Filter": "name = \"A\""]).1
        #expect(listed["Users"]?.arrayCount == 1, "\(listed)")
        let started = call(
            "InitiateAuth", ["ClientId": "client1", "AuthFlow": "CUSTOM_AUTH", "AuthParameters": ["USERNAME": "a@example.com"]])
        #expect(started.1["ChallengeName"] == "CUSTOM_CHALLENGE")
        let answered = call(
            "RespondToAuthChallenge",
            [
                "ClientId": "client1", "ChallengeName": "CUSTOM_CHALLENGE", "Session": started.1["Session"] ?? .null,
                "ChallengeResponses": ["USERNAME": .string(userName), "ANSWER": "123456"],
            ])
        let access = try #require(answered.1["AuthenticationResult"]?["AccessToken"]?.string, "\(answered.1)")
        #expect(call("GetUser", ["AccessToken": .string(access)]).1["Username"]?.string == userName)
        let refreshToken = answered.1["AuthenticationResult"]?["RefreshToken"] ?? .null
        let renewed = call(
            "InitiateAuth", ["ClientId": "client1", "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": ["REFRESH_TOKEN": refreshToken]])
        #expect(renewed.0 == 200 && renewed.1["AuthenticationResult"]?["AccessToken"] != nil, "\(renewed.1)")
        #expect(call("GetTokensFromRefreshToken", ["ClientId": "client1", "RefreshToken": refreshToken]).0 == 200)
        let newAccess = renewed.1["AuthenticationResult"]?["AccessToken"] ?? .null
        #expect(call("GlobalSignOut", ["AccessToken": newAccess]).1 == [:])
        #expect(call("GetUser", ["AccessToken": newAccess]).1["message"] == "Access Token has been revoked")
        #expect(call("RevokeToken", ["ClientId": "client1", "Token": refreshToken]).1 == [:])
        #expect(call("AdminUserGlobalSignOut", ["UserPoolId": pool, "Username": .string(userName)]).1 == [:])
        let signedUp = call("SignUp", ["ClientId": "signup1", "Username": "b@example.com", "Password": "Thr0w-away!123"])
        #expect(signedUp.0 == 200 && signedUp.1["UserSub"]?.string != nil, "\(signedUp.1)")
        #expect(call("AdminDeleteUser", ["UserPoolId": pool, "Username": .string(userName)]).1 == [:])
        #expect(call("AdminGetUser", ["UserPoolId": pool, "Username": .string(userName)]).1["__type"] == "UserNotFoundException")
    }

    @Test("the admin calls and ListUsers need a SigV4 Authorization and this pool; the others neither")
    func credentials() throws {
        let (service, state) = try triggers.service()
        defer { try? FileManager.default.removeItem(atPath: state) }
        for (name, operation) in Router.operations {
            let (status, body, _) = post(service, "AWSCognitoIdentityProviderService." + name, Array("{}".utf8))
            #expect(status == 400)
            #expect((body["__type"] == "MissingAuthenticationTokenException") == operation.needsCredentials, "\(name): \(body)")
            if operation.needsCredentials {
                // Every member an admin call requires, well formed: Cognito checks the input's shape before the pool.
                let otherPool: JSONValue = [
                    "UserPoolId": "us-east-1_Other", "Username": "x", "Password": "Perm4nent!", "UserAttributes": [],
                    "ClientId": "client1", "AuthFlow": "CUSTOM_AUTH", "ChallengeName": "CUSTOM_CHALLENGE",
                ]
                let other = post(service, "AWSCognitoIdentityProviderService." + name, otherPool.bytes, signed: true)
                #expect(other.1 == ["__type": "ResourceNotFoundException", "message": "User pool us-east-1_Other does not exist."])
            }
        }
    }
}

extension JSONValue {
    var arrayCount: Int? { if case .array(let items) = self { items.count } else { nil } }
}
