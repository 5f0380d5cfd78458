/// What the limits need to know of an E.164 number (`+` and digits): its country calling code, the form one
/// subscriber is counted under, and the prefix its block of numbers shares.
package enum PhoneNumber {
    /// The country calling code: ITU-T E.164 codes are prefix-free, so the first one, two or three digits name it.
    /// One digit: 1 (the North American plan) and 7; two digits: the list below; three digits: every other.
    package static func callingCode(_ number: String) -> String? {
        let digits = number.utf8.first == UInt8(ascii: "+") ? number.dropFirst() : number[...]
        guard digits.utf8.count >= 4, digits.isASCIIDigits, !digits.hasPrefix("0") else { return nil }
        if digits.hasPrefix("1") || digits.hasPrefix("7") { return String(digits.prefix(1)) }
        let two = String(digits.prefix(2))
        return twoDigitCodes.contains(two) ? two : String(digits.prefix(3))
    }

    /// The two-digit calling codes in ITU-T's list of assigned codes (Africa's 20 and 27, Europe's 3x and 4x,
    /// South America's 5x, Oceania and South-East Asia's 6x, East Asia's 8x, and 9x).
    static let twoDigitCodes: Set = [
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49", "51",
        "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81", "82", "84", "86", "90",
        "91", "92", "93", "94", "95", "98",
    ]

    /// The number as one subscriber is counted: `+`, the calling code, and the national number without the trunk
    /// `0` that people type after the calling code out of habit (`+44 07700 900123` is `+447700900123`). Where a 0
    /// belongs to the national number (Italy's fixed lines), two numbers may share a key: the limits then count
    /// them together, the safe side. Anything that is not E.164 is returned as it is.
    static func counted(_ number: String) -> String {
        guard let code = callingCode(number) else { return number }
        let digits = number.utf8.first == UInt8(ascii: "+") ? number.dropFirst() : number[...]
        var national = digits.dropFirst(code.utf8.count)
        if national.hasPrefix("0"), national.utf8.count > 4 { national = national.dropFirst() }
        return "+" + code + national
    }

    /// The block a number belongs to: its counted form without the last 4 digits, which carriers hand out and
    /// premium-rate ranges share.
    static func prefix(_ number: String) -> String {
        let counted = counted(number)
        return String(counted.dropLast(min(4, max(0, counted.utf8.count - 2))))
    }
}
