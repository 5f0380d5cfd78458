import Settings

/// The rules of create-auth-challenge: which channel, which code, what to send, and what the client sees.
package enum CreateAuthChallenge {
    /// Keys of `publicChallengeParameters`, which the client sees.
    package enum PublicKey {
        /// `code` when the client should ask for the code, `channel` when it should ask for a channel.
        package static let step = "step"
        /// `sms` or `email`: where the code went.
        static let channel = "channel"
        /// Where the code went, as the client may see it: the channel's hidden mask (`+**********`, `***@***`),
        /// nothing of the destination. A mask with its last digits would confirm a leaked (email, phone) pair to
        /// whoever typed the email, and Cognito does not tell a trigger which of an account's destinations was typed.
        package static let destination = "destination"
        /// How many digits the code has.
        static let codeLength = "codeLength"
        /// In a channel-choice round: the channels to pick from, e.g. `sms,email`.
        package static let channels = "channels"
        /// In a channel-choice round: a channel's hidden mask, under `<channel>Destination`.
        static func destination(of channel: Channel) -> String { channel.rawValue + "Destination" }
    }

    /// Keys of `privateChallengeParameters`, which only verify-auth-challenge sees.
    package enum PrivateKey {
        static let code = "code"
        /// When the code stops working, in seconds since 1970.
        static let expiresAt = "expiresAt"
        /// Which kind of round this is.
        package static let step = "step"
        /// The calling code of the number an SMS code went to, when the conversion brake counts it: verify counts
        /// a right answer to it as a verified code of that calling code.
        package static let callingCode = "callingCode"
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
        /// The destination masked (`+*******0123`), for the log only; the client sees the channel's hidden mask.
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
        let recipient = Recipient(request, userName: userName, configuration: configuration)
        // For the log only: the client is shown nothing of a destination (`Channel.hiddenMask`).
        let shown = { (channel: Channel) in recipient.logged(channel) ?? channel.hiddenMask }
        let finish = { (outcome: Outcome) in
            var outcome = outcome
            outcome.warning = recipient.warning
            if let channel = outcome.channel {
                FirstSignInVerification.record(&outcome, channel, recipient.usable[channel], request, configuration)
            }
            if outcome.channel == .sms, configuration.limits.hasConversionBrake,
                let callingCode = recipient.usable[.sms].flatMap(PhoneNumber.callingCode)
            {
                outcome.response.privateChallengeParameters?[PrivateKey.callingCode] = callingCode
            }
            return outcome
        }
        let requested = requestedChannel(request.clientMetadata).flatMap { recipient.offered.contains($0) ? $0 : nil }
        var resends = 0
        var channel: Channel
        if case .code(let lastChannel, let expiresAt, let code, let lastResends)? = rounds.lastCodeRound {
            guard ResendRequest.isRequested(request.clientMetadata) else {
                return finish(
                    codeRound(
                        channel: lastChannel, masked: shown(lastChannel), code: code, expiresAt: expiresAt,
                        resends: lastResends, configuration: configuration, kind: .reusedCode, isDecoy: recipient.isDecoy))
            }
            guard lastResends < configuration.maxResends else { throw .resendLimitReached }
            resends = lastResends + 1
            channel = requested ?? lastChannel
        } else {
            let choiceDone = rounds.rounds.contains(where: SignInRounds.isChannelChoice)
            if configuration.channelChoice, recipient.offered.count > 1, !choiceDone {
                return finish(channelChoice(recipient.offered, isDecoy: recipient.isDecoy))
            }
            channel = requested ?? recipient.offered[0]
        }
        let address = recipient.usable[channel]
        // A round that sends nothing stores no code, and no answer passes it.
        let code = try address == nil ? "" : OneTimeCode.generate(length: configuration.codeLength, using: random)
        var outcome = codeRound(
            channel: channel, masked: shown(channel), code: code, expiresAt: now + Int64(configuration.codeLifetimeSeconds),
            resends: resends, configuration: configuration, kind: .newCode, isDecoy: recipient.isDecoy)
        outcome.isResend = resends > 0
        outcome.limitCounters = configuration.limits.counters(
            userName: userName, delivery: (channel, recipient.counted(channel)), sends: address != nil)
        if let address { outcome.message = message(channel: channel, address: address, code: code, configuration: configuration) }
        return finish(outcome)
    }

    /// The channel `clientMetadata.channel` asks for, if it names one.
    static func requestedChannel(_ metadata: [String: String]?) -> Channel? {
        metadata?[channelMetadataKey].flatMap { Channel(rawValue: $0.trimmingWhitespace().lowercased()) }
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
            return configuration.smsAllowedCountries.allows(value) ? value : nil
        case .email:
            return looksLikeEmail(value) ? value : nil
        }
    }

    /// The masked form the client sees; emails in lower case, as Cognito compares them.
    package static func mask(_ channel: Channel, _ address: String) -> String {
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
            PublicKey.destination: channel.hiddenMask,
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

    private static func channelChoice(_ channels: [Channel], isDecoy: Bool) -> Outcome {
        var publicParameters = [
            PublicKey.step: "channel",
            PublicKey.channels: channels.map(\.rawValue).joined(separator: ","),
        ]
        for channel in channels {
            publicParameters[PublicKey.destination(of: channel)] = channel.hiddenMask
        }
        return Outcome(
            response: .init(
                publicChallengeParameters: publicParameters, privateChallengeParameters: [PrivateKey.step: "channel"],
                challengeMetadata: RoundMetadata.channelChoice.text),
            message: nil, kind: .channelChoice, isDecoy: isDecoy, isResend: false, channel: nil, maskedDestination: nil,
            limitCounters: [], warning: nil)
    }
}
