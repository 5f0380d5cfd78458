import Foundation
import Testing

@testable import MotoSupport
@testable import TestSupport

/// pre-sign-up and the first sign-in as executables: under a Runtime API on 127.0.0.1, and the local sign-up.
@Suite("Sign-up executables", .serialized)
struct SignUpTests {
    @Test("under a Runtime API: accepted, refused, bad and passed-through events, the process serving on")
    func preSignUpServes() throws {
        let both = try SampleEvents.bytes("pre-sign-up-phone-and-email.json")
        let external = try SampleEvents.bytes("pre-sign-up-external-provider.json")
        let function = try ServedFunction(
            try ExecutableTests.executable("pre-sign-up"),
            events: [
                .init(try SampleEvents.bytes("pre-sign-up-phone.json"), id: "phone"), .init(both, id: "both"),
                .init(Array("{oops".utf8), id: "bad"), .init(external, id: "external"),
            ],
            environment: ["OTP_REQUIRE_VERIFIED": "first-sign-in", "SMS_ALLOWED_COUNTRIES": "1", "LOG_LEVEL": "info"])
        let posts = function.waitForPosts(4)
        #expect(
            posts.map(\.path) == [
                "/2018-06-01/runtime/invocation/phone/response", "/2018-06-01/runtime/invocation/both/error",
                "/2018-06-01/runtime/invocation/bad/error", "/2018-06-01/runtime/invocation/external/response",
            ])
        let response = try #require(try jsonObject(posts[0].body)["response"] as? [String: Any])
        #expect(response["autoConfirmUser"] as? Bool == true)
        #expect(response["autoVerifyPhone"] as? Bool == false)
        #expect(posts[1].headers["lambda-runtime-function-error-type"] == "SignUpRefused")
        let refusal = try jsonObject(posts[1].body)
        #expect(refusal["errorMessage"] as? String == "Sign up with either a phone number or an email address, not both")
        #expect(!posts[1].text.contains("mallory") && !posts[1].text.contains("5555550123"))
        #expect(posts[2].headers["lambda-runtime-function-error-type"] == "InvalidEvent")
        #expect(NSDictionary(dictionary: try jsonObject(posts[3].body)) == NSDictionary(dictionary: try jsonObject(external)), "untouched")
        #expect(function.process.isRunning)
        let logs = function.stop()
        #expect(!logs.contains("mallory@example.net") && !logs.contains("+15555550123"), "\(logs)")
    }

    @Test(
        "bad configuration is posted to /runtime/init/error naming the variable",
        arguments: [
            ("pre-sign-up", "SIGNUP_EMAIL_DOMAINS", ["SIGNUP_EMAIL_DOMAINS": "not-a-domain"]),
            ("pre-sign-up", "OTP_REQUIRE_VERIFIED", ["OTP_REQUIRE_VERIFIED": "sometimes"]),
            // first-sign-in makes verify call Cognito: it needs credentials from the start.
            ("verify-auth-challenge", "AWS_ACCESS_KEY_ID", ["OTP_REQUIRE_VERIFIED": "first-sign-in"]),
        ])
    func initError(name: String, variable: String, environment: [String: String]) throws {
        let function = try ServedFunction(
            try ExecutableTests.executable(name),
            events: [.init(try SampleEvents.bytes("pre-sign-up-phone.json"), id: "never")], environment: environment)
        _ = function.waitForExit()
        let posts = function.mock.recorded
        #expect(posts.map(\.path) == ["/2018-06-01/runtime/init/error"])
        let message = try #require(try jsonObject(posts.first?.body ?? [])["errorMessage"] as? String)
        #expect(message.hasPrefix(variable + " "), "\(message)")
    }

    @Test(
        "passwordless-local --sign-up: pre-sign-up, a code to the unverified destination, then it is verified",
        arguments: [("--phone", "+15555550123", "phone_number"), ("--email", "carol@example.com", "email")])
    func localSignUp(flag: String, value: String, attribute: String) throws {
        let process = Process()
        process.executableURL = try ExecutableTests.executable("passwordless-local")
        process.arguments = ["--sign-up", flag, value]
        process.environment = ["PATH": "/usr/bin:/bin"]
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        var collected = Data()
        var code: String?
        let deadline = Date().addingTimeInterval(10)
        while code == nil && Date() < deadline {
            collected.append(err.fileHandleForReading.availableData)
            if let match = String(decoding: collected, as: UTF8.self).firstMatch(of: /code is (\d{6})/) { code = String(match.1) }
        }
        input.fileHandleForWriting.write(Data("\(try #require(code))\n".utf8))
        try input.fileHandleForWriting.close()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stdout)")
        #expect(stdout.contains("pre-sign-up: autoConfirmUser=true autoVerifyEmail=false autoVerifyPhone=false"))
        #expect(stdout.contains("(unverified)"))
        #expect(stdout.contains("AdminUpdateUserAttributes: \(attribute)_verified=true"))
        #expect(stdout.contains("Signed in"))
        let last = try #require(stdout.split(separator: "\n").last)
        #expect(last.hasPrefix("Attributes now: \(attribute)=") && last.hasSuffix("(verified)"), "\(last)")
    }

    @Test("passwordless-local --sign-up refuses a number outside SMS_ALLOWED_COUNTRIES and sends nothing")
    func localRefused() throws {
        let run = try ExecutableTests.run(
            "passwordless-local", ["--sign-up", "--phone", "+447700900123"], environment: ["SMS_ALLOWED_COUNTRIES": "1"])
        #expect(run.status == 1)
        // The sentence a malformed number gets: nothing says which countries are served.
        #expect(
            run.stdout.contains(
                "pre-sign-up: refused (SignUpRefused): The phone number must be in international form, such as +15555550123"))
        #expect(!run.stdout.contains("create-auth-challenge"))
        #expect(!run.stderr.contains("code is"))
    }
}

/// verify as Lambda runs it under first-sign-in: its own Cognito client, role credentials, moto's IAM checks.
@Suite(
    "verify marks against moto", .serialized, .motoHarness,
    .enabled(if: MotoHarness.enabled, "python3 with moto[server] and boto3 not found (pip install 'moto[server]'); skipped"))
struct VerifyMarksWithMotoTests {
    @Test("the executable marks phone_number_verified for the event's user on a right code, and nothing on a wrong one")
    func marks() throws {
        let harness = try #require(MotoHarness.current)
        _ = try harness.poolUser("served-user", attributes: ["phone_number": "+15555550123"])
        func event(_ answer: String) throws -> [UInt8] {
            var object = try jsonObject(try SampleEvents.bytes("verify-first-sign-in.json"))
            object["userPoolId"] = harness.info.userPool
            object["userName"] = "served-user"
            var request = try #require(object["request"] as? [String: Any])
            request["challengeAnswer"] = answer
            object["request"] = request
            return [UInt8](try JSONSerialization.data(withJSONObject: object))
        }
        // One process per answer, so the check after the wrong one cannot meet the right one's marking.
        func serve(_ answer: String) throws -> (Bool?, String) {
            let function = try ServedFunction(
                try ExecutableTests.executable("verify-auth-challenge"), events: [.init(try event(answer), id: answer)],
                environment: harness.motoEnv.merging(["OTP_REQUIRE_VERIFIED": "first-sign-in", "PATH": "/usr/bin:/bin"]) { $1 })
            let posts = function.waitForPosts(1)
            let response = try posts.first.map { try jsonObject($0.body)["response"] as? [String: Any] }
            return (response??["answerCorrect"] as? Bool, function.stop())
        }
        #expect(try serve("000000").0 == false)
        #expect(try harness.poolUser("served-user").attributes["phone_number_verified"] == nil)
        let (correct, logs) = try serve("482913")
        #expect(correct == true)
        #expect(try harness.poolUser("served-user").attributes["phone_number_verified"] == "true", "\(logs)")
        #expect(!logs.contains("+15555550123"))
    }
}
