import Foundation
import Testing

@testable import LambdaRuntime
@testable import MotoSupport
@testable import PasswordlessAWS
@testable import PasswordlessAuth
@testable import PasswordlessTriggers
@testable import Settings
@testable import TestSupport
@testable import passwordless_local

/// Whole sign-ins with real sending: SNS and SES requests signed with role credentials and checked by moto.
@Suite(
    "Sign-in against moto on 127.0.0.1", .serialized, .motoHarness,
    .enabled(if: MotoHarness.enabled, "python3 with moto[server] and boto3 not found (pip install 'moto[server]'); skipped"))
struct SignInWithMotoTests {
    /// Runs a sign-in whose answers are: a wrong code first, then the code moto received.
    func signIn(attributes: [String: String], userName: String, readCode: @escaping () throws -> String?) throws -> (Bool, [String]) {
        var environment = try #require(MotoHarness.current).motoEnv
        environment["SMS_MESSAGE"] = "Код {code} ✓ &=+% valid {minutes} min"
        var answers = ["000000"]
        return try MotoSignIn.run(attributes: attributes, userName: userName, environment: environment) {
            answers.isEmpty ? try readCode() : answers.removeFirst()
        }
    }

    @Test("by SMS: one text through SNS, a wrong answer, then the right code signs in")
    func bySMS() throws {
        let harness = try #require(MotoHarness.current)
        let phone = "+15555550177"
        let sent = { try harness.modelData().sns.SMS.filter { $0.phone_number == phone } }
        let (signedIn, lines) = try signIn(attributes: ["phone_number": phone, "phone_number_verified": "true"], userName: phone) {
            let messages = try sent()
            guard messages.count == 1, let match = messages[0].message.firstMatch(of: /Код (\d{6}) ✓ &=\+% valid 5 min/) else {
                throw HarnessFailure(message: "expected one SMS with the template intact, got \(messages.map(\.message))")
            }
            return String(match.1)
        }
        #expect(signedIn)
        #expect(lines.contains("verify-auth-challenge: answerCorrect=false"))
        #expect(try sent().count == 1, "the retry after a wrong answer sent nothing")
    }

    @Test("by email: one message through SES v2, then the code signs in")
    func byEmail() throws {
        let harness = try #require(MotoHarness.current)
        let address = "dana@example.com"
        let sent = { try harness.modelData().ses.Message.filter { $0.destinations.ToAddresses == [address] } }
        let (signedIn, _) = try signIn(attributes: ["email": address, "email_verified": "true"], userName: address) {
            let messages = try sent()
            guard messages.count == 1, let match = messages[0].body.firstMatch(of: /code is (\d{6})/) else {
                throw HarnessFailure(message: "expected one email, got \(messages.count)")
            }
            #expect(messages[0].subject == "Your sign-in code")
            #expect(messages[0].source == "Sign-in <\(harness.info.sender)>")
            return String(match.1)
        }
        #expect(signedIn)
        #expect(try sent().count == 1)
    }
}
