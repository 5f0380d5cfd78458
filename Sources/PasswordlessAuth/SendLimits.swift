import Settings

/// One counter of the shared limits: how many codes went to one identity (a user name, a destination, or every
/// SMS of the pool) in the current window.
///
/// `identity` is the plain value; a store must never write it out as it is (see `LimitStore`).
package struct LimitCounter: Equatable, Sendable {
    package enum Kind: String, Sendable, CaseIterable {
        /// Codes for one user name, decoys included.
        case user
        /// Codes to one phone number or email address, whatever the user name.
        case destination
        /// Every SMS the pool sends: a ceiling on the bill.
        case smsPool = "sms"
        /// SMS to one block of numbers (the number without its last 4 digits) per hour.
        case smsPrefix = "sms-prefix"
        /// SMS to one country calling code per hour.
        case smsCallingCode = "sms-calling-code"
        /// The conversion brake of one calling code: codes sent against codes verified.
        case smsConversion = "sms-conversion"

        /// Whether a refusal by this counter is answered as if the code were sent: limits that stop SMS pumping
        /// say nothing to the caller, so that an attacker cannot tell when a prefix or a country is closed to them,
        /// while a real user who asks again later is served.
        package var isSilent: Bool { self == .smsPrefix || self == .smsCallingCode || self == .smsConversion }
    }

    package var kind: Kind
    package var identity: String
    /// The most codes the window allows.
    package var limit: Int
    package var windowSeconds: Int
    /// How many items the count is spread over, so that writers to one busy counter (the SMS ceiling) seldom meet
    /// on one item; each shard holds its part of `limit`, and together they hold exactly `limit`.
    package var shards: Int
    /// For the conversion brake: each send adds this to a balance from which each verified code takes 100, and
    /// once `limit` codes were sent in the window a send is allowed only while the balance is at most 0 (at least
    /// `balanceWeight` percent verified). Nil for a plain count against `limit`.
    package var balanceWeight: Int?
    /// Where windows start, in seconds after multiples of `windowSeconds`: the brake keeps two windows half a
    /// window apart, so some window always holds at least the last half window's sends.
    var offsetSeconds: Int

    init(
        kind: Kind, identity: String, limit: Int, windowSeconds: Int, shards: Int = 1, balanceWeight: Int? = nil,
        offsetSeconds: Int = 0
    ) {
        self.kind = kind
        self.identity = identity
        self.limit = limit
        self.windowSeconds = windowSeconds
        self.shards = max(1, shards)
        self.balanceWeight = balanceWeight
        self.offsetSeconds = offsetSeconds
    }

    /// The part of `limit` that shard `index` (0-based) holds: the shares differ by at most one.
    package func limit(ofShard index: Int) -> Int {
        limit / shards + (index < limit % shards ? 1 : 0)
    }

    /// The start of the fixed window that holds `now` (seconds since 1970).
    package func windowStart(at now: Int64) -> Int64 {
        let window = Int64(windowSeconds)
        let since = now - Int64(offsetSeconds)
        return now - ((since % window) + window) % window
    }
}

/// What a store answers for a send: counted, or refused because one counter is at its limit.
package enum LimitDecision: Equatable, Sendable {
    case allowed
    /// Nothing was counted; `counter` is full until its window ends, `retryAfterSeconds` from now.
    case denied(counter: LimitCounter.Kind, retryAfterSeconds: Int)
    /// Nothing was counted: other writers to the same counters kept the count from landing before the deadline.
    /// The send is refused; unlike a store that cannot be reached, this says the counters are busy, so it is
    /// never taken as leave to send uncounted.
    case contended
    /// Nothing was counted: the deadline had passed before the store could try. The send is refused too.
    case outOfTime
}

/// Shared counters, such as a DynamoDB table every instance writes to.
///
/// `consume` counts one send against every counter at once, or none of them: when any counter is at its limit,
/// nothing is counted and the send is refused. Keys written to the store are keyed hashes of the identities.
package protocol LimitStore: AnyObject {
    /// - Parameters:
    ///   - counters: the counters this send counts against.
    ///   - now: seconds since 1970.
    ///   - deadlineEpochMs: when the store must have answered.
    /// - Throws: when the store cannot be reached or fails; the caller decides whether to send anyway.
    func consume(_ counters: [LimitCounter], now: Int64, deadlineEpochMs: Int64) throws -> LimitDecision

    /// Counts one verified code against conversion counters (those with a `balanceWeight`): takes 100 from each
    /// balance. Never refused.
    /// - Throws: when the store cannot be reached or fails.
    func recordVerified(_ counters: [LimitCounter], now: Int64, deadlineEpochMs: Int64) throws
}

/// The shared send limits, each per window: codes for one user name, codes to one destination, and every SMS of
/// the pool per hour.
package struct SendLimitPolicy: Sendable, Equatable {
    /// `RATE_LIMIT_WINDOW_SECONDS`, 60–86400, default 900.
    var windowSeconds = 900
    /// `MAX_CODES_PER_USER`, 1–100, default 5.
    var maxCodesPerUser = 5
    /// `MAX_CODES_PER_DESTINATION`, 1–100, default 5.
    var maxCodesPerDestination = 5
    /// `MAX_SMS_PER_HOUR`, unset by default: no ceiling.
    var maxSMSPerHour: Int? = nil
    /// `MAX_SMS_PER_PREFIX_PER_HOUR`, 1–10000, default 10: SMS to one block of numbers per hour.
    var maxSMSPerPrefixPerHour = 10
    /// `MAX_SMS_PER_CALLING_CODE_PER_HOUR`, 1–10000000, default 100: SMS to one country calling code per hour.
    var maxSMSPerCallingCodePerHour = 100
    /// `SMS_CONVERSION_MIN_PERCENT`, 0–100, default 20: the share of SMS codes to a calling code that must be
    /// verified once `conversionMinSent` went out; 0 turns the brake off.
    var conversionMinPercent = 20
    /// `SMS_CONVERSION_MIN_SENT`, 1–100000, default 20: the brake judges a calling code from this many sends.
    var conversionMinSent = 20
    /// `SMS_CONVERSION_WINDOW_SECONDS`, 600–86400, default 3600: the window the brake counts in.
    var conversionWindowSeconds = 3600

    package init() {}

    package init(_ settings: SettingsReader) throws(SettingsError) {
        windowSeconds = try settings.integer("RATE_LIMIT_WINDOW_SECONDS", in: 60...86_400) ?? windowSeconds
        maxCodesPerUser = try settings.integer("MAX_CODES_PER_USER", in: 1...100) ?? maxCodesPerUser
        maxCodesPerDestination = try settings.integer("MAX_CODES_PER_DESTINATION", in: 1...100) ?? maxCodesPerDestination
        maxSMSPerHour = try settings.integer("MAX_SMS_PER_HOUR", in: 1...10_000_000)
        maxSMSPerPrefixPerHour = try settings.integer("MAX_SMS_PER_PREFIX_PER_HOUR", in: 1...10_000) ?? maxSMSPerPrefixPerHour
        maxSMSPerCallingCodePerHour =
            try settings.integer("MAX_SMS_PER_CALLING_CODE_PER_HOUR", in: 1...10_000_000) ?? maxSMSPerCallingCodePerHour
        conversionMinPercent = try settings.integer("SMS_CONVERSION_MIN_PERCENT", in: 0...100) ?? conversionMinPercent
        conversionMinSent = try settings.integer("SMS_CONVERSION_MIN_SENT", in: 1...100_000) ?? conversionMinSent
        conversionWindowSeconds =
            try settings.integer("SMS_CONVERSION_WINDOW_SECONDS", in: 600...86_400) ?? conversionWindowSeconds
    }

    /// Items the SMS ceiling is spread over, at most: enough that unrelated sign-ins seldom write the same one.
    static let smsPoolShards = 8

    /// The counters one code counts against: its user name, its destination and, for SMS, the pool's hourly
    /// ceiling. A round that sends nothing in place of a code passes the destination it shows, so it is charged
    /// as a send would be. Identities are normalised so that one person or mailbox is one counter.
    ///
    /// A real SMS (`sends`) also counts against the pumping guard: its number's block and calling code per hour,
    /// and its calling code's conversion brake. A round that sends nothing is not charged there: it costs nothing,
    /// and charging it would let anyone close a block or a country to real users with made-up names; since the
    /// guard's refusals look like sends, what is charged says nothing to the caller.
    func counters(userName: String, delivery: (channel: Channel, address: String)?, sends: Bool = false) -> [LimitCounter] {
        var counters = [
            LimitCounter(
                kind: .user, identity: userName.trimmingWhitespace().lowercased(), limit: maxCodesPerUser,
                windowSeconds: windowSeconds)
        ]
        if let delivery {
            counters.append(
                LimitCounter(
                    kind: .destination, identity: delivery.channel.rawValue + ":" + Self.key(delivery.channel, delivery.address),
                    limit: maxCodesPerDestination, windowSeconds: windowSeconds))
            if delivery.channel == .sms, let maxSMSPerHour {
                counters.append(
                    LimitCounter(
                        kind: .smsPool, identity: "pool", limit: maxSMSPerHour, windowSeconds: 3600,
                        shards: min(Self.smsPoolShards, maxSMSPerHour)))
            }
            if delivery.channel == .sms, sends, let callingCode = PhoneNumber.callingCode(delivery.address) {
                counters.append(
                    LimitCounter(
                        kind: .smsPrefix, identity: PhoneNumber.prefix(delivery.address), limit: maxSMSPerPrefixPerHour,
                        windowSeconds: 3600))
                counters.append(
                    LimitCounter(
                        kind: .smsCallingCode, identity: callingCode, limit: maxSMSPerCallingCodePerHour, windowSeconds: 3600,
                        shards: min(Self.smsPoolShards, maxSMSPerCallingCodePerHour)))
                counters += conversionCounters(callingCode: callingCode)
            }
        }
        return counters
    }

    /// The conversion brake of one calling code: two windows of `conversionWindowSeconds`, half a window apart,
    /// each refusing once it holds `conversionMinSent` sends with fewer than `conversionMinPercent` percent
    /// verified. Empty when the brake is off. verify passes the same counters to `recordVerified`.
    package func conversionCounters(callingCode: String) -> [LimitCounter] {
        guard conversionMinPercent > 0 else { return [] }
        return [0, conversionWindowSeconds / 2].map { offset in
            LimitCounter(
                kind: .smsConversion, identity: callingCode, limit: conversionMinSent, windowSeconds: conversionWindowSeconds,
                balanceWeight: conversionMinPercent, offsetSeconds: offset)
        }
    }

    /// Whether the brake is on.
    var hasConversionBrake: Bool { conversionMinPercent > 0 }
}

extension SendLimitPolicy {
    /// The counter key of a destination. An email address is folded the way mail providers deliver it: case, a
    /// `+tag` in the local part, and for Gmail the dots and the googlemail.com alias, so one mailbox is one counter.
    static func key(_ channel: Channel, _ address: String) -> String {
        let address = address.trimmingWhitespace()
        if channel == .sms { return PhoneNumber.counted(address) }
        guard let at = address.lastIndex(of: "@") else { return address.lowercased() }
        var local = address[..<at].lowercased()
        var domain = address[address.index(after: at)...].lowercased()
        if let plus = local.firstIndex(of: "+"), plus != local.startIndex { local = String(local[..<plus]) }
        if domain == "googlemail.com" { domain = "gmail.com" }
        if domain == "gmail.com" { local = local.filter { $0 != "." } }
        return local + "@" + domain
    }
}
