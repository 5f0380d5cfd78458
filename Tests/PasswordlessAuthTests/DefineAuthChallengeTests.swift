import Testing

@testable import PasswordlessAuth
@testable import TestSupport

@Suite("DefineAuthChallenge.decide")
struct DefineAuthChallengeTests {
    static let askAgain = DefineAuthChallengeResponse(challengeName: "CUSTOM_CHALLENGE", issueTokens: false, failAuthentication: false)
    static let signIn = DefineAuthChallengeResponse(challengeName: nil, issueTokens: true, failAuthentication: false)
    static let fail = DefineAuthChallengeResponse(challengeName: nil, issueTokens: false, failAuthentication: true)

    static func decide(_ session: [ChallengeResult], maxAttempts: Int = 3, userNotFound: Bool = false) -> DefineAuthChallenge.Decision {
        DefineAuthChallenge.decide(
            DefineAuthChallengeRequest(session: session, userNotFound: userNotFound),
            configuration: Sample.config { $0.maxAttempts = maxAttempts })
    }

    @Suite("Sample events")
    struct SampleEvents {
        enum Expected: String, Sendable { case challenge, tokens, fail }

        @Test(
            "each define fixture gets the right answer",
            arguments: [
                ("define-first-round", Expected.challenge, 0),
                ("define-srp-a-opening", .challenge, 0),
                ("define-password-round", .fail, 0),
                ("define-retry-after-wrong-code", .challenge, 1),
                ("define-lockout", .fail, 3),
                ("define-success", .tokens, 1),
                ("define-after-channel-choice", .challenge, 0),
                ("define-user-not-found", .challenge, 0),
            ])
        func fixture(name: String, expected: Expected, failedAttempts: Int) throws {
            let event = try Fixtures.define(name)
            let decision = DefineAuthChallenge.decide(event.request, configuration: PasswordlessConfiguration())
            switch expected {
            case .challenge: #expect(decision.response == DefineAuthChallengeTests.askAgain)
            case .tokens: #expect(decision.response == DefineAuthChallengeTests.signIn)
            case .fail: #expect(decision.response == DefineAuthChallengeTests.fail)
            }
            #expect(decision.failedAttempts == failedAttempts)
            #expect(!decision.reason.isEmpty)
        }
    }

    @Suite("Opening rounds")
    struct Opening {
        @Test("an empty session asks for a custom challenge, neither issuing tokens nor failing")
        func firstRound() {
            let decision = DefineAuthChallengeTests.decide([])
            #expect(decision.response.challengeName == "CUSTOM_CHALLENGE")
            #expect(decision.response.issueTokens == false)
            #expect(decision.response.failAuthentication == false)
            #expect(decision.failedAttempts == 0)
        }

        @Test("one leading SRP_A round is ignored, whatever its result")
        func leadingSRPA() {
            #expect(DefineAuthChallengeTests.decide([Sample.srpA]).response == DefineAuthChallengeTests.askAgain)
            let failedSRP = ChallengeResult(challengeName: "SRP_A", challengeResult: false)
            #expect(DefineAuthChallengeTests.decide([failedSRP]).response == DefineAuthChallengeTests.askAgain)
            // ...and is not counted as an attempt.
            #expect(DefineAuthChallengeTests.decide([failedSRP, Sample.customRound(false)], maxAttempts: 2).failedAttempts == 1)
        }

        @Test("a leading SRP_A followed by a right code issues tokens")
        func srpAThenSuccess() {
            #expect(DefineAuthChallengeTests.decide([Sample.srpA, Sample.customRound(true)]).response == DefineAuthChallengeTests.signIn)
        }

        @Test(
            "SRP_A anywhere but first fails",
            arguments: [
                [Sample.customRound(false), Sample.srpA],
                [Sample.srpA, Sample.srpA],
                [Sample.choiceRound(), Sample.srpA],
            ])
        func srpALater(session: [ChallengeResult]) {
            #expect(DefineAuthChallengeTests.decide(session).response == DefineAuthChallengeTests.fail)
        }

        @Test(
            "any round other than CUSTOM_CHALLENGE fails",
            arguments: [
                "PASSWORD_VERIFIER", "SMS_MFA", "SOFTWARE_TOKEN_MFA", "DEVICE_SRP_AUTH", "NEW_PASSWORD_REQUIRED", "custom_challenge", "",
            ])
        func foreignChallenge(name: String) {
            let round = ChallengeResult(challengeName: name, challengeResult: true)
            #expect(DefineAuthChallengeTests.decide([round]).response == DefineAuthChallengeTests.fail)
            #expect(DefineAuthChallengeTests.decide([Sample.srpA, round]).response == DefineAuthChallengeTests.fail)
            // A correct code before it does not rescue the session either.
            #expect(DefineAuthChallengeTests.decide([Sample.customRound(false), round]).response == DefineAuthChallengeTests.fail)
        }
    }

    @Suite("Code answers")
    struct CodeAnswers {
        @Test("the last code answer right issues tokens", arguments: 0...2)
        func success(wrongBefore: Int) {
            let session = Array(repeating: Sample.customRound(false), count: wrongBefore) + [Sample.customRound(true)]
            let decision = DefineAuthChallengeTests.decide(session)
            #expect(decision.response == DefineAuthChallengeTests.signIn)
            #expect(decision.failedAttempts == wrongBefore)
        }

        @Test("a wrong answer after a right one does not issue tokens")
        func rightThenWrong() {
            let decision = DefineAuthChallengeTests.decide([Sample.customRound(true), Sample.customRound(false)])
            #expect(decision.response.issueTokens == false)
            #expect(decision.response == DefineAuthChallengeTests.askAgain)
        }

        @Test("n-1 wrong answers ask again, n wrong answers fail", arguments: [1, 3, 5])
        func maxAttempts(limit: Int) {
            let belowLimit = DefineAuthChallengeTests.decide(
                Array(repeating: Sample.customRound(false), count: limit - 1), maxAttempts: limit)
            #expect(belowLimit.response == DefineAuthChallengeTests.askAgain)
            #expect(belowLimit.failedAttempts == limit - 1)

            let atLimit = DefineAuthChallengeTests.decide(Array(repeating: Sample.customRound(false), count: limit), maxAttempts: limit)
            #expect(atLimit.response == DefineAuthChallengeTests.fail)
            #expect(atLimit.failedAttempts == limit)
        }

        @Test("wrong answers for an unknown user are counted the same way")
        func unknownUserLockout() {
            let decoyRound = Sample.customRound(false, "OTP:email:4102444800:")
            #expect(DefineAuthChallengeTests.decide([], userNotFound: true).response == DefineAuthChallengeTests.askAgain)
            #expect(
                DefineAuthChallengeTests.decide([decoyRound, decoyRound], userNotFound: true).response == DefineAuthChallengeTests.askAgain)
            #expect(
                DefineAuthChallengeTests.decide([decoyRound, decoyRound, decoyRound], userNotFound: true).response
                    == DefineAuthChallengeTests.fail)
        }
    }

    @Suite("Channel choice rounds")
    struct ChannelChoice {
        @Test("a channel-choice round is not an attempt")
        func notAnAttempt() {
            let afterChoice = DefineAuthChallengeTests.decide([Sample.choiceRound()], maxAttempts: 1)
            #expect(afterChoice.response == DefineAuthChallengeTests.askAgain)
            #expect(afterChoice.failedAttempts == 0)

            let oneWrong = DefineAuthChallengeTests.decide([Sample.choiceRound(), Sample.customRound(false)], maxAttempts: 2)
            #expect(oneWrong.response == DefineAuthChallengeTests.askAgain)
            #expect(oneWrong.failedAttempts == 1)

            let limit = DefineAuthChallengeTests.decide([Sample.choiceRound(), Sample.customRound(false)], maxAttempts: 1)
            #expect(limit.response == DefineAuthChallengeTests.fail)
        }

        @Test("a choice round then a right code issues tokens")
        func choiceThenCode() {
            let session = [
                Sample.srpA, Sample.choiceRound(), Sample.customRound(false, "OTP:email:4102444800:123456"),
                Sample.customRound(true, "OTP:email:4102444800:123456"),
            ]
            let decision = DefineAuthChallengeTests.decide(session)
            #expect(decision.response == DefineAuthChallengeTests.signIn)
            #expect(decision.failedAttempts == 1)
        }

        @Test("two choice rounds fail")
        func twoChoices() {
            #expect(
                DefineAuthChallengeTests.decide([Sample.choiceRound(), Sample.choiceRound()]).response == DefineAuthChallengeTests.fail)
            #expect(
                DefineAuthChallengeTests.decide([Sample.choiceRound(), Sample.customRound(false), Sample.choiceRound()]).response
                    == DefineAuthChallengeTests.fail)
        }

        @Test("a choice round answered 'correctly' does not issue tokens")
        func choiceResultTrue() {
            let decision = DefineAuthChallengeTests.decide([Sample.choiceRound(true)])
            #expect(decision.response.issueTokens == false)
            #expect(decision.response == DefineAuthChallengeTests.askAgain)
        }

        @Test("metadata that only resembles CHANNEL_CHOICE is a code round and counts")
        func lookalikeMetadata() {
            let round = Sample.customRound(false, "channel_choice")
            #expect(DefineAuthChallengeTests.decide([round], maxAttempts: 1).response == DefineAuthChallengeTests.fail)
        }
    }
}
