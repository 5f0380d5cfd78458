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

/// Searching text by characters, as the standard library's string processing (`firstRange(of:)`, `contains(_:)`,
/// `replacing(_:with:)`) does, without linking that library: it brings the Regex engine with it, 1.3 MB in every
/// trigger (bench/README.md).
extension StringProtocol {
    /// The range of the first place where `pattern` occurs, compared `Character` by `Character`; an empty pattern
    /// occurs at the start.
    package func firstRange(ofText pattern: some StringProtocol) -> Range<Index>? {
        let search =
            utf8.withContiguousStorageIfAvailable { text in
                pattern.utf8.withContiguousStorageIfAvailable { wanted in ByteSearch(wanted, in: text) } ?? .notApplicable
            } ?? .notApplicable
        switch search {
        case .absent: return nil
        case .found(let offset, let count):
            let lower = utf8.index(startIndex, offsetBy: offset)
            return lower..<utf8.index(lower, offsetBy: count)
        case .notApplicable: break
        }
        var start = startIndex
        while true {
            var here = start
            var wanted = pattern.startIndex
            while wanted != pattern.endIndex, here != endIndex, self[here] == pattern[wanted] {
                formIndex(after: &here)
                pattern.formIndex(after: &wanted)
            }
            if wanted == pattern.endIndex { return start..<here }
            if start == endIndex { return nil }
            formIndex(after: &start)
        }
    }

    /// Whether `pattern` occurs in the text, compared `Character` by `Character`.
    package func containsText(_ pattern: some StringProtocol) -> Bool { firstRange(ofText: pattern) != nil }
}

extension String {
    /// The text with every occurrence of `pattern`, from left to right and not overlapping, replaced; an empty
    /// pattern replaces nothing.
    package func replacingText(_ pattern: some StringProtocol, with replacement: some StringProtocol) -> String {
        guard !pattern.isEmpty else { return self }
        let byBytes =
            utf8.withContiguousStorageIfAvailable { text in
                pattern.utf8.withContiguousStorageIfAvailable { wanted -> String? in
                    guard ByteSearch.isPlain(text), ByteSearch.isPlain(wanted) else { return nil }
                    var out: [UInt8] = []
                    out.reserveCapacity(text.count)
                    var from = 0
                    while let at = ByteSearch.firstOffset(of: wanted, in: text, from: from) {
                        out += text[from..<at]
                        out += replacement.utf8
                        from = at + wanted.count
                    }
                    out += text[from...]
                    return String(decoding: out, as: UTF8.self)
                } ?? nil
            } ?? nil
        if let byBytes { return byBytes }
        var result = ""
        var rest = self[...]
        while let found = rest.firstRange(ofText: pattern) {
            result += rest[..<found.lowerBound]
            result += replacement
            rest = rest[found.upperBound...]
        }
        result += rest
        return result
    }
}

/// The fast path of the searches above: in ASCII text without CR every byte is a whole `Character` (CR LF is one),
/// so comparing bytes is comparing characters, without the grapheme breaking that made a search of an SNS answer
/// cost a sign-in 0.1 million instructions.
private enum ByteSearch {
    case notApplicable
    case absent
    case found(offset: Int, count: Int)

    init(_ pattern: UnsafeBufferPointer<UInt8>, in text: UnsafeBufferPointer<UInt8>) {
        guard Self.isPlain(text), Self.isPlain(pattern) else {
            self = .notApplicable
            return
        }
        self = Self.firstOffset(of: pattern, in: text, from: 0).map { .found(offset: $0, count: pattern.count) } ?? .absent
    }

    static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool { bytes.allSatisfy { $0 < 0x80 && $0 != 0x0D } }

    /// Where `pattern` first occurs in `text` at or after `from`.
    static func firstOffset(of pattern: UnsafeBufferPointer<UInt8>, in text: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard let first = pattern.first else { return from }
        guard text.count - from >= pattern.count else { return nil }
        for start in from...(text.count - pattern.count) where text[start] == first {
            var matched = 1
            while matched < pattern.count && text[start + matched] == pattern[matched] { matched += 1 }
            if matched == pattern.count { return start }
        }
        return nil
    }
}

extension UInt8 {
    /// The byte in lower case if it is an ASCII capital letter.
    var asciiLowercased: UInt8 { (0x41...0x5A).contains(self) ? self + 0x20 : self }
}
