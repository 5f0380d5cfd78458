/// One-time codes: decimal strings of a fixed length, uniform over all 10^length values.
package enum OneTimeCode {
    /// Makes a code of `length` digits (1–19); leading zeros occur as often as any other digit.
    package static func generate(length: Int, using random: any RandomSource) throws(PasswordlessError) -> String {
        precondition((1...19).contains(length), "code length out of range")
        var modulus: UInt64 = 1
        for _ in 0..<length { modulus *= 10 }
        // Words below 2^64 mod m would make the low values more likely; drawing again removes that bias.
        let threshold = (0 &- modulus) % modulus
        var word: UInt64
        repeat {
            do { word = try random.next() } catch { throw .randomSourceFailed }
        } while word < threshold
        let digits = String(word % modulus)
        return String(repeating: "0", count: length - digits.count) + digits
    }

    /// Compares an answer with the code in time that does not depend on where they differ; an empty code matches nothing.
    package static func matches(answer: String, code: String) -> Bool {
        let a = Array(answer.utf8)
        let b = Array(code.utf8)
        var difference: UInt8 = a.count == b.count && !b.isEmpty ? 0 : 1
        for index in 0..<b.count {
            difference |= (index < a.count ? a[index] : 0) ^ b[index]
        }
        return difference == 0
    }
}
