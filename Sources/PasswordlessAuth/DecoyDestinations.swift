import Settings

/// Made-up destinations for a name that is neither an account with a destination nor a typed phone number or
/// email address. Each is picked by the keyed hash of the name, so a name keeps its mask and nobody without
/// `HASH_KEY` can predict it, and each follows the mix of real destinations, so none stands out.
struct DecoyDestinations: Sendable, Equatable {
    /// One weighted choice: a domain such as `gmail.com`, or a first letter.
    package struct Weighted: Sendable, Equatable {
        package var value: String
        var weight: Int
    }

    /// Email domains and how often each is picked (`DECOY_EMAIL_DOMAINS`).
    var emailDomains: [Weighted] = Self.defaultEmailDomains

    init() {}

    /// Reads `DECOY_EMAIL_DOMAINS`: `domain:weight` entries, the weight 1–1000 and 1 when left out.
    init(_ settings: Settings) throws(SettingsError) {
        guard let entries = try settings.list("DECOY_EMAIL_DOMAINS") else { return }
        emailDomains = try entries.map { entry throws(SettingsError) in
            let parts = entry.split(separator: ":", omittingEmptySubsequences: false)
            let domain = parts[0].lowercased()
            let weight = parts.count == 2 ? Int(parts[1]) : (parts.count == 1 ? 1 : nil)
            guard let weight, (1...1_000).contains(weight), CreateAuthChallenge.looksLikeEmail("a@" + domain),
                let dot = domain.lastIndex(of: "."), dot != domain.startIndex, domain.index(after: dot) != domain.endIndex
            else {
                throw .invalid(
                    "DECOY_EMAIL_DOMAINS", "must list domain:weight entries such as gmail.com:40,outlook.com:10, got \"\(entry)\"")
            }
            return Weighted(value: domain, weight: weight)
        }
    }

    /// A made-up email address, masked.
    package func email(seed: String, key: KeyedHash) -> String {
        let hash = key.hash("email:" + seed)
        let letter = Self.pick(Self.firstLetters, hash & 0xffff_ffff)
        return Masking.email(letter + "x@" + Self.pick(emailDomains, hash >> 32))
    }

    /// A made-up phone number, masked: an allowed prefix and that country's length.
    package func phone(seed: String, key: KeyedHash, countries: SMSCountries) -> String {
        let hash = key.hash("sms:" + seed)
        let prefixes = countries.prefixesForMadeUpNumbers
        let prefix = prefixes[Int((hash >> 40) % UInt64(prefixes.count))]
        let length = max(SMSCountries.numberLength(startingWith: prefix), prefix.utf8.count + 4)
        var digits = prefix
        var rest = hash & 0xff_ffff_ffff
        while digits.utf8.count < length {
            digits += String(rest % 10)
            rest /= 10
        }
        return Masking.phone("+" + digits)
    }

    static func pick(_ choices: [Weighted], _ value: UInt64) -> String {
        let total = choices.reduce(0) { $0 + $1.weight }
        var point = Int(value % UInt64(max(total, 1)))
        for choice in choices {
            if point < choice.weight { return choice.value }
            point -= choice.weight
        }
        return choices.last?.value ?? "example.com"
    }

    /// Roughly how often real mailboxes start with each letter: many names start with j, m, a or s, few with q or x.
    static let firstLetters: [Weighted] = zip(
        "abcdefghijklmnopqrstuvwxyz".map(String.init),
        [90, 50, 60, 60, 40, 30, 30, 30, 20, 90, 50, 50, 90, 30, 10, 40, 3, 50, 80, 50, 3, 20, 20, 3, 10, 10]
    ).map { Weighted(value: $0, weight: $1) }

    /// Providers and endings in about the shares consumer sign-ups show, a few regions' own among them.
    static let defaultEmailDomains: [Weighted] = [
        ("gmail.com", 420), ("yahoo.com", 80), ("hotmail.com", 80), ("outlook.com", 60), ("icloud.com", 60),
        ("aol.com", 20), ("live.com", 20), ("msn.com", 10), ("me.com", 10), ("comcast.net", 15), ("proton.me", 15),
        ("gmx.de", 20), ("web.de", 20), ("yahoo.co.uk", 15), ("hotmail.co.uk", 10), ("btinternet.com", 10),
        ("orange.fr", 10), ("free.fr", 10), ("libero.it", 10), ("qq.com", 20), ("163.com", 10), ("naver.com", 10),
        ("yandex.ru", 10), ("mail.ru", 10), ("bigpond.com", 5), ("shaw.ca", 5),
    ].map { Weighted(value: $0, weight: $1) }
}
