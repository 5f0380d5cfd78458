import Foundation
import Testing

@testable import TestSupport

/// Real and unknown users side by side through the create executable: what the caller sees must not tell them
/// apart. Console delivery, so nothing leaves the machine.
@Suite("A stranger learns nothing", .serialized)
struct StrangerTests {
    /// A create event in a file, for the executable's local mode.
    static func event(userName: String, attributes: [String: String]?) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("stranger-\(UUID().uuidString).json")
        try Data(try SampleEvents.create(userName: userName, attributes: attributes)).write(to: url)
        return url
    }

    /// The public parameters create answers with.
    static func answer(_ event: URL, _ environment: [String: String]) throws -> [String: String] {
        defer { try? FileManager.default.removeItem(at: event) }
        let run = try ExecutableTests.run(
            "create-auth-challenge", [event.path], environment: environment.merging(["OTP_DELIVERY": "console"]) { $1 })
        try #require(run.status == 0, "\(run.stderr)")
        let response = try #require(try jsonObject(Array(run.stdout.utf8))["response"] as? [String: Any])
        return try #require(response["publicChallengeParameters"] as? [String: String])
    }

    /// A mask with its letters and digits replaced, keeping case: what an observer can compare without the value.
    static func form(_ text: String?) -> String? {
        text.map { String($0.map { $0.isLowercase ? "a" : $0.isUppercase ? "A" : $0.isNumber ? "9" : $0 }) }
    }

    static let verifiedBoth = [
        "sub": "7c1d", "phone_number": "+15555550142", "phone_number_verified": "true", "email": "carol@example.com",
        "email_verified": "true",
    ]

    static let scenarios: [(String, [String: String], String, [String: String])] = [
        ("the defaults, an email typed", [:], "carol@example.com", verifiedBoth),
        ("the defaults, a phone number typed", [:], "+15555550142", verifiedBoth),
        ("OTP_CHANNELS=email with an email name", ["OTP_CHANNELS": "email"], "carol@example.com", verifiedBoth),
        ("a user with both channels in choice mode", ["OTP_CHANNEL_CHOICE": "true"], "carol@example.com", verifiedBoth),
        (
            "an upper-case name", ["OTP_CHANNELS": "email"], "CAROL@EXAMPLE.COM",
            verifiedBoth.merging(["email": "Carol@Example.com"]) { $1 }
        ),
        (
            "an unverified phone beside a verified email", ["OTP_CHANNELS": "email,sms"], "carol@example.com",
            verifiedBoth.merging(["phone_number_verified": "false"]) { $1 }
        ),
    ]

    @Test("real and unknown users get the same keys, step, channels and mask forms", arguments: scenarios.indices)
    func sideBySide(index: Int) throws {
        let (label, environment, typed, attributes) = Self.scenarios[index]
        // With email or phone as the user name, Cognito passes a real user's generated user name, not what was typed.
        let real = try Self.answer(try Self.event(userName: "7c1d0f6e-5a2b-4c3d-8e9f-0a1b2c3d4e5f", attributes: attributes), environment)
        let unknown = try Self.answer(try Self.event(userName: typed, attributes: nil), environment)
        #expect(Set(real.keys) == Set(unknown.keys), "\(label): \(real) vs \(unknown)")
        for key in ["step", "channel", "channels", "codeLength"] {
            #expect(real[key] == unknown[key], "\(label): \(key)")
        }
        for key in ["destination", "smsDestination", "emailDestination"] {
            #expect(Self.form(real[key]) == Self.form(unknown[key]), "\(label): \(key) \(real[key] ?? "-") vs \(unknown[key] ?? "-")")
        }
        // Where the caller typed the very destination shown, both show the same text.
        if typed.contains("@") && (real["channel"] == "email" || real["emailDestination"] != nil) {
            #expect(
                (real["destination"] ?? real["emailDestination"]) == (unknown["destination"] ?? unknown["emailDestination"]), "\(label)")
        }
    }

    @Test("the unverified phone gets no code: the SMS is not sent, the email is")
    func unverifiedPhone() throws {
        let attributes = Self.verifiedBoth.merging(["phone_number_verified": "false"]) { $1 }
        let event = try Self.event(userName: "carol@example.com", attributes: attributes)
        defer { try? FileManager.default.removeItem(at: event) }
        let run = try ExecutableTests.run("create-auth-challenge", [event.path], environment: ["OTP_DELIVERY": "console"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("--- email to carol@example.com ---"))
        #expect(!run.stderr.contains("--- SMS to"))
    }

    @Test("a decoy's retry and the same name's second sign-in show the same made-up destination")
    func stableDecoy() throws {
        let environment = ["HASH_KEY": "a secret only this deployment knows"]
        let first = try Self.answer(try Self.event(userName: "carol@example.com", attributes: nil), environment)
        let again = try Self.answer(try Self.event(userName: "carol@example.com", attributes: nil), environment)
        #expect(first == again)
        let otherKey = try Self.answer(
            try Self.event(userName: "carol@example.com", attributes: nil), ["HASH_KEY": "another secret, also long enough"])
        #expect(first["channel"] == otherKey["channel"])
    }
}
