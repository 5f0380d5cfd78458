import Foundation
import JSON
import TestSupport
import Testing

/// The `Decoder` and `Encoder` over `JSONValue`, against Foundation's `JSONDecoder` and `JSONEncoder`.
@Suite("JSONValue: Codable models")
struct CodableBridgeTests {
    struct Session: Codable, Equatable {
        var challengeName: String
        var challengeResult: Bool
        var challengeMetadata: String?
    }

    struct Request: Codable, Equatable {
        var session: [Session]?
        var clientMetadata: [String: String]?
        var userAttributes: [String: String]
        var attempts: Int?
        var ratio: Double?
        var codes: [[UInt8]]?
    }

    struct Event: Codable, Equatable {
        var version: String
        var request: Request
        var flags: [Bool?]?
    }

    /// What kind of error, and at which path, as plain text both decoders' errors can be compared by.
    static func summary(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        func kind(_ type: Any.Type) -> String {
            let name = String(describing: type)
            if name.hasPrefix("Dictionary") { return "object" }
            if name.hasPrefix("Array") { return "array" }
            return name
        }
        switch error as? DecodingError {
        case .typeMismatch(let type, let context): return "mismatch \(kind(type)) at \(path(context.codingPath))"
        case .valueNotFound(let type, let context): return "null \(kind(type)) at \(path(context.codingPath))"
        case .keyNotFound(let key, let context): return "missing \(path(context.codingPath + [key]))"
        case .dataCorrupted(let context): return "corrupted at \(path(context.codingPath))"
        default: return "other"
        }
    }

    static let good = #"""
        {"version":"1","request":{"session":[{"challengeName":"CUSTOM_CHALLENGE","challengeResult":true},
        {"challengeName":"CUSTOM_CHALLENGE","challengeResult":false,"challengeMetadata":"CODE-1"}],
        "clientMetadata":{"channel":"sms"},"userAttributes":{"email":"a@b.c","phone_number":"+15555550100"},
        "attempts":3,"ratio":-0.25,"codes":[[1,2],[255]]},"flags":[true,null,false],"ignored":{"deep":[1,2,{}]}}
        """#

    @Test("a well-formed event decodes to what Foundation decodes")
    func decodes() throws {
        let bytes = Array(Self.good.utf8)
        let ours = try JSONValue.decode(Event.self, from: bytes)
        #expect(ours == (try JSONDecoder().decode(Event.self, from: Data(bytes))))
        #expect(ours.request.session?[1].challengeMetadata == "CODE-1")
        #expect(ours.flags == [true, nil, false])
    }

    @Test(
        "a value that does not fit fails as Foundation's does, with the same kind and coding path",
        arguments: [
            #"[]"#,
            #"{"request":{"userAttributes":{}}}"#,
            #"{"version":1,"request":{"userAttributes":{}}}"#,
            #"{"version":null,"request":{"userAttributes":{}}}"#,
            #"{"version":"1","request":null}"#,
            #"{"version":"1","request":{"userAttributes":{"email":3}}}"#,
            #"{"version":"1","request":{"userAttributes":{},"session":[{"challengeName":"C","challengeResult":"yes"}]}}"#,
            #"{"version":"1","request":{"userAttributes":{},"session":[{"challengeResult":true}]}}"#,
            #"{"version":"1","request":{"userAttributes":{},"session":{}}}"#,
            #"{"version":"1","request":{"userAttributes":{},"clientMetadata":{"channel":[]}}}"#,
            #"{"version":"1","request":{"userAttributes":{},"attempts":"3"}}"#,
            #"{"version":"1","request":{"userAttributes":{}},"flags":[true,"no"]}"#,
        ])
    func mismatches(text: String) throws {
        let bytes = Array(text.utf8)
        var ours = "none"
        var foundation = "none"
        do { _ = try JSONValue.decode(Event.self, from: bytes) } catch { ours = Self.summary(error) }
        do { _ = try JSONDecoder().decode(Event.self, from: Data(bytes)) } catch { foundation = Self.summary(error) }
        #expect(ours != "none")
        #expect(ours == foundation)
    }

    /// Foundation reports a number that does not fit as corrupted data with an empty coding path; this decoder
    /// names the place, so EventCodec can say which member is not valid.
    @Test(
        "a number that does not fit its integer type is corrupted data at its own path",
        arguments: [
            (#"{"version":"1","request":{"userAttributes":{},"codes":[[1],[256]]}}"#, "corrupted at request.codes.[1].[0]"),
            (#"{"version":"1","request":{"userAttributes":{},"codes":[[1.5]]}}"#, "corrupted at request.codes.[0].[0]"),
            (#"{"version":"1","request":{"userAttributes":{},"attempts":1e300}}"#, "corrupted at request.attempts"),
        ])
    func inexactNumbers(text: String, summary: String) throws {
        do {
            _ = try JSONValue.decode(Event.self, from: Array(text.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(Self.summary(error) == summary)
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Event.self, from: Data(text.utf8)) }
    }

    @Test("bytes that are not JSON throw the reader's error, not a DecodingError")
    func notJSON() {
        #expect(throws: JSONError.syntax(at: 1)) { try JSONValue.decode(Event.self, from: Array("{,}".utf8)) }
        #expect(throws: JSONError.string(at: 2)) { try JSONValue.decode(Event.self, from: [0x7B, 0x22, 0xFF, 0x22, 0x7D]) }
    }

    @Test("an encoded model is the bytes Foundation writes with sorted keys and unescaped slashes")
    func encodes() throws {
        let event = try JSONValue.decode(Event.self, from: Array(Self.good.utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(try JSONValue.encode(event) == Array(try encoder.encode(event)))
        // Nil optionals are left out, as Foundation leaves them out.
        let bare = Event(version: "2/3", request: Request(userAttributes: ["a\"b": "c\\d\n"]), flags: nil)
        #expect(try JSONValue.encode(bare) == Array(try encoder.encode(bare)))
        #expect(
            String(decoding: try JSONValue.encode(bare), as: UTF8.self)
                == #"{"request":{"userAttributes":{"a\"b":"c\\d\n"}},"version":"2/3"}"#)
    }

    @Test("what JSON cannot hold is an encoding error")
    func notEncodable() {
        #expect(throws: EncodingError.self) { try JSONValue.encode(["x": Double.nan]) }
        #expect(throws: EncodingError.self) { try JSONValue.encode([Double.infinity]) }
    }

    @Test("1,000 seeded models decode and encode as Foundation does")
    func seededModels() throws {
        var generator = SplitMix64(seed: 25)
        let words = ["", "a", "é", "😀", "a/b", "q\"", "\\", "\n\t", "\u{1}", "CUSTOM_CHALLENGE"]
        func word() -> String { words[Int(generator.next() % UInt64(words.count))] }
        func maybe() -> Bool { generator.next() % 3 != 0 }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for _ in 0..<1_000 {
            let sessions = (0..<Int(generator.next() % 4)).map { _ in
                Session(challengeName: word(), challengeResult: generator.next() % 2 == 0, challengeMetadata: maybe() ? word() : nil)
            }
            let request = Request(
                session: maybe() ? sessions : nil,
                clientMetadata: maybe() ? Dictionary((0..<3).map { _ in (word(), word()) }) { $1 } : nil,
                userAttributes: Dictionary((0..<3).map { _ in (word(), word()) }) { $1 },
                attempts: maybe() ? Int(Int64(bitPattern: generator.next()) >> 12) : nil,
                ratio: maybe() ? Double(Int64(bitPattern: generator.next()) >> 11) / 1024 : nil,
                codes: maybe() ? [[UInt8(generator.next() % 256)], []] : nil)
            let event = Event(version: word(), request: request, flags: maybe() ? [true, nil] : nil)
            let ours = try JSONValue.encode(event)
            #expect(ours == Array(try encoder.encode(event)))
            #expect(try JSONValue.decode(Event.self, from: ours) == event)
            #expect(try JSONDecoder().decode(Event.self, from: Data(ours)) == event)
        }
    }
}
