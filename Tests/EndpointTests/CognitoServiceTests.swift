import Foundation
import JSON
import Testing

@testable import CognitoEndpoint
@testable import TestSupport

/// The endpoint's service in this process, in front of the built trigger executables, with its clock in the test's
/// hands: the same rules client_test.py checks through boto3, here to the millisecond.
@Suite("CognitoService in-process: session validity and ListUsers filters")
struct CognitoServiceTests {
    /// A service with a movable clock, its functions from the build, its state in a new temporary directory.
    final class Harness: Sendable {
        let service: CognitoService
        let clock = MovableClock(seconds: 1_800_000_000)
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("endpoint-\(UUID().uuidString)").path

        init() throws {
            var arguments = EndpointCommand.Arguments()
            arguments.functions = EndpointClientTests.products.path
            arguments.state = state
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
            let clock = self.clock
            service = CognitoService(
                options: .init(
                    poolID: arguments.poolID, clientID: arguments.clientID, signUpClientID: arguments.signUpClientID, region: "us-east-1",
                    issuerBase: "http://127.0.0.1:1",
                    sessionMinutes: 3),
                pool: try UserPool(statePath: state + "/users.json", signInWithDestination: true),
                signer: try TokenSigner(keyPath: state + "/signing-key.pem"),
                triggers: try FunctionSet.start(arguments, endpointURL: "http://127.0.0.1:1", stateDirectory: state),
                clock: clock)
        }

        deinit {
            service.services.triggers.stop()
            try? FileManager.default.removeItem(atPath: state)
        }

        func advance(milliseconds: Int64) { clock.advance(milliseconds: milliseconds) }

        /// One call as a client makes it; admin calls carry a (never checked) SigV4 header.
        func call(_ operation: String, _ input: JSONValue) -> (status: Int, body: JSONValue) {
            var headers = [("X-Amz-Target", "AWSCognitoIdentityProviderService." + operation)]
            if operation.hasPrefix("Admin") || operation == "ListUsers" {
                headers.append(("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261205/us-east-1/cognito-idp/aws4_request"))
            }
            let response = service.handle(HTTPRequest(method: "POST", path: "/", headers: headers, body: input.bytes))
            return (response.status, JSONValue.parse(response.body) ?? .null)
        }

        /// Answers a challenge under its session, naming its user as every challenge response must.
        func answer(_ challenge: JSONValue, _ text: String) -> (status: Int, body: JSONValue) {
            call(
                "RespondToAuthChallenge",
                [
                    "ClientId": "passwordlesslocalclient", "ChallengeName": "CUSTOM_CHALLENGE", "Session": challenge["Session"] ?? .null,
                    "ChallengeResponses": ["USERNAME": challenge["ChallengeParameters"]?["USERNAME"] ?? .null, "ANSWER": .string(text)],
                ])
        }
    }

    @Test("ListUsers refuses a Limit that is not a whole number from 1 to 60, however large, and goes on serving")
    func listUsersLimit() throws {
        let harness = try Harness()
        for limit in [1e300, -1e300, 0, 61, 2.5, -1] {
            let answer = harness.call("ListUsers", ["UserPoolId": "us-east-1_LocalPool", "Limit": .number(limit)])
            #expect(answer.status == 400 && answer.body["__type"]?.string == "InvalidParameterException", "\(limit)")
        }
        let fine = harness.call("ListUsers", ["UserPoolId": "us-east-1_LocalPool", "Limit": .number(60)])
        #expect(fine.status == 200, "\(fine.body)")
        if case .array? = fine.body["Users"] {} else { Issue.record("no Users in \(fine.body)") }
    }

    @Test("SignUp writes only what the client's WriteAttributes allow; the sign-up client signs nobody in")
    func writeAttributes() throws {
        let harness = try Harness()
        let signUp = { (client: String, name: String, attributes: [String: String]) in
            harness.call(
                "SignUp",
                [
                    "ClientId": .string(client), "Username": .string(name), "Password": "Thr0w-away!123",
                    "UserAttributes": .array(attributes.map { ["Name": .string($0.key), "Value": .string($0.value)] }),
                ])
        }
        let unauthorized = { (answer: (status: Int, body: JSONValue)) in
            answer.status == 400 && answer.body["__type"]?.string == "NotAuthorizedException"
                && answer.body["message"]?.string == "A client attempted to write unauthorized attribute"
        }
        // The sign-in client may not write where codes go, whether sent as an attribute or as the user name.
        #expect(unauthorized(signUp("passwordlesslocalclient", "a@example.com", [:])))
        #expect(unauthorized(signUp("passwordlesslocalclient", "b@example.com", ["email": "b@example.com"])))
        // Neither client may mark anything verified.
        #expect(unauthorized(signUp("passwordlesslocalsignup", "c@example.com", ["email_verified": "true"])))
        #expect(unauthorized(signUp("passwordlesslocalsignup", "+15555550142", ["phone_number_verified": "true"])))
        let made = signUp("passwordlesslocalsignup", "d@example.com", ["name": "D"])
        #expect(made.status == 200 && made.body["UserConfirmed"]?.bool == true, "\(made.body)")
        let start = { (client: String) in
            harness.call(
                "InitiateAuth", ["ClientId": .string(client), "AuthFlow": "CUSTOM_AUTH", "AuthParameters": ["USERNAME": "d@example.com"]])
        }
        let refused = start("passwordlesslocalsignup")
        #expect(refused.status == 400 && refused.body["__type"]?.string == "InvalidParameterException")
        #expect(start("passwordlesslocalclient").body["ChallengeName"]?.string == "CUSTOM_CHALLENGE")
    }

    @Test("a token is good until 3 minutes after its own issue, to the millisecond, and a later round's token lasts from its issue")
    func sessionValidity() throws {
        let harness = try Harness()
        let made = harness.call(
            "AdminCreateUser",
            [
                "UserPoolId": "us-east-1_LocalPool", "Username": "+15555550100",
                "UserAttributes": [["Name": "phone_number_verified", "Value": "true"]],
            ])
        #expect(made.status == 200)
        let confirmed = harness.call(
            "AdminSetUserPassword",
            ["UserPoolId": "us-east-1_LocalPool", "Username": "+15555550100", "Password": "Perm4nent!", "Permanent": true])
        #expect(confirmed.status == 200)
        let start: JSONValue = [
            "ClientId": "passwordlesslocalclient", "AuthFlow": "CUSTOM_AUTH", "AuthParameters": ["USERNAME": "+15555550100"],
        ]
        let first = harness.call("InitiateAuth", start).body
        let second = harness.call("InitiateAuth", start).body
        #expect(first["Session"]?.string != nil && second["Session"]?.string != nil)
        harness.advance(milliseconds: 3 * 60_000 - 1)
        let renewed = harness.answer(first, "000000")
        #expect(renewed.status == 200 && renewed.body["ChallengeName"]?.string == "CUSTOM_CHALLENGE")
        harness.advance(milliseconds: 1)
        let expired = harness.answer(second, "000000")
        #expect(expired.status == 400 && expired.body["__type"]?.string == "NotAuthorizedException")
        #expect(expired.body["message"]?.string == "Invalid session for the user, session is expired.")
        let again = harness.answer(first, "000000")
        #expect(again.body["message"]?.string == "Incorrect username or password.", "a token works once")
        #expect(renewed.body["Session"]?.string != nil)
        harness.advance(milliseconds: 3 * 60_000 - 2)
        #expect(harness.answer(renewed.body, "000000").body["ChallengeName"]?.string == "CUSTOM_CHALLENGE")
    }

    @Test(
        "filters Cognito accepts",
        arguments: [
            ("email = \"a@example.com\"", "email", false, "a@example.com"), ("phone_number ^= \"+1555\"", "phone_number", true, "+1555"),
            ("username=\"alice\"", "username", false, "alice"),
            ("cognito:user_status = \"CONFIRMED\"", "cognito:user_status", false, "CONFIRMED"),
            ("name = \"Ann \"Q\" Lee\"", "name", false, "Ann \"Q\" Lee"),
        ])
    func filters(text: String, attribute: String, prefix: Bool, value: String) throws {
        let filter = try UserFilter(text)
        #expect(filter.attribute == attribute && filter.prefix == prefix && filter.value == value)
    }

    @Test(
        "filters Cognito refuses", arguments: ["nickname = \"x\"", "email = x", "email \"x\"", "= \"x\"", "email ~= \"x\"", "email = \"x"])
    func badFilters(text: String) {
        #expect(throws: CognitoError.self) { try UserFilter(text) }
    }
}
