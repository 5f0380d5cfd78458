/// The rules of define-auth-challenge: ask for a code, sign the user in, or fail.
package enum DefineAuthChallenge {
    /// The name of the only challenge this flow uses.
    package static let customChallenge = "CUSTOM_CHALLENGE"

    /// What define answers, with the reason for the log.
    package struct Decision: Equatable, Sendable {
        /// The response to put in the event.
        package var response: DefineAuthChallengeResponse
        /// Why, in a few words, for the log.
        package var reason: String
        /// Wrong code answers so far.
        package var failedAttempts: Int
    }

    /// Decides the next step from the rounds so far. Never throws: every session gets an answer.
    package static func decide(_ request: DefineAuthChallengeRequest, configuration: PasswordlessConfiguration) -> Decision {
        let signIn = SignInRounds(request.session)
        let rounds = signIn.rounds
        // A round answered with a request for another code is not an attempt.
        let resends = signIn.resendRequests(lastAnswerAskedForResend: ResendRequest.isRequested(request.clientMetadata))
        var failedAttempts = 0
        var choiceRounds = 0
        for (index, round) in rounds.enumerated() {
            guard round.challengeName == customChallenge else {
                return fail("unexpected challenge \(round.challengeName)", failedAttempts)
            }
            if SignInRounds.isChannelChoice(round) {
                choiceRounds += 1
            } else if !round.challengeResult && !resends.contains(index) {
                failedAttempts += 1
            }
        }
        if let last = rounds.last, last.challengeResult, !SignInRounds.isChannelChoice(last) {
            return Decision(
                response: .init(challengeName: nil, issueTokens: true, failAuthentication: false),
                reason: "code accepted", failedAttempts: failedAttempts)
        }
        if failedAttempts >= configuration.maxAttempts {
            return fail("too many wrong codes", failedAttempts)
        }
        // Create offers the choice only before the first code, so a second choice round is not ours.
        if choiceRounds > 1 {
            return fail("more than one channel choice round", failedAttempts)
        }
        return Decision(
            response: .init(challengeName: customChallenge, issueTokens: false, failAuthentication: false),
            reason: rounds.isEmpty ? "new sign-in" : resends.contains(rounds.count - 1) ? "code asked for again" : "asking again",
            failedAttempts: failedAttempts)
    }

    private static func fail(_ reason: String, _ failedAttempts: Int) -> Decision {
        Decision(
            response: .init(challengeName: nil, issueTokens: false, failAuthentication: true), reason: reason,
            failedAttempts: failedAttempts)
    }
}
