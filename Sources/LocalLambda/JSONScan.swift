/// Just enough JSON for a Runtime API server: whether a body is one JSON document, and the string members of an error
/// report. Depth is bounded, so a body of brackets cannot exhaust the stack.
enum JSONScan {
    /// True when `bytes` hold exactly one JSON value (blanks around it allowed).
    static func isDocument(_ bytes: [UInt8]) -> Bool {
        var scanner = Scanner(bytes: bytes)
        return scanner.document() != nil
    }

    /// The members of a top-level object whose values are strings; nil when `bytes` are not a JSON object.
    static func stringMembers(_ bytes: [UInt8]) -> [String: String]? {
        var scanner = Scanner(bytes: bytes, collecting: true)
        guard scanner.document() != nil, bytes.first(where: { !Scanner.isBlank($0) }) == UInt8(ascii: "{") else { return nil }
        return scanner.members
    }

    private struct Scanner {
        let bytes: [UInt8]
        var collecting = false
        var at = 0
        var members: [String: String] = [:]

        static func isBlank(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 10 || byte == 13 }

        mutating func document() -> Void? {
            guard value(depth: 0) != nil else { return nil }
            skipBlanks()
            return at == bytes.count ? () : nil
        }

        private mutating func skipBlanks() { while at < bytes.count, Self.isBlank(bytes[at]) { at += 1 } }

        /// Reads one value; a string's text when it is one.
        private mutating func value(depth: Int) -> String?? {
            guard depth < 512 else { return nil }
            skipBlanks()
            guard at < bytes.count else { return nil }
            switch bytes[at] {
            case UInt8(ascii: "{"):
                at += 1
                skipBlanks()
                if at < bytes.count, bytes[at] == UInt8(ascii: "}") { at += 1; return .some(nil) }
                while true {
                    skipBlanks()
                    guard let key = string() else { return nil }
                    skipBlanks()
                    guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { return nil }
                    at += 1
                    guard let member = value(depth: depth + 1) else { return nil }
                    if collecting, depth == 0, let text = member { members[key] = text }
                    skipBlanks()
                    guard at < bytes.count else { return nil }
                    if bytes[at] == UInt8(ascii: "}") { at += 1; return .some(nil) }
                    guard bytes[at] == UInt8(ascii: ",") else { return nil }
                    at += 1
                }
            case UInt8(ascii: "["):
                at += 1
                skipBlanks()
                if at < bytes.count, bytes[at] == UInt8(ascii: "]") { at += 1; return .some(nil) }
                while true {
                    guard value(depth: depth + 1) != nil else { return nil }
                    skipBlanks()
                    guard at < bytes.count else { return nil }
                    if bytes[at] == UInt8(ascii: "]") { at += 1; return .some(nil) }
                    guard bytes[at] == UInt8(ascii: ",") else { return nil }
                    at += 1
                }
            case UInt8(ascii: "\""):
                return string().map { .some($0) }
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            default: return number()
            }
        }

        private mutating func literal(_ word: String) -> String?? {
            let word = Array(word.utf8)
            guard bytes.count - at >= word.count, Array(bytes[at..<(at + word.count)]) == word else { return nil }
            at += word.count
            return .some(nil)
        }

        private mutating func number() -> String?? {
            let start = at
            if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard at < bytes.count, isDigit(bytes[at]) else { return nil }
            if bytes[at] == UInt8(ascii: "0") { at += 1 } else { while at < bytes.count, isDigit(bytes[at]) { at += 1 } }
            if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
                at += 1
                guard digits() else { return nil }
            }
            if at < bytes.count, bytes[at] | 0x20 == UInt8(ascii: "e") {
                at += 1
                if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
                guard digits() else { return nil }
            }
            return at > start ? .some(nil) : nil
        }

        private mutating func digits() -> Bool {
            let start = at
            while at < bytes.count, isDigit(bytes[at]) { at += 1 }
            return at > start
        }

        private func isDigit(_ byte: UInt8) -> Bool { (48...57).contains(byte) }

        /// Reads a string at `at`, escapes decoded; nil when it is not one.
        private mutating func string() -> String? {
            guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { return nil }
            at += 1
            var text: [UInt8] = []
            while at < bytes.count {
                let byte = bytes[at]
                at += 1
                switch byte {
                case UInt8(ascii: "\""): return String(validating: text, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard at < bytes.count else { return nil }
                    let escaped = bytes[at]
                    at += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escaped)
                    case UInt8(ascii: "b"): text.append(8)
                    case UInt8(ascii: "f"): text.append(12)
                    case UInt8(ascii: "n"): text.append(10)
                    case UInt8(ascii: "r"): text.append(13)
                    case UInt8(ascii: "t"): text.append(9)
                    case UInt8(ascii: "u"):
                        guard var scalar = hex4() else { return nil }
                        if (0xD800..<0xDC00).contains(scalar) {
                            guard bytes.count - at >= 6, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else {
                                return nil
                            }
                            at += 2
                            guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let unicode = Unicode.Scalar(scalar) else { return nil }
                        text += Array(String(Character(unicode)).utf8)
                    default: return nil
                    }
                default:
                    guard byte >= 0x20 else { return nil }
                    text.append(byte)
                }
            }
            return nil
        }

        private mutating func hex4() -> UInt32? {
            guard bytes.count - at >= 4 else { return nil }
            var value: UInt32 = 0
            for byte in bytes[at..<(at + 4)] {
                guard let digit = hexDigit(byte) else { return nil }
                value = value << 4 | digit
            }
            at += 4
            return value
        }

        private func hexDigit(_ byte: UInt8) -> UInt32? {
            switch byte {
            case 48...57: UInt32(byte - 48)
            case 65...70: UInt32(byte - 55)
            case 97...102: UInt32(byte - 87)
            default: nil
            }
        }
    }
}
