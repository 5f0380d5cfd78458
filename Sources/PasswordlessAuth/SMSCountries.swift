import Settings

/// Which phone numbers SMS may go to (`SMS_ALLOWED_COUNTRIES`): prefixes of the E.164 digits, each allowing the
/// numbers that start with it, or with `!` in front excluding them. The longest matching entry decides, so
/// `1,!1876,!1809` serves the +1 plan without Jamaica and the Dominican Republic. With no entry allowing anything,
/// every number not excluded is allowed.
struct SMSCountries: Sendable, Equatable {
    /// Prefixes that allow, such as `1` or `44`.
    private(set) var allowed: [String] = []
    /// Prefixes that exclude, such as `1876`.
    private(set) var excluded: [String] = []

    init() {}

    /// - Parameter entries: prefixes of 1–15 digits, an optional `+`, and `!` in front of an exclusion.
    init(_ entries: [String]) throws(SettingsError) {
        for entry in entries {
            let isExclusion = entry.hasPrefix("!")
            var digits = isExclusion ? entry.dropFirst() : entry[...]
            if digits.hasPrefix("+") { digits = digits.dropFirst() }
            guard (1...15).contains(digits.utf8.count), digits.isASCIIDigits, !digits.hasPrefix("0") else {
                throw .invalid(
                    "SMS_ALLOWED_COUNTRIES", "must list number prefixes such as 1,44,!1876, got \"\(entry)\"")
            }
            if isExclusion { excluded.append(String(digits)) } else { allowed.append(String(digits)) }
        }
    }

    /// Whether every number is allowed.
    var allowsAll: Bool { allowed.isEmpty && excluded.isEmpty }

    /// Whether an E.164 number (`+` and digits) may receive SMS.
    func allows(_ phone: String) -> Bool {
        let digits = phone.utf8.first == UInt8(ascii: "+") ? phone.dropFirst() : phone[...]
        let longest = { (prefixes: [String]) in prefixes.filter { digits.hasPrefix($0) }.map(\.utf8.count).max() ?? 0 }
        let allowedBy = longest(allowed)
        let excludedBy = longest(excluded)
        if excludedBy > allowedBy { return false }
        return allowedBy > 0 || allowed.isEmpty
    }

    /// The prefixes made-up numbers may start with: those allowed, else the most common calling code.
    var prefixesForMadeUpNumbers: [String] {
        let usable = allowed.filter(allows)
        return usable.isEmpty ? ["1"] : usable
    }

    /// The digits (calling code included) of a whole number in the plan that `prefix` starts; 11 when unknown.
    static func numberLength(startingWith prefix: String) -> Int {
        for length in (1...3).reversed() where prefix.utf8.count >= length {
            if let digits = nationalLengths[String(prefix.prefix(length))] { return digits }
        }
        return 11
    }

    /// The usual length of a mobile number, calling code included, for the calling codes most pools serve.
    static let nationalLengths: [String: Int] = [
        "1": 11, "7": 11, "20": 12, "27": 11, "30": 12, "31": 11, "32": 11, "33": 11, "34": 11, "36": 11, "39": 12,
        "40": 11, "41": 11, "43": 13, "44": 12, "45": 10, "46": 11, "47": 10, "48": 11, "49": 13, "51": 11, "52": 12,
        "54": 13, "55": 13, "56": 11, "57": 12, "60": 11, "61": 11, "62": 13, "63": 12, "64": 11, "65": 10, "66": 11,
        "81": 12, "82": 12, "84": 11, "86": 13, "90": 12, "91": 12, "92": 12, "234": 13, "351": 12, "353": 12,
        "358": 12, "420": 12, "852": 11, "886": 12, "966": 12, "971": 12, "972": 12,
    ]
}
