/// What create-auth-challenge stores in a round's `challengeMetadata`, so later rounds can see it.
///
/// Cognito keeps this server-side and hands it only to the triggers, so it can carry the code:
/// a retry reuses the code and its expiry instead of sending another.
enum RoundMetadata: Equatable {
    /// A round that asked the user to pick a channel; not an attempt.
    case channelChoice
    /// A round that asked for the code. `code` is empty for a decoy round, which no answer passes.
    case code(channel: Channel, expiresAt: Int64, code: String)

    static let channelChoiceText = "CHANNEL_CHOICE"
    private static let codePrefix = "OTP"

    init?(_ text: String?) {
        guard let text else { return nil }
        if text == Self.channelChoiceText {
            self = .channelChoice
            return
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == Self.codePrefix,
            let channel = Channel(rawValue: String(parts[1])),
            let expiresAt = Int64(parts[2]),
            parts[3].isASCIIDigits
        else { return nil }
        self = .code(channel: channel, expiresAt: expiresAt, code: String(parts[3]))
    }

    var text: String {
        switch self {
        case .channelChoice: Self.channelChoiceText
        case .code(let channel, let expiresAt, let code): "\(Self.codePrefix):\(channel.rawValue):\(expiresAt):\(code)"
        }
    }
}

/// The rounds of a sign-in as Cognito lists them, with the opening `SRP_A` some SDKs send left out.
struct SignInRounds {
    let rounds: ArraySlice<ChallengeResult>

    init(_ session: [ChallengeResult]) {
        // Amplify and the iOS SDKs open CUSTOM_AUTH with an SRP_A round that carries no answer of ours.
        rounds = session.first?.challengeName == "SRP_A" ? session.dropFirst() : session[...]
    }

    /// The metadata of the newest round that asked for a code.
    var lastCodeRound: RoundMetadata? {
        for round in rounds.reversed() {
            if let metadata = RoundMetadata(round.challengeMetadata), case .code = metadata { return metadata }
        }
        return nil
    }

    static func isChannelChoice(_ round: ChallengeResult) -> Bool {
        round.challengeMetadata == RoundMetadata.channelChoiceText
    }
}
