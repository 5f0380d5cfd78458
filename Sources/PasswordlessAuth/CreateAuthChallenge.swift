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

    /// What kind of round create made.
    package enum RoundKind: String, Sendable {
        /// A new code, to be sent.
        case newCode = "new code"
        /// A retry: the same code as before, nothing sent.
        case reusedCode = "reused code"
        /// The user picks a channel first; nothing sent.
        case channelChoice = "channel choice"
        /// The user is unknown or has no destination: a plausible answer, nothing sent.
        case decoy
    }

    /// What create answers, and what, if anything, to send.
    package struct Outcome: Sendable {
        /// The response to put in the event.
        package var response: CreateAuthChallengeResponse
        /// The message to deliver, or nil when nothing is sent this round.
        package var message: Message?
        /// The kind of round.
        package var kind: RoundKind
        /// The channel of the code, if the round has one.
        package var channel: Channel?
        /// The masked destination, safe to log.
        package var maskedDestination: String?
        /// Something an operator should know, for a warning in the log.
        package var warning: String?
    }

    /// Makes this round's challenge.
    /// - Parameters:
    ///   - request: the event's request.
    ///   - userName: the event's user name, used to shape a decoy answer for an unknown user.
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
        if case .code(let channel, let expiresAt, let code)? = rounds.lastCodeRound {
            return reuse(
                channel: channel, expiresAt: expiresAt, code: code, request: request, userName: userName, configuration: configuration)
        }
        let expiresAt = now + Int64(configuration.codeLifetimeSeconds)
        let choiceDone = rounds.rounds.contains(where: SignInRounds.isChannelChoice)
        let requested = request.clientMetadata?[channelMetadataKey].flatMap { Channel(rawValue: $0.lowercased()) }
        let available = configuration.channels.filter { destination(of: $0, in: request.userAttributes) != nil }
        guard !request.userNotFound, let preferred = available.first else {
            // An unknown user, or one who cannot be reached, gets the rounds a real user with every channel would.
            let warning =
                request.userNotFound
                ? nil
                : "user has no usable destination for \(configuration.channels.map(\.rawValue).joined(separator: ","))"
            if configuration.channelChoice, configuration.channels.count > 1, !choiceDone {
                var outcome = channelChoice(configuration.channels) { decoyDestination(for: $0, userName: userName) }
                outcome.kind = .decoy
                outcome.warning = warning
                return outcome
            }
            let channel = requested.flatMap { configuration.channels.contains($0) ? $0 : nil } ?? decoyChannel(userName, configuration)
            return decoy(channel: channel, userName: userName, expiresAt: expiresAt, configuration: configuration, warning: warning)
        }
        if configuration.channelChoice, available.count > 1, !choiceDone {
            return channelChoice(available) { $0.mask(destination(of: $0, in: request.userAttributes)!) }
        }
        let channel = requested.flatMap { available.contains($0) ? $0 : nil } ?? preferred
        let address = destination(of: channel, in: request.userAttributes)!
        let code = try OneTimeCode.generate(length: configuration.codeLength, using: random)
        let metadata = RoundMetadata.code(channel: channel, expiresAt: expiresAt, code: code)
        var outcome = codeRound(
            channel: channel, masked: channel.mask(address), code: code, expiresAt: expiresAt,
            metadata: metadata, configuration: configuration, kind: .newCode)
        outcome.message = message(channel: channel, address: address, code: code, configuration: configuration)
        return outcome
    }

    /// The user's destination for a channel, if the attribute holds one.
    static func destination(of channel: Channel, in attributes: [String: String]) -> String? {
        guard let value = attributes[channel.attribute]?.trimmingWhitespace(), !value.isEmpty else { return nil }
        switch channel {
        case .sms: return looksLikePhone(value) ? value : nil
        case .email: return looksLikeEmail(value) ? value : nil
        }
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
        channel: Channel, masked: String, code: String, expiresAt: Int64, metadata: RoundMetadata,
        configuration: PasswordlessConfiguration, kind: RoundKind
    ) -> Outcome {
        let publicParameters = [
            PublicKey.step: "code",
            PublicKey.channel: channel.rawValue,
            PublicKey.destination: masked,
            PublicKey.codeLength: String(configuration.codeLength),
        ]
        var privateParameters = [PrivateKey.step: "code", PrivateKey.expiresAt: String(expiresAt)]
        if !code.isEmpty { privateParameters[PrivateKey.code] = code }
        return Outcome(
            response: .init(
                publicChallengeParameters: publicParameters, privateChallengeParameters: privateParameters,
                challengeMetadata: metadata.text),
            message: nil, kind: kind, channel: channel, maskedDestination: masked, warning: nil)
    }

    private static func reuse(
        channel: Channel, expiresAt: Int64, code: String, request: CreateAuthChallengeRequest, userName: String,
        configuration: PasswordlessConfiguration
    ) -> Outcome {
        // A decoy round (no code) shows the same made-up destination again, as a real retry shows the real one.
        let address = code.isEmpty ? nil : destination(of: channel, in: request.userAttributes)
        let masked = address.map(channel.mask) ?? decoyDestination(for: channel, userName: userName)
        return codeRound(
            channel: channel, masked: masked, code: code, expiresAt: expiresAt,
            metadata: .code(channel: channel, expiresAt: expiresAt, code: code),
            configuration: configuration, kind: code.isEmpty ? .decoy : .reusedCode)
    }

    private static func channelChoice(_ channels: [Channel], masked: (Channel) -> String) -> Outcome {
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
            message: nil, kind: .channelChoice, channel: nil, maskedDestination: nil, warning: nil)
    }

    /// An answer shaped like a real code round, for a user who does not exist or cannot be reached; no answer passes it.
    private static func decoy(
        channel: Channel, userName: String, expiresAt: Int64, configuration: PasswordlessConfiguration,
        warning: String?
    ) -> Outcome {
        var outcome = codeRound(
            channel: channel, masked: decoyDestination(for: channel, userName: userName), code: "",
            expiresAt: expiresAt, metadata: .code(channel: channel, expiresAt: expiresAt, code: ""),
            configuration: configuration, kind: .decoy)
        outcome.warning = warning
        return outcome
    }

    /// The channel a decoy uses: the one the user name looks like, else the first allowed.
    static func decoyChannel(_ userName: String, _ configuration: PasswordlessConfiguration) -> Channel {
        let name = userName.trimmingWhitespace()
        if looksLikeEmail(name), configuration.channels.contains(.email) { return .email }
        if looksLikePhone(name), configuration.channels.contains(.sms) { return .sms }
        return configuration.channels[0]
    }

    /// The masked destination a decoy shows: the user name masked when it looks like one of the channel's
    /// destinations, else one derived from it, so every round for the same name shows the same.
    static func decoyDestination(for channel: Channel, userName: String) -> String {
        let name = userName.trimmingWhitespace()
        if channel == .email, looksLikeEmail(name) { return Masking.email(name) }
        if channel == .sms, looksLikePhone(name) { return Masking.phone(name) }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
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
