import Foundation
import JSON
import TestSupport
import Testing

/// The JSON module's reader and writer, against Foundation's decoder as the reference.
@Suite("JSONValue: reading and writing JSON")
struct JSONValueTests {
    /// Foundation's reading of the same bytes, as a JSONValue.
    enum Reference: Decodable {
        case value(JSONValue)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .value(.null)
            } else if let value = try? container.decode(Bool.self) {
                self = .value(.bool(value))
            } else if let value = try? container.decode(Double.self) {
                self = .value(.number(value))
            } else if let value = try? container.decode(String.self) {
                self = .value(.string(value))
            } else if let value = try? container.decode([Reference].self) {
                self = .value(.array(value.map(\.json)))
            } else {
                self = .value(.object(try container.decode([String: Reference].self).mapValues(\.json)))
            }
        }

        var json: JSONValue {
            switch self {
            case .value(let value): value
            }
        }

        static func parse(_ bytes: [UInt8]) -> JSONValue? { try? JSONDecoder().decode(Reference.self, from: Data(bytes)).json }
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("every sample event reads as Foundation reads it, and writes back to the same value")
    func sampleEvents() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("events").path)
            .filter { $0.hasSuffix(".json") }
        #expect(files.count >= 20)
        for file in files {
            let bytes = Array(try Data(contentsOf: Self.root.appendingPathComponent("events/" + file)))
            let value = try #require(JSONValue.parse(bytes), "\(file)")
            #expect(value == Reference.parse(bytes), "\(file)")
            #expect(JSONValue.parse(value.bytes) == value && Reference.parse(value.bytes) == value, "\(file)")
        }
    }

    static func random(_ generator: inout SplitMix64, depth: Int) -> JSONValue {
        let characters: [Character] = ["a", "\"", "\\", "\n", "\u{01}", "é", "😀", "/", " ", "\u{7F}", "\u{2028}"]
        func text() -> String {
            String((0..<Int(generator.next() % 6)).map { _ in characters[Int(generator.next() % UInt64(characters.count))] })
        }
        switch generator.next() % (depth > 3 ? 4 : 6) {
        case 0: return .string(text())
        case 1: return .number(Double(Int64(bitPattern: generator.next()) >> 20) / [1, 4, 1024][Int(generator.next() % 3)])
        case 2: return .bool(generator.next() % 2 == 0)
        case 3: return .null
        case 4: return .array((0..<Int(generator.next() % 4)).map { _ in random(&generator, depth: depth + 1) })
        default:
            return .object(Dictionary((0..<Int(generator.next() % 4)).map { _ in (text(), random(&generator, depth: depth + 1)) }) { $1 })
        }
    }

    @Test("2,000 seeded values write to JSON that both readers read back as the same value")
    func roundTrips() {
        var generator = SplitMix64(seed: 19)
        for _ in 0..<2_000 {
            let value = Self.random(&generator, depth: 0)
            let bytes = value.bytes
            #expect(JSONValue.parse(bytes) == value, "\(String(decoding: bytes, as: UTF8.self))")
            #expect(Reference.parse(bytes) == value, "\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    @Test(
        "what is not one JSON text is refused",
        arguments: [
            "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "1.", ".5", "-", "1e", "+1", "tru", "nul",
            "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"a\u{01}\"", "{} {}", "[1] x", "NaN", "'a'",
        ])
    func refused(text: String) {
        #expect(JSONValue.parse(Array(text.utf8)) == nil)
        // Foundation's reader also takes a trailing comma; RFC 8259 does not, nor does this one.
        if !text.hasSuffix(",]") && !text.hasSuffix(",}") { #expect(Reference.parse(Array(text.utf8)) == nil, "Foundation refuses it too") }
    }

    @Test("invalid UTF-8 in a string is refused")
    func invalidUTF8() {
        #expect(JSONValue.parse([0x22, 0xC3, 0x28, 0x22]) == nil)
        #expect(JSONValue.parse([0x22, 0xC3, 0xA9, 0x22]) == .string("é"))
    }

    @Test("escapes, surrogate pairs, numbers")
    func details() {
        #expect(JSONValue.parse(Array(#""\ud83d\ude00 \u00e9 \/ \b\f\n\r\t""#.utf8)) == .string("😀 é / \u{08}\u{0C}\n\r\t"))
        #expect(
            JSONValue.parse(Array("[-0, 1e3, -2.5E-2, 12345678901234]".utf8)) == [
                .number(0), .number(1000), .number(-0.025), .number(12_345_678_901_234),
            ])
        #expect(
            String(decoding: JSONValue.object(["b": .number(1), "a": [true, .null]]).bytes, as: UTF8.self) == #"{"a":[true,null],"b":1}"#)
    }

    @Test("nesting is bounded: 512 levels read, deeper is refused without exhausting the stack")
    func depth() throws {
        let deep = { (levels: Int) in
            Array(repeating: UInt8(ascii: "["), count: levels) + Array(repeating: UInt8(ascii: "]"), count: levels)
        }
        #expect(JSONValue.parse(deep(512)) != nil)
        #expect(JSONValue.parse(deep(513)) == nil)
        #expect(throws: JSONError.tooDeep(at: 512)) { try JSONValue(parsing: deep(513)) }
        #expect(throws: JSONError.tooDeep(at: 3)) { try JSONValue(parsing: deep(4), limits: .init(maxDepth: 3)) }
        #expect(JSONValue.parse(Array(repeating: UInt8(ascii: "["), count: 1 << 20)) == nil)
        // Objects count as levels too.
        let objects =
            Array(String(repeating: "{\"a\":", count: 513).utf8) + [UInt8(ascii: "1")] + Array(repeating: UInt8(ascii: "}"), count: 513)
        #expect(JSONValue.parse(objects) == nil)
        #expect(JSONValue.parse(Array(objects.dropFirst(5).dropLast())) != nil)
    }

    @Test("size is bounded: a document over the limit is refused before it is read")
    func size() throws {
        let text = Array("[\"abcdefgh\"]".utf8)
        #expect(try JSONValue(parsing: text, limits: .init(maxBytes: text.count)) == ["abcdefgh"])
        #expect(throws: JSONError.tooLarge) { try JSONValue(parsing: text, limits: .init(maxBytes: text.count - 1)) }
        let large = Array(repeating: UInt8(ascii: " "), count: 6 * 1024 * 1024) + [UInt8(ascii: "1")]
        #expect(throws: JSONError.tooLarge) { try JSONValue(parsing: large) }
    }
}
