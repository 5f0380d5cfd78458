/// Who a round is for, as create sees them: the destinations that may receive codes, and what is counted and
/// logged in their place when there are none.
///
/// When the pool signs in with email or phone, Cognito passes an account under a generated user name with the
/// destination in its attributes, and an unknown name as typed; so a destination is taken from the attributes, else
/// from the name itself.
struct Recipient {
    /// Destinations that may receive codes: in the right form, verified when required, in an allowed country.
    let usable: [Channel: String]
    /// Destinations the attributes or the name hold, usable or not; emails in lower case.
    let known: [Channel: String]
    /// The channels the answer offers, in order of preference.
    let offered: [Channel]
    /// Whether nothing can be sent: the round is answered as a real one and sends nothing.
    var isDecoy: Bool { usable.isEmpty }
    /// Something an operator should know, for a warning in the log.
    let warning: String?
    /// What a round that knows no destination is counted by: a known destination, else the name.
    let seed: String

    init(_ request: CreateAuthChallengeRequest, userName: String, configuration: PasswordlessConfiguration) {
        var usable: [Channel: String] = [:]
        if !request.userNotFound {
            for channel in configuration.channels {
                usable[channel] = CreateAuthChallenge.usableDestination(of: channel, in: request.userAttributes, configuration)
            }
        }
        let name = userName.trimmingWhitespace().lowercased()
        var known: [Channel: String] = [:]
        for channel in Channel.allCases {
            let attribute = request.userAttributes[channel.attribute]?.trimmingWhitespace()
            known[channel] = [attribute, name].compactMap { $0 }.first { Self.looksLike(channel, $0) }
                .map { channel == .email ? $0.lowercased() : $0 }
        }
        self.usable = usable
        self.known = known
        seed = known[.email] ?? known[.sms] ?? name
        if !usable.isEmpty {
            offered = configuration.channels.filter { usable[$0] != nil }
        } else {
            // A number SMS may not go to gets no SMS round, whether an account holds it or a stranger typed it.
            let countries = configuration.smsAllowedCountries
            let reachable = configuration.channels.filter { $0 != .sms || known[.sms].map(countries.allows) ?? true }
            offered = reachable.isEmpty ? configuration.channels : reachable
        }
        warning =
            !request.userNotFound && usable.isEmpty
            ? "user has no usable destination for \(configuration.channels.map(\.rawValue).joined(separator: ","))" : nil
    }

    static func looksLike(_ channel: Channel, _ value: String) -> Bool {
        channel == .sms ? CreateAuthChallenge.looksLikePhone(value) : CreateAuthChallenge.looksLikeEmail(value)
    }

    /// The destination of a channel as the log shows it, masked: the one the code goes to, else the one the
    /// attributes or the name hold; nil when there is none.
    func logged(_ channel: Channel) -> String? {
        (usable[channel] ?? known[channel]).map { CreateAuthChallenge.mask(channel, $0) }
    }

    /// The destination a new code on `channel` counts against: the one it goes to, or for a round that sends
    /// nothing, the one it shows, so that each limit refuses a stranger and an account at the same count.
    func counted(_ channel: Channel) -> String {
        usable[channel] ?? known[channel] ?? "made-up:" + seed
    }
}
