import Foundation
import Testing

@testable import AWSClients
@testable import LambdaRuntime
@testable import MotoSupport
@testable import PasswordlessAWS
@testable import PasswordlessAuth
@testable import PasswordlessTriggers
@testable import Settings
@testable import TestSupport
@testable import passwordless_local

/// The first right code verifies: whole sign-ins whose codes go through moto's SNS and SES, and whose verify marks the
/// destination through moto's cognito-idp, signed with role credentials that IAM checks (the role may update the
/// users of one pool only).
@Suite(
    "First sign-in verifies, against moto on 127.0.0.1", .serialized, .motoHarness,
    .enabled(if: MotoHarness.enabled, "python3 with moto[server] and boto3 not found (pip install 'moto[server]'); skipped"))
struct FirstSignInWithMotoTests {
    struct SignInResult {
        var signedIn: Bool
        var lines: [String]
        var logs: [String]
        /// The user's attributes in the pool after the sign-in.
        var attributes: [String: String]
    }

    /// Creates `userName` in the pool with `attributes`, then signs in: each answer comes from `answers`, and once
    /// they run out, the code moto received (SMS or email). `beforeCode` runs just before the right code is given.
    func signIn(
        _ userName: String, attributes: [String: String], environment extra: [String: String] = [:], pool: String? = nil,
        answers: [String] = [], beforeCode: @escaping () throws -> Void = {}
    ) throws -> SignInResult {
        let harness = try #require(MotoHarness.current)
        let pool = pool ?? harness.info.userPool
        let created = try harness.poolUser(userName, attributes: attributes, pool: pool)
        let environment = harness.motoEnv.merging(["OTP_REQUIRE_VERIFIED": "first-sign-in"].merging(extra) { $1 }) { $1 }
        let sink = MemorySink()
        var answers = answers
        let (signedIn, lines) = try MotoSignIn.run(
            attributes: created.attributes, userName: userName, environment: environment,
            marker: try CognitoVerificationMarker(SettingsReader(environment)), userPool: pool, sink: sink
        ) {
            if !answers.isEmpty { return answers.removeFirst() }
            try beforeCode()
            return try Self.lastCode(to: created.attributes, harness)
        }
        let after = try harness.poolUser(userName, pool: pool).attributes
        return SignInResult(signedIn: signedIn, lines: lines, logs: sink.lines, attributes: after)
    }

    /// The code of the newest SMS to the user's phone or email to the user's address.
    static func lastCode(to attributes: [String: String], _ harness: MotoHarness) throws -> String? {
        let data = try harness.modelData()
        let texts =
            data.sns.SMS.filter { $0.phone_number == attributes["phone_number"] }.map(\.message)
            + data.ses.Message.filter { $0.destinations.ToAddresses == [attributes["email"] ?? ""] }.map(\.body)
        guard let text = texts.last, let match = text.firstMatch(of: /code is (\d{6})/) else { return nil }
        return String(match.1)
    }

    func smsCount(_ phone: String) throws -> Int {
        try #require(MotoHarness.current).modelData().sns.SMS.filter { $0.phone_number == phone }.count
    }

    @Test("a right code to an unverified phone marks phone_number_verified, and a wrong one before it marks nothing")
    func rightCodeMarksPhone() throws {
        let harness = try #require(MotoHarness.current)
        let phone = "+15555550301"
        var beforeRightCode: [String: String] = [:]
        let result = try signIn("first-phone", attributes: ["phone_number": phone], answers: ["000000"]) {
            beforeRightCode = try harness.poolUser("first-phone").attributes
        }
        #expect(result.signedIn)
        #expect(result.lines.contains("verify-auth-challenge: answerCorrect=false"))
        #expect(beforeRightCode["phone_number_verified"] == nil, "the wrong code marked nothing")
        #expect(result.attributes["phone_number_verified"] == "true")
        #expect(result.attributes["email_verified"] == nil)
        #expect(try smsCount(phone) == 1)
        let metrics = result.logs.flatMap { EMFDocument.values((try? jsonObject(Array($0.utf8))) ?? [:]).keys }
        #expect(metrics.contains("DestinationsVerified"))
        #expect(!metrics.contains("VerificationFailures"))
    }

    @Test("a sign-in by email marks the email and never the phone")
    func emailNeverMarksPhone() throws {
        let result = try signIn(
            "first-both", attributes: ["phone_number": "+15555550302", "email": "erin@example.com"],
            environment: ["OTP_CHANNELS": "email,sms"])
        #expect(result.signedIn)
        #expect(result.attributes["email_verified"] == "true")
        #expect(result.attributes["phone_number_verified"] == nil)
        #expect(try smsCount("+15555550302") == 0)
    }

    @Test("once the email is verified, first-sign-in sends nothing to the unverified phone, whatever the order")
    func verifiedEmailKeepsPhoneOut() throws {
        let result = try signIn(
            "first-verified-email",
            attributes: ["phone_number": "+15555550303", "email": "fay@example.com", "email_verified": "true"])
        #expect(result.signedIn)
        #expect(try smsCount("+15555550303") == 0)
        #expect(result.attributes["phone_number_verified"] == nil)
    }

    @Test("OTP_REQUIRE_VERIFIED=true sends nothing to an unverified phone, and nothing is marked")
    func requireVerifiedSendsNothing() throws {
        let phone = "+15555550304"
        let result = try signIn(
            "first-required", attributes: ["phone_number": phone], environment: ["OTP_REQUIRE_VERIFIED": "true"],
            answers: ["000000", "111111", "222222"])
        #expect(!result.signedIn)
        #expect(try smsCount(phone) == 0)
        #expect(result.attributes["phone_number_verified"] == nil)
    }

    @Test("a marking IAM denies is logged and counted, and the sign-in still succeeds")
    func deniedMarkingSignsIn() throws {
        let harness = try #require(MotoHarness.current)
        let phone = "+15555550305"
        let result = try signIn("first-denied", attributes: ["phone_number": phone], pool: harness.info.deniedUserPool)
        #expect(result.signedIn)
        #expect(result.attributes["phone_number_verified"] == nil)
        let failure = try #require(result.logs.first { $0.contains("destination not marked verified") })
        #expect(failure.contains("AccessDenied"), "\(failure)")
        #expect(!result.logs.joined().contains(phone), "no full phone number in the logs")
        let metrics = result.logs.flatMap { EMFDocument.values((try? jsonObject(Array($0.utf8))) ?? [:]).keys }
        #expect(metrics.contains("VerificationFailures"))
    }

    @Test("the client takes AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER over AWS_ENDPOINT_URL")
    func serviceEndpointVariable() throws {
        let harness = try #require(MotoHarness.current)
        _ = try harness.poolUser("first-endpoint", attributes: ["email": "gil@example.com"])
        var environment = harness.env(port: harness.info.refusedPort)
        environment["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"] = "http://127.0.0.1:\(harness.info.motoPort)"
        try CognitoIdentityProviderClient.live(environment).adminUpdateUserAttributes(
            userPoolID: harness.info.userPool, userName: "first-endpoint", attributes: [("email_verified", "true")],
            deadlineEpochMs: Int64(Date().timeIntervalSince1970 * 1000) + 10_000)
        #expect(try harness.poolUser("first-endpoint").attributes["email_verified"] == "true")
    }
}
