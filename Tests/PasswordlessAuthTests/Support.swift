import FoundationEssentials

@testable import PasswordlessAuth

// MARK: - Fixtures

/// The sample Cognito events in `events/`, found relative to this file.
enum Fixtures {
    /// `<package>/events`, two levels above this test folder.
    static let directory: URL = URL(filePath: #filePath)
        .deletingLastPathComponent()  // Tests/PasswordlessAuthTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // <package>
        .appending(path: "events")

    static let defineNames = [
        "define-after-channel-choice", "define-first-round", "define-lockout", "define-password-round",
        "define-retry-after-wrong-code", "define-srp-a-opening", "define-success", "define-user-not-found",
    ]
    static let createNames = [
        "create-after-channel-choice", "create-channel-choice", "create-email-first-round",
        "create-retry-after-wrong-code", "create-sms-first-round", "create-user-not-found",
    ]
    static let verifyNames = [
        "verify-correct-code", "verify-expired-code", "verify-user-not-found", "verify-wrong-code",
    ]
    static var allNames: [String] { defineNames + createNames + verifyNames }

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appending(path: name + ".json"))
    }

    static func decode<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
        try JSONDecoder().decode(type, from: data(name))
    }

    static func define(_ name: String) throws -> DefineAuthChallengeEvent { try decode(DefineAuthChallengeEvent.self, from: name) }
    static func create(_ name: String) throws -> CreateAuthChallengeEvent { try decode(CreateAuthChallengeEvent.self, from: name) }
    static func verify(_ name: String) throws -> VerifyAuthChallengeEvent { try decode(VerifyAuthChallengeEvent.self, from: name) }
}

// MARK: - JSON helpers

enum JSON {
    static func encode<T: Encodable>(_ value: T) throws -> Data { try JSONEncoder().encode(value) }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}

// MARK: - Random sources

/// SplitMix64 (Steele, Lea, Flood 2014): a small, fast, well-mixed 64-bit generator, seeded for repeatable tests.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A seeded source of words for code generation.
func seededSource(_ seed: UInt64 = 0x5EED) -> GeneratorRandomSource<SplitMix64> {
    GeneratorRandomSource(SplitMix64(seed: seed))
}

/// Gives the listed words in order and counts how many were taken; fails the test when it runs out.
final class ScriptedRandomSource: RandomSource {
    private var words: [UInt64]
    private(set) var taken = 0

    init(_ words: [UInt64]) { self.words = words }

    struct Exhausted: Error {}

    func next() throws -> UInt64 {
        guard taken < words.count else { throw Exhausted() }
        defer { taken += 1 }
        return words[taken]
    }
}

/// A source that always fails, standing in for an unavailable system generator.
final class FailingRandomSource: RandomSource {
    struct Broken: Error {}
    private(set) var calls = 0
    func next() throws -> UInt64 {
        calls += 1
        throw Broken()
    }
}

// MARK: - Common values

enum Sample {
    /// A fixed "now" for create and verify: 2023-11-14T22:13:20Z.
    static let now: Int64 = 1_700_000_000

    static let phone = "+15555550123"
    static let maskedPhone = "+*******0123"
    static let email = "alice@example.com"
    static let maskedEmail = "a***@e***.com"

    static let smsUser = ["sub": "u-1", "phone_number": phone, "phone_number_verified": "true"]
    static let emailUser = ["sub": "u-2", "email": email, "email_verified": "true"]
    static let bothUser = ["sub": "u-3", "phone_number": phone, "email": email]

    static func config(_ change: (inout PasswordlessConfiguration) -> Void = { _ in }) -> PasswordlessConfiguration {
        var config = PasswordlessConfiguration()
        change(&config)
        return config
    }

    static func customRound(_ result: Bool, _ metadata: String? = "OTP:sms:4102444800:482913") -> ChallengeResult {
        ChallengeResult(challengeName: "CUSTOM_CHALLENGE", challengeResult: result, challengeMetadata: metadata)
    }

    static let srpA = ChallengeResult(challengeName: "SRP_A", challengeResult: true, challengeMetadata: nil)
    static func choiceRound(_ result: Bool = false) -> ChallengeResult { customRound(result, "CHANNEL_CHOICE") }
}
