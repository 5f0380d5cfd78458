/// Where a code goes.
public enum Channel: String, Sendable, CaseIterable {
    case sms
    case email
}

/// A channel the user may pick, with where it goes as the pool shows it (masked), when the pool says.
public struct ChannelOption: Sendable, Equatable {
    public let channel: Channel
    public let destination: String?

    public init(channel: Channel, destination: String?) {
        self.channel = channel
        self.destination = destination
    }
}

/// What the code screen needs.
public struct CodePrompt: Sendable, Equatable {
    /// Where the code went.
    public let channel: Channel
    /// The destination as the pool shows it: this project's triggers show the channel's mask only (`+**********`,
    /// `***@***`); Cognito's own one-time passwords a partly masked address.
    public let destination: String?
    /// Digits in the code, when known.
    public let codeLength: Int?
    /// Wrong codes the sign-in still takes, when the pool's limit is configured.
    public let attemptsLeft: Int?
    /// New codes the sign-in may still ask for, when the pool's limit is configured.
    public let resendsLeft: Int?
    /// Channels a resend may switch to, when the pool has said which the user has.
    public let otherChannels: [Channel]

    /// Whether `resend()` may be offered.
    public var canResend: Bool { resendsLeft.map { $0 > 0 } ?? true }
    /// Whether `resend(channel:)` with another channel may be offered.
    public var canSwitchChannel: Bool { canResend && !otherChannels.isEmpty }

    public init(
        channel: Channel, destination: String?, codeLength: Int?, attemptsLeft: Int?, resendsLeft: Int?, otherChannels: [Channel]
    ) {
        self.channel = channel
        self.destination = destination
        self.codeLength = codeLength
        self.attemptsLeft = attemptsLeft
        self.resendsLeft = resendsLeft
        self.otherChannels = otherChannels
    }
}

/// What a sign-in asks for next, or how it ended. A wrong code and the end of a sign-in are values, not errors.
public enum SignInStep: Sendable, Equatable {
    /// Ask the user which channel to send the code by; answer with `choose(_:)`.
    case chooseChannel([ChannelOption])
    /// Ask for the code; answer with `answer(_:)`, or `resend(channel:)`.
    case enterCode(CodePrompt)
    /// The code was wrong; ask again. Nothing new was sent.
    case wrongCode(CodePrompt)
    /// Signed in: the tokens are stored; `tokens()` returns them.
    case signedIn
    /// The sign-in is over without tokens; `signIn(_:)` starts a new one.
    case ended(SignInEnd)
}

/// Why a sign-in ended.
public enum SignInEnd: Sendable, Equatable {
    /// The pool's limit of wrong codes was reached.
    case tooManyWrongCodes
    /// The sign-in session (3 minutes by default) or the code expired.
    case expired
    /// No more codes may be sent in this sign-in.
    case noMoreCodes
    /// The pool ended the sign-in for another reason (for example, the account was disabled meanwhile).
    case refused
}

/// What `signUp(_:)` did.
public enum SignUpResult: Sendable, Equatable {
    /// The account was made and confirmed: sign in.
    case created
    /// An account with this phone number or email already exists: sign in exactly as for a new one.
    case alreadyExists
    /// The account was made but the pool did not confirm it (no pre-sign-up trigger confirms it): it cannot sign in
    /// until it is confirmed.
    case awaitingConfirmation
}
