@testable import PasswordlessAuth
@testable import TestSupport

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// MARK: - Fixtures

/// The sample Cognito events, decoded.
enum Fixtures {
    static let defineNames = [
        "define-after-channel-choice", "define-first-round", "define-lockout", "define-password-round",
        "define-retry-after-wrong-code", "define-srp-a-opening", "define-success", "define-user-not-found",
    ]
    static let createNames = [
        "create-after-channel-choice", "create-channel-choice", "create-email-first-round",
        "create-retry-after-wrong-code", "create-sms-first-round", "create-user-not-found",
    ]
    static let verifyNames = [
        "verify-correct-code", "verify-expired-code", "verify-first-sign-in", "verify-user-not-found", "verify-wrong-code",
    ]
    static let preSignUpNames = [
        "pre-sign-up-admin-create-user", "pre-sign-up-email", "pre-sign-up-external-provider", "pre-sign-up-phone",
        "pre-sign-up-phone-and-email",
    ]
    static var allNames: [String] { defineNames + createNames + verifyNames + preSignUpNames }

    static func data(_ name: String) throws -> Data { Data(try SampleEvents.bytes(name)) }

    static func decode<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
        try JSONDecoder().decode(type, from: data(name))
    }

    static func define(_ name: String) throws -> DefineAuthChallengeEvent { try decode(DefineAuthChallengeEvent.self, from: name) }
    static func create(_ name: String) throws -> CreateAuthChallengeEvent { try decode(CreateAuthChallengeEvent.self, from: name) }
    static func verify(_ name: String) throws -> VerifyAuthChallengeEvent { try decode(VerifyAuthChallengeEvent.self, from: name) }
    static func preSignUp(_ name: String) throws -> PreSignUpEvent { try decode(PreSignUpEvent.self, from: name) }
}

// MARK: - JSON helpers

enum JSON {
    static func encode<T: Encodable>(_ value: T) throws -> Data { try JSONEncoder().encode(value) }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}

// MARK: - Random sources

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
