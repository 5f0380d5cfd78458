/// A moment in UTC broken into calendar fields, computed from the epoch by arithmetic (proleptic Gregorian
/// calendar, no leap seconds, as Unix time has none), and the text forms this package writes.
package struct UTCTime: Equatable, Sendable {
    let year: Int
    let month: Int
    let day: Int
    let hour: Int
    let minute: Int
    let second: Int
    let millisecond: Int

    package init(epochMilliseconds: Int64) {
        let (seconds, milliseconds) = Self.floorDivision(epochMilliseconds, 1000)
        let (days, secondOfDay) = Self.floorDivision(seconds, 86_400)
        millisecond = Int(milliseconds)
        hour = Int(secondOfDay / 3600)
        minute = Int(secondOfDay % 3600 / 60)
        second = Int(secondOfDay % 60)
        (year, month, day) = Self.civilDate(daysSince1970: days)
    }

    /// `2026-11-27T13:52:08.123Z`: RFC 3339 with milliseconds, as Lambda's JSON logs write it.
    package var rfc3339: String {
        "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))T\(Self.pad(hour, 2)):\(Self.pad(minute, 2)):"
            + "\(Self.pad(second, 2)).\(Self.pad(millisecond, 3))Z"
    }

    /// `20261127`: the date in ISO 8601's basic form, as SigV4's credential scope writes it.
    package var basicDate: String { Self.pad(year, 4) + Self.pad(month, 2) + Self.pad(day, 2) }

    /// `20261127T135208Z`: date and time in ISO 8601's basic form, as `X-Amz-Date` writes it.
    package var basicDateTime: String { basicDate + "T" + Self.pad(hour, 2) + Self.pad(minute, 2) + Self.pad(second, 2) + "Z" }

    /// Year, month and day of a count of days since 1970-01-01. Years are grouped in 400-year eras that start on
    /// 1 March, so that the leap day falls at the end of each year of the era.
    static func civilDate(daysSince1970 days: Int64) -> (year: Int, month: Int, day: Int) {
        let (era, dayOfEra) = floorDivision(days + 719_468, 146_097)  // 719468: days from 0000-03-01 to 1970-01-01
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153  // 0 is March
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = (value % divisor + divisor) % divisor
        return ((value - remainder) / divisor, remainder)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
