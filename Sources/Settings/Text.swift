/// The text helpers every module shares: one trimming rule and one ASCII lower-casing.
extension String {
    /// The string without whitespace or line breaks at either end.
    package func trimmingWhitespace() -> String {
        // Most values have nothing to trim: check the ends on bytes before looking at characters.
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 {
            return self
        }
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }

    /// The string with ASCII letters in lower case and every other byte as it is: for names defined as ASCII
    /// (HTTP headers, protocol words), where locale and Unicode case rules must not matter.
    package func asciiLowercased() -> String {
        String(decoding: utf8.map(\.asciiLowercased), as: UTF8.self)
    }
}

extension UInt8 {
    /// The byte in lower case if it is an ASCII capital letter.
    var asciiLowercased: UInt8 { (0x41...0x5A).contains(self) ? self + 0x20 : self }
}
