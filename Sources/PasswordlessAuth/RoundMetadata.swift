import Settings

/// What create-auth-challenge stores in a round's `challengeMetadata`, so later rounds can see it.
///
/// Cognito keeps this server-side and hands it only to the triggers, so it can carry the code:
/// a retry reuses the code and its expiry instead of sending another.
enum RoundMetadata: Equatable {
    /// A round that asked the user to pick a channel; not an attempt.
    case channelChoice
    /// A round that asked for the code. `code` is empty for a decoy round, which no answer passes. `resends` counts
    /// the codes sent again in this sign-in on the client's request, up to this round.
    case code(channel: Channel, expiresAt: Int64, code: String, resends: Int)

    static let channelChoiceText = "CHANNEL_CHOICE"
    private static let codePrefix = "OTP"

    init?(_ text: String?) {
        guard let text else { return nil }
        if text == Self.channelChoiceText {
            self = .channelChoice
            return
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        // Rounds made before resends existed have four parts.
        guard parts.count == 4 || parts.count == 5, parts[0] == Self.codePrefix,
            let channel = Channel(rawValue: String(parts[1])),
            let expiresAt = Int64(parts[2]),
            parts[3].isASCIIDigits
        else { return nil }
        var resends = 0
        if parts.count == 5 {
            guard let count = Int(parts[4]), count >= 0 else { return nil }
            resends = count
        }
        self = .code(channel: channel, expiresAt: expiresAt, code: String(parts[3]), resends: resends)
    }

    var text: String {
        switch self {
        case .channelChoice: Self.channelChoiceText
        case .code(let channel, let expiresAt, let code, let resends):
            "\(Self.codePrefix):\(channel.rawValue):\(expiresAt):\(code):\(resends)"
        }
    }

    var resends: Int {
        if case .code(_, _, _, let resends) = self { return resends }
        return 0
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

    /// The rounds whose answer asked for the code again (`clientMetadata.action` = `resend`): they are not
    /// attempts. An earlier round asked for it when the round after it counts one resend more; the newest
    /// round's answer carries the request in this event's `clientMetadata`.
    func resendRequests(lastAnswerAskedForResend: Bool) -> Set<Int> {
        var indices = Set<Int>()
        let list = Array(rounds)
        for index in list.indices where !list[index].challengeResult {
            guard case .code(_, _, _, let resends)? = RoundMetadata(list[index].challengeMetadata) else { continue }
            if index + 1 < list.count {
                if let next = RoundMetadata(list[index + 1].challengeMetadata), case .code = next, next.resends > resends {
                    indices.insert(index)
                }
            } else if lastAnswerAskedForResend {
                indices.insert(index)
            }
        }
        return indices
    }
}

/// What a client puts in `clientMetadata` to ask for another code in the same sign-in.
package enum ResendRequest {
    package static let actionKey = "action"
    package static let resendAction = "resend"

    static func isRequested(_ clientMetadata: [String: String]?) -> Bool {
        clientMetadata?[actionKey]?.trimmingWhitespace().lowercased() == resendAction
    }
}
