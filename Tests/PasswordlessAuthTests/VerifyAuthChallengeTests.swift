import Testing

@testable import PasswordlessAuth
@testable import TestSupport

@Suite("VerifyAuthChallenge.verify")
struct VerifyAuthChallengeTests {
    static let expiresAt: Int64 = 4_102_444_800
    static let before = expiresAt - 1

    static func verify(
        _ answer: String, _ parameters: [String: String] = ["step": "code", "code": "482913", "expiresAt": "4102444800"],
        userNotFound: Bool = false, now: Int64 = before
    ) -> VerifyAuthChallenge.Outcome {
        VerifyAuthChallenge.verify(
            VerifyAuthChallengeRequest(privateChallengeParameters: parameters, challengeAnswer: answer, userNotFound: userNotFound),
            now: now)
    }

    @Suite("Sample events")
    struct SampleEvents {
        @Test(
            "each verify fixture gets the right outcome",
            arguments: [
                ("verify-correct-code", VerifyAuthChallenge.Outcome.correct),
                ("verify-wrong-code", .wrongCode),
                ("verify-expired-code", .expired),
                ("verify-user-not-found", .userNotFound),
            ])
        func fixture(name: String, expected: VerifyAuthChallenge.Outcome) throws {
            let event = try Fixtures.verify(name)
            let outcome = VerifyAuthChallenge.verify(event.request, now: Sample.now)
            #expect(outcome == expected)
            #expect(outcome.isCorrect == (expected == .correct))
        }

        @Test("the expired fixture's code was good one second before it expired")
        func expiredFixtureBefore() throws {
            let event = try Fixtures.verify("verify-expired-code")
            #expect(VerifyAuthChallenge.verify(event.request, now: 1_699_999_999) == .correct)
        }
    }

    @Suite("Answers")
    struct Answers {
        @Test(
            "the right code is accepted with surrounding whitespace trimmed",
            arguments: [
                "482913", " 482913", "482913\n", "\t482913 \r\n", "\n\n482913\n", "\u{00A0}482913",
            ])
        func correct(answer: String) {
            #expect(verify(answer) == .correct)
        }

        @Test(
            "other answers are refused",
            arguments: [
                "482914", "48291", "4829130", "0482913", "", " ", "482 913", "４８２９１３", "482913x", "x482913", "000000", "OTP:sms:482913",
            ])
        func wrong(answer: String) {
            #expect(verify(answer) == .wrongCode)
            #expect(!verify(answer).isCorrect)
        }

        @Test("leading zeros are significant")
        func leadingZeros() {
            let parameters = ["code": "000123", "expiresAt": "4102444800"]
            #expect(verify("000123", parameters) == .correct)
            #expect(verify("123", parameters) == .wrongCode)
            #expect(verify("0123", parameters) == .wrongCode)
        }

        @Test("codes of other lengths verify against their own length", arguments: [4, 8, 10])
        func otherLengths(length: Int) {
            let code = String("9876543210".prefix(length))
            let parameters = ["code": code, "expiresAt": "4102444800"]
            #expect(verify(code, parameters) == .correct)
            #expect(verify(String(code.dropLast()), parameters) == .wrongCode)
            #expect(verify(code + "0", parameters) == .wrongCode)
        }
    }

    @Suite("Expiry")
    struct Expiry {
        @Test("a code is expired at and after expiresAt", arguments: [0, 1, 60, 86_400])
        func expired(secondsAfter: Int64) {
            #expect(verify("482913", now: expiresAt + secondsAfter) == .expired)
        }

        @Test("a code is valid before expiresAt")
        func valid() {
            #expect(verify("482913", now: expiresAt - 1) == .correct)
            #expect(verify("482913", now: 0) == .correct)
        }

        @Test("a wrong answer after expiry is refused too")
        func wrongAndExpired() {
            #expect(!verify("111111", now: expiresAt).isCorrect)
        }
    }

    @Suite("Unknown users and missing codes")
    struct NoCode {
        @Test("an unknown user is always refused, even with the right code")
        func userNotFound() {
            #expect(verify("482913", userNotFound: true) == .userNotFound)
            #expect(!verify("482913", userNotFound: true).isCorrect)
            #expect(verify("000000", ["expiresAt": "4102444800"], userNotFound: true) == .userNotFound)
        }

        @Test(
            "missing or garbled private parameters are refused",
            arguments: [
                [String: String](),
                ["expiresAt": "4102444800"],
                ["code": "", "expiresAt": "4102444800"],
                ["code": "48291a", "expiresAt": "4102444800"],
                ["code": " 482913", "expiresAt": "4102444800"],
                ["code": "４８２９１３", "expiresAt": "4102444800"],
                ["code": "482913"],
                ["code": "482913", "expiresAt": ""],
                ["code": "482913", "expiresAt": "soon"],
                ["code": "482913", "expiresAt": "4.1e9"],
                ["code": "482913", "expiresAt": "99999999999999999999999"],
                ["step": "channel"],
            ])
        func garbled(parameters: [String: String]) {
            #expect(verify("482913", parameters) == .noCode)
            #expect(verify("", parameters) == .noCode)
        }
    }

    @Suite("OneTimeCode.matches")
    struct Matches {
        @Test("equal strings match")
        func equal() {
            #expect(OneTimeCode.matches(answer: "482913", code: "482913"))
            #expect(OneTimeCode.matches(answer: "0000", code: "0000"))
        }

        @Test(
            "different strings do not",
            arguments: [
                ("482913", "482914"), ("182913", "482913"), ("48291", "482913"), ("4829131", "482913"), ("", "482913"), ("482913", ""),
                ("482913\0", "482913"), ("48291", "482910"),
            ])
        func different(answer: String, code: String) {
            #expect(!OneTimeCode.matches(answer: answer, code: code))
        }
    }
}

@Suite("OneTimeCode.matches edge cases")
struct MatchesEdgeCases {
    @Test("an empty code matches nothing, not even an empty answer")
    func emptyCode() {
        #expect(!OneTimeCode.matches(answer: "", code: ""))
        #expect(!OneTimeCode.matches(answer: "1", code: ""))
    }
}
