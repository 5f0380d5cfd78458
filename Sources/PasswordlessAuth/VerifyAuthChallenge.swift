import Settings

/// The rules of verify-auth-challenge: is the answer the code, and is the code still valid.
package enum VerifyAuthChallenge {
    /// Why an answer was accepted or refused, for the log.
    package enum Outcome: String, Sendable {
        /// The answer matched an unexpired code.
        case correct
        /// The answer did not match.
        case wrongCode = "wrong code"
        /// The code's lifetime has passed.
        case expired
        /// The user does not exist; no answer passes.
        case userNotFound = "user not found"
        /// The round carried no usable code, e.g. a channel-choice or decoy round.
        case noCode = "no code in round"
        /// The answer asked for another code; it is never accepted.
        case resendRequested = "another code asked for"

        /// Whether the answer is accepted.
        package var isCorrect: Bool { self == .correct }
    }

    /// Checks the answer; garbled or missing parameters give a refusal, never an error.
    package static func verify(_ request: VerifyAuthChallengeRequest, now: Int64) -> Outcome {
        if ResendRequest.isRequested(request.clientMetadata) { return .resendRequested }
        if request.userNotFound { return .userNotFound }
        let parameters = request.privateChallengeParameters
        guard let code = parameters[CreateAuthChallenge.PrivateKey.code], !code.isEmpty,
            code.isASCIIDigits,
            let expiresText = parameters[CreateAuthChallenge.PrivateKey.expiresAt],
            let expiresAt = Int64(expiresText)
        else { return .noCode }
        let matches = OneTimeCode.matches(answer: request.challengeAnswer.trimmingWhitespace(), code: code)
        if now >= expiresAt { return .expired }
        return matches ? .correct : .wrongCode
    }
}
