/// Writes an answered event by replacing the bytes of the top-level `response` member in the original
/// document, so every other member stays exactly as Cognito sent it and only the small response is encoded.
///
/// The document has already been read whole by the JSON module's reader, so this scanner may assume it is valid
/// JSON; it still refuses a string a reader would.
enum ResponseSplice {
    /// The original document with its top-level `response` value replaced, or the member added when absent.
    static func splice(_ document: [UInt8], response: [UInt8]) -> [UInt8]? {
        // The answer repeats the event's bytes, so they must be valid UTF-8 for the answer to be valid JSON.
        guard String(validating: document, as: UTF8.self) != nil else { return nil }
        return document.withUnsafeBufferPointer { bytes -> [UInt8]? in
            var scanner = Scanner(bytes: bytes)
            guard let members = scanner.topLevelMembers() else { return nil }
            var output: [UInt8] = []
            output.reserveCapacity(document.count + response.count)
            if let member = members.last(where: { $0.isResponse }) {
                output.append(contentsOf: bytes[..<member.valueStart])
                output.append(contentsOf: response)
                output.append(contentsOf: bytes[member.valueEnd...])
            } else {
                let close = members.closingBrace
                output.append(contentsOf: bytes[..<close])
                if !members.isEmpty { output.append(UInt8(ascii: ",")) }
                output.append(contentsOf: #""response":"#.utf8)
                output.append(contentsOf: response)
                output.append(contentsOf: bytes[close...])
            }
            return output
        }
    }

    struct Member {
        var isResponse: Bool
        var valueStart: Int
        var valueEnd: Int
    }

    struct Members {
        var list: [Member] = []
        var closingBrace = 0
        var isEmpty: Bool { list.isEmpty }
        func last(where predicate: (Member) -> Bool) -> Member? { list.last(where: predicate) }
    }

    struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        mutating func skipWhitespace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
                index += 1
            }
        }

        /// Moves past a string that starts at `index`; returns whether it had escapes, or nil if it is not
        /// valid JSON. The decoder checks only the strings it reads, so this checks the rest.
        mutating func skipString() -> Bool? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            index += 1
            var escaped = false
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"):
                    escaped = true
                    guard index + 1 < bytes.count else { return nil }
                    switch bytes[index + 1] {
                    case UInt8(ascii: "u"):
                        guard index + 5 < bytes.count,
                            bytes[(index + 2)...(index + 5)].allSatisfy({ Self.isHexDigit($0) })
                        else { return nil }
                        index += 6
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                        UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        index += 2
                    default:
                        return nil
                    }
                case UInt8(ascii: "\""): index += 1; return escaped
                // JSON forbids raw control characters in strings; an answer that carried one would be invalid.
                case 0..<0x20: return nil
                default: index += 1
                }
            }
            return nil
        }

        static func isHexDigit(_ byte: UInt8) -> Bool {
            (48...57).contains(byte) || (65...70).contains(byte) || (97...102).contains(byte)
        }

        mutating func skipValue() -> Bool {
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                return skipString() != nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while index < bytes.count {
                    switch bytes[index] {
                    case UInt8(ascii: "\""): guard skipString() != nil else { return false }; continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 { index += 1; return true }
                    default: break
                    }
                    index += 1
                }
                return false
            default:
                while index < bytes.count,
                    !(bytes[index] == UInt8(ascii: ",") || bytes[index] == UInt8(ascii: "}")
                        || bytes[index] == UInt8(ascii: "]") || bytes[index] <= 0x20)
                {
                    index += 1
                }
                return true
            }
        }

        mutating func topLevelMembers() -> Members? {
            var members = Members()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
            index += 1
            while true {
                skipWhitespace()
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: "}") {
                    members.closingBrace = index
                    return members
                }
                if bytes[index] == UInt8(ascii: ",") { index += 1; skipWhitespace() }
                let keyStart = index
                guard let escaped = skipString() else { return nil }
                let key = UnsafeBufferPointer(rebasing: bytes[(keyStart + 1)..<(index - 1)])
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                skipWhitespace()
                let valueStart = index
                guard skipValue() else { return nil }
                // A key spelled with escapes is compared after decoding them, as the decoder did.
                let isResponse = escaped ? Self.unescape(key) == Array("response".utf8) : key.elementsEqual("response".utf8)
                members.list.append(Member(isResponse: isResponse, valueStart: valueStart, valueEnd: index))
            }
        }

        static func unescape(_ key: UnsafeBufferPointer<UInt8>) -> [UInt8] {
            var out: [UInt8] = []
            var i = 0
            while i < key.count {
                if key[i] == UInt8(ascii: "\\"), i + 1 < key.count {
                    if key[i + 1] == UInt8(ascii: "u"), i + 5 < key.count,
                        let scalar = UInt32(
                            String(decoding: UnsafeBufferPointer(rebasing: key[(i + 2)...(i + 5)]), as: UTF8.self), radix: 16),
                        scalar < 0x80
                    {
                        out.append(UInt8(scalar))
                        i += 6
                        continue
                    }
                    out.append(key[i + 1])
                    i += 2
                } else {
                    out.append(key[i])
                    i += 1
                }
            }
            return out
        }
    }
}
