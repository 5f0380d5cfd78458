import Settings

/// The rules of create-auth-challenge: which channel, which code, what to send, and what the client sees.
package enum CreateAuthChallenge {
    /// Keys of `publicChallengeParameters`, which the client sees.
    package enum PublicKey {
        /// `code` when the client should ask for the code, `channel` when it should ask for a channel.
        package static let step = "step"
        /// `sms` or `email`: where the code went.
        package static let channel = "channel"
        /// The masked destination the code went to.
        package static let destination = "destination"
        /// How many digits the code has.
        package static let codeLength = "codeLength"
        /// In a channel-choice round: the channels to pick from, e.g. `sms,email`.
        package static let channels = "channels"
        /// In a channel-choice round: the masked destination of a channel, under `<channel>Destination`.
        package static func destination(of channel: Channel) -> String { channel.rawValue + "Destination" }
    }

    /// Keys of `privateChallengeParameters`, which only verify-auth-challenge sees.
    package enum PrivateKey {
        package static let code = "code"
        /// When the code stops working, in seconds since 1970.
        package static let expiresAt = "expiresAt"
        /// Which kind of round this is.
        package static let step = "step"
    }

    /// The key of `clientMetadata` that picks a channel.
    package static let channelMetadataKey = "channel"

    /// A message carrying a code, to be delivered by the caller.
    package enum Message: Equatable, Sendable {
        /// A text message.
        case sms(phoneNumber: String, text: String)
        /// An email, with an optional HTML body.
        case email(address: String, subject: String, text: String, html: String?)
    }

    /// What kind of round create made. A decoy round (`Outcome.isDecoy`) has the same kinds as a real one.
    package enum RoundKind: String, Sendable {
        /// A new code: sent, or for a decoy, the round where a real user's code would be sent.
        case newCode = "new code"
        /// A retry: the same code as before, nothing sent.
        case reusedCode = "reused code"
        /// The user picks a channel first; nothing sent.
        case channelChoice = "channel choice"
    }

    /// What create answers, and what, if anything, to send.
    package struct Outcome: Sendable {
        /// The response to put in the event.
        package var response: CreateAuthChallengeResponse
        /// The message to deliver, or nil when nothing is sent this round.
        package var message: Message?
        package var kind: RoundKind
        /// Whether the user is unknown or has no usable destination: the answer is shaped like a real user's
        /// with every allowed channel, and nothing is sent.
        package var isDecoy: Bool
        /// Whether the client asked for this code (`clientMetadata.action` = `resend`).
        package var isResend: Bool
        /// The channel of the code, if the round has one.
        package var channel: Channel?
        /// The masked destination, safe to log.
        package var maskedDestination: String?
        /// The counters of the shared limits this round counts against; empty when it makes no new code.
        package var limitCounters: [LimitCounter]
        /// Something an operator should know, for a warning in the log.
        package var warning: String?
    }

    /// Makes this round's challenge.
    /// - Parameters:
    ///   - request: the event's request.
    ///   - userName: the event's user name: the limits count by it, and it shapes a decoy answer.
    ///   - configuration: the settings.
    ///   - now: the time in seconds since 1970.
    ///   - random: the source of the code's randomness.
    package static func create(
        _ request: CreateAuthChallengeRequest, userName: String, configuration: PasswordlessConfiguration,
        now: Int64, random: any RandomSource
    ) throws(PasswordlessError) -> Outcome {
        guard request.challengeName == DefineAuthChallenge.customChallenge else {
            throw .unexpectedEvent("create-auth-challenge answers CUSTOM_CHALLENGE only, got \(request.challengeName)")
        }
        let rounds = SignInRounds(request.session)
        // The user's usable destinations, read once: none for an unknown user.
        var destinations: [Channel: String] = [:]
        if !request.userNotFound {
            for channel in configuration.channels {
                destinations[channel] = usableDestination(of: channel, in: request.userAttributes, configuration)
            }
        }
        let isDecoy = destinations.isEmpty
        // An unknown or unreachable user is answered as a real user who has every allowed channel, verified.
        let offered = isDecoy ? configuration.channels : configuration.channels.filter { destinations[$0] != nil }
        var warning: String?
        if !request.userNotFound && isDecoy {
            warning = "user has no usable destination for \(configuration.channels.map(\.rawValue).joined(separator: ","))"
        }
        let shown: (Channel) -> String = { channel in
            destinations[channel].map { mask(channel, $0) }
                ?? decoyDestination(for: channel, userName: userName, key: configuration.decoyKey)
        }
        let requested = request.clientMetadata?[channelMetadataKey].flatMap { Channel(rawValue: $0.trimmingWhitespace().lowercased()) }
        var resends = 0
        var isResend = false
        var channel: Channel
        if case .code(let lastChannel, let expiresAt, let code, let lastResends)? = rounds.lastCodeRound {
            guard ResendRequest.isRequested(request.clientMetadata) else {
                var outcome = codeRound(
                    channel: lastChannel, masked: shown(lastChannel), code: code, expiresAt: expiresAt,
                    resends: lastResends, configuration: configuration, kind: .reusedCode, isDecoy: isDecoy)
                outcome.warning = warning
                FirstSignInVerification.record(&outcome, lastChannel, destinations[lastChannel], request, configuration)
                return outcome
            }
            guard lastResends < configuration.maxResends else { throw .resendLimitReached }
            resends = lastResends + 1
            isResend = true
            channel = requested.flatMap { offered.contains($0) ? $0 : nil } ?? lastChannel
        } else {
            let choiceDone = rounds.rounds.contains(where: SignInRounds.isChannelChoice)
            if configuration.channelChoice, offered.count > 1, !choiceDone {
                var outcome = channelChoice(offered, masked: shown, isDecoy: isDecoy)
                outcome.warning = warning
                return outcome
            }
            channel = requested.flatMap { offered.contains($0) ? $0 : nil } ?? offered[0]
        }
        let expiresAt = now + Int64(configuration.codeLifetimeSeconds)
        let address = destinations[channel]
        // A decoy round stores no code, and no answer passes it.
        let code = try address == nil ? "" : OneTimeCode.generate(length: configuration.codeLength, using: random)
        var outcome = codeRound(
            channel: channel, masked: shown(channel), code: code, expiresAt: expiresAt, resends: resends,
            configuration: configuration, kind: .newCode, isDecoy: isDecoy)
        outcome.isResend = isResend
        outcome.warning = warning
        outcome.limitCounters = configuration.limits.counters(userName: userName, delivery: address.map { (channel, $0) })
        if let address { outcome.message = message(channel: channel, address: address, code: code, configuration: configuration) }
        FirstSignInVerification.record(&outcome, channel, address, request, configuration)
        return outcome
    }

    /// The user's destination for a channel, if the attribute holds one that may receive codes: in the right
    /// form, verified when that is required, and for SMS in an allowed country.
    static func usableDestination(
        of channel: Channel, in attributes: [String: String], _ configuration: PasswordlessConfiguration
    ) -> String? {
        guard let value = attributes[channel.attribute]?.trimmingWhitespace(), !value.isEmpty else { return nil }
        guard configuration.requireVerified.allowsCode(to: channel, in: attributes) else { return nil }
        switch channel {
        case .sms:
            guard looksLikePhone(value) else { return nil }
            let countries = configuration.smsAllowedCountries
            guard countries.isEmpty || countries.contains(where: { value.utf8.dropFirst().starts(with: $0.utf8) }) else { return nil }
            return value
        case .email:
            return looksLikeEmail(value) ? value : nil
        }
    }

    /// The masked form the client sees; emails in lower case, as Cognito compares them.
    static func mask(_ channel: Channel, _ address: String) -> String {
        channel.mask(channel == .email ? address.lowercased() : address)
    }

    /// E.164: a plus sign and digits.
    static func looksLikePhone(_ value: String) -> Bool {
        value.utf8.first == UInt8(ascii: "+") && value.utf8.count > 4 && value.dropFirst().isASCIIDigits
    }

    /// Something before and after one `@`, and no spaces.
    static func looksLikeEmail(_ value: String) -> Bool {
        let bytes = value.utf8
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")), at != bytes.startIndex, bytes.index(after: at) != bytes.endIndex else {
            return false
        }
        return !bytes[bytes.index(after: at)...].contains(UInt8(ascii: "@")) && !value.contains(where: \.isWhitespace)
    }

    static func message(channel: Channel, address: String, code: String, configuration: PasswordlessConfiguration) -> Message {
        let minutes = (configuration.codeLifetimeSeconds + 59) / 60
        let templates = configuration.templates
        switch channel {
        case .sms:
            return .sms(phoneNumber: address, text: MessageTemplates.render(templates.sms, code: code, minutes: minutes))
        case .email:
            return .email(
                address: address,
                subject: MessageTemplates.render(templates.emailSubject, code: code, minutes: minutes),
                text: MessageTemplates.render(templates.emailText, code: code, minutes: minutes),
                html: templates.emailHTML.map { MessageTemplates.render($0, code: code, minutes: minutes) })
        }
    }

    private static func codeRound(
        channel: Channel, masked: String, code: String, expiresAt: Int64, resends: Int,
        configuration: PasswordlessConfiguration, kind: RoundKind, isDecoy: Bool
    ) -> Outcome {
        let publicParameters = [
            PublicKey.step: "code",
            PublicKey.channel: channel.rawValue,
            PublicKey.destination: masked,
            PublicKey.codeLength: String(configuration.codeLength),
        ]
        var privateParameters = [PrivateKey.step: "code", PrivateKey.expiresAt: String(expiresAt)]
        if !code.isEmpty { privateParameters[PrivateKey.code] = code }
        let metadata = RoundMetadata.code(channel: channel, expiresAt: expiresAt, code: code, resends: resends)
        return Outcome(
            response: .init(
                publicChallengeParameters: publicParameters, privateChallengeParameters: privateParameters,
                challengeMetadata: metadata.text),
            message: nil, kind: kind, isDecoy: isDecoy, isResend: false, channel: channel, maskedDestination: masked,
            limitCounters: [], warning: nil)
    }

    private static func channelChoice(_ channels: [Channel], masked: (Channel) -> String, isDecoy: Bool) -> Outcome {
        var publicParameters = [
            PublicKey.step: "channel",
            PublicKey.channels: channels.map(\.rawValue).joined(separator: ","),
        ]
        for channel in channels {
            publicParameters[PublicKey.destination(of: channel)] = masked(channel)
        }
        return Outcome(
            response: .init(
                publicChallengeParameters: publicParameters, privateChallengeParameters: [PrivateKey.step: "channel"],
                challengeMetadata: RoundMetadata.channelChoice.text),
            message: nil, kind: .channelChoice, isDecoy: isDecoy, isResend: false, channel: nil, maskedDestination: nil,
            limitCounters: [], warning: nil)
    }

    /// The masked destination shown to an unknown user: the user name masked when it looks like one of the
    /// channel's destinations (lower case, as a real user's would be), else one made from a keyed hash of it, so
    /// every round for the same name shows the same and nobody without `HASH_KEY` can predict it.
    static func decoyDestination(for channel: Channel, userName: String, key: KeyedHash) -> String {
        let name = userName.trimmingWhitespace().lowercased()
        if channel == .email, looksLikeEmail(name) { return Masking.email(name) }
        if channel == .sms, looksLikePhone(name) { return Masking.phone(name) }
        let hash = key.hash(channel.rawValue + ":" + name)
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        switch channel {
        case .sms:
            let digits = String(hash % 10_000)
            return "+*******" + String(repeating: "0", count: 4 - digits.count) + digits
        case .email:
            return "\(letters[Int(hash % 26)])***@\(letters[Int((hash >> 8) % 26)])***.com"
        }
    }
}
