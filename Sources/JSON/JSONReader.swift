extension JSONValue {
    /// How much a document may hold before the reader refuses it.
    package struct Limits: Sendable {
        /// Arrays and objects inside one another; past it the reader stops, so no document can exhaust the stack.
        package var maxDepth: Int
        /// Bytes in the whole document.
        package var maxBytes: Int

        package init(maxDepth: Int = 512, maxBytes: Int = 6 * 1024 * 1024) {
            self.maxDepth = maxDepth
            self.maxBytes = maxBytes
        }

        /// 512 deep (as Foundation's decoder) and 6 MiB, a Lambda synchronous invocation's largest payload.
        package static let standard = Limits()
    }

    /// The value `bytes` hold, or nil unless they are exactly one JSON text (RFC 8259) in valid UTF-8 within the
    /// standard limits.
    package static func parse(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONValue(parsing: bytes)
    }

    /// Reads exactly one JSON text (RFC 8259): whitespace around one value, strings in valid UTF-8 without
    /// lone surrogates, numbers that fit a `Double`. A repeated object member keeps its first value
    /// (as Foundation's `JSONDecoder` does).
    ///
    /// Where RFC 8259 leaves the choice to the reader (JSONTestSuite's `i_` cases), this one:
    /// - refuses a number whose magnitude overflows a `Double` (`1.5e999`, `-1e+9999`): no model could hold it;
    /// - reads a number too small for a `Double` as zero (`123e-10000000`), and a long integer
    ///   (`-123123123123123123123123123123`) as the nearest `Double`: only its first 15 digits are exact;
    /// - refuses any string that is not valid UTF-8 (overlong forms, encoded surrogates, bytes past U+10FFFF,
    ///   Latin-1, truncated sequences) and any `\u` escape of a lone or misordered surrogate: a Swift `String`
    ///   cannot hold them, and replacing them would change what Cognito sent;
    /// - refuses UTF-16 documents and a UTF-8 byte-order mark: Cognito and AWS send UTF-8 without one;
    /// - reads nesting up to `limits.maxDepth` (512 by default, so 500 nested arrays are read) and refuses deeper.
    package init(parsing bytes: [UInt8], limits: Limits = .standard) throws(JSONError) {
        guard bytes.count <= limits.maxBytes else { throw .tooLarge }
        let result: Result<JSONValue, JSONError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(bytes: buffer, maxDepth: limits.maxDepth)
            do throws(JSONError) {
                let value = try reader.value(depth: 0)
                reader.skipWhitespace()
                guard reader.index == buffer.count else { throw .syntax(at: reader.index) }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }
}

/// A recursive-descent reader over the document's bytes.
private struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws(JSONError) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw .syntax(at: index) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default: return .number(try number())
        }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) throws(JSONError) -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw .syntax(at: index) }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw .syntax(at: index + offset) }
        index += count
        return value
    }

    private mutating func object(depth: Int) throws(JSONError) -> JSONValue {
        guard depth <= maxDepth else { throw .tooDeep(at: index) }
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw .syntax(at: index) }
            let key = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw .syntax(at: index) }
            index += 1
            let member = try value(depth: depth)
            // The first of repeated members wins, as with Foundation's reader, which the triggers used before.
            if members.index(forKey: key) == nil { members[key] = member }
            skipWhitespace()
            guard index < bytes.count else { throw .syntax(at: index) }
            index += 1
            switch bytes[index - 1] {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "}"): return .object(members)
            default: throw .syntax(at: index - 1)
            }
        }
    }

    private mutating func array(depth: Int) throws(JSONError) -> JSONValue {
        guard depth <= maxDepth else { throw .tooDeep(at: index) }
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            items.append(try value(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw .syntax(at: index) }
            index += 1
            switch bytes[index - 1] {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "]"): return .array(items)
            default: throw .syntax(at: index - 1)
            }
        }
    }

    /// The string whose opening quote is at `index`: escapes decoded, the UTF-8 checked.
    mutating func string() throws(JSONError) -> String {
        let start = index + 1
        var end = start
        var ascii = true
        // Most strings have no escape: find the closing quote, then make the string from the bytes in one go.
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") {
                index = end + 1
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if ascii { return String(decoding: slice, as: UTF8.self) }
                guard let text = String(validating: slice, as: UTF8.self) else { throw .string(at: start) }
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw .string(at: end) }
            if byte >= 0x80 { ascii = false }
            end += 1
        }
        guard end < bytes.count else { throw .syntax(at: end) }
        var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<end]))
        index = end
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: out, as: UTF8.self) else { throw .string(at: start) }
                return text
            case 0..<0x20: throw .string(at: index - 1)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw .syntax(at: index) }
                index += 1
                switch bytes[index - 1] {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"): Self.appendUTF8(try unicodeEscape(), to: &out)
                default: throw .string(at: index - 2)
                }
            default: out.append(byte)
            }
        }
        throw .syntax(at: index)
    }

    /// The scalar of `\uXXXX` (its `u` just read), joining a surrogate pair; a lone surrogate is refused, as no
    /// Swift string can hold one.
    private mutating func unicodeEscape() throws(JSONError) -> Unicode.Scalar {
        let at = index - 2
        let high = try hex4()
        if (0xD800..<0xDC00).contains(high) {
            guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw .string(at: at)
            }
            index += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw .string(at: at) }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
        }
        guard let scalar = Unicode.Scalar(high) else { throw .string(at: at) }
        return scalar
    }

    private mutating func hex4() throws(JSONError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw .string(at: index) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw .string(at: index)
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private static func appendUTF8(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        let value = scalar.value
        switch value {
        case 0..<0x80: out.append(UInt8(value))
        case 0x80..<0x800: out += [UInt8(0xC0 | value >> 6), UInt8(0x80 | value & 0x3F)]
        case 0x800..<0x10000: out += [UInt8(0xE0 | value >> 12), UInt8(0x80 | value >> 6 & 0x3F), UInt8(0x80 | value & 0x3F)]
        default:
            out += [
                UInt8(0xF0 | value >> 18), UInt8(0x80 | value >> 12 & 0x3F), UInt8(0x80 | value >> 6 & 0x3F), UInt8(0x80 | value & 0x3F),
            ]
        }
    }

    /// A number as RFC 8259 writes one: `-`, then `0` or digits without a leading zero, a fraction, an exponent.
    /// One that overflows a `Double` is refused; one too small for it reads as zero.
    private mutating func number() throws(JSONError) -> Double {
        let start = index
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < bytes.count, Self.isDigit(bytes[index]) else { throw .syntax(at: index) }
        var integer: Int64 = 0
        var digitCount = 0
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            digitCount = 1
        } else {
            while index < bytes.count, Self.isDigit(bytes[index]) {
                if digitCount < 18 { integer = integer * 10 + Int64(bytes[index] - UInt8(ascii: "0")) }
                digitCount += 1
                index += 1
            }
        }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            isInteger = false
            guard try digits() > 0 else { throw .syntax(at: index) }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            isInteger = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard try digits() > 0 else { throw .syntax(at: index) }
        }
        // Integers of up to 15 digits are exact as Doubles: no text conversion needed.
        if isInteger, digitCount <= 15 { return negative ? -Double(integer) : Double(integer) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw .syntax(at: start) }
        return value
    }

    private mutating func digits() throws(JSONError) -> Int {
        let from = index
        while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        return index - from
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
