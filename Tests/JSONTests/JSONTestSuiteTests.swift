import Foundation
import JSON
import Testing

/// JSONTestSuite's 318 parsing cases (`../shared/json-test-suite/test_parsing`): every `y_` document read, every
/// `n_` document refused, and each `i_` case (where RFC 8259 lets a reader choose) pinned to the choice
/// `JSONValue.init(parsing:limits:)` documents.
@Suite("JSONTestSuite's parsing cases")
struct JSONTestSuiteTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Tests/JSONTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // <package>
        .deletingLastPathComponent()
        .appendingPathComponent("shared/json-test-suite/test_parsing")

    static func names(prefix: String) -> [String] {
        let all = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return all.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }.sorted()
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// The `i_` cases this reader accepts: numbers it can hold as a `Double` (a too-small one reads as zero, a long
    /// integer as the nearest `Double`) and 500 nested arrays (within the 512 bound). Every other `i_` case is
    /// refused: numbers that overflow a `Double`, invalid UTF-8, lone or misordered surrogates, UTF-16, a BOM.
    static let acceptedImplementationDefined: [String: JSONValue] = [
        "i_number_double_huge_neg_exp.json": [.number(0)],
        "i_number_real_underflow.json": [.number(0)],
        "i_number_too_big_neg_int.json": [.number(-123_123_123_123_123_123_123_123_123_123.0)],
        "i_number_too_big_pos_int.json": [.number(100_000_000_000_000_000_000.0)],
        "i_number_very_big_negative_int.json": [
            .number(-237_462_374_673_276_894_279_832_749_832_423_479_823_246_327_846.0)
        ],
    ]

    @Test("the suite is all there: 95 y_, 188 n_, 35 i_ cases")
    func counts() {
        #expect(Self.names(prefix: "y_").count == 95)
        #expect(Self.names(prefix: "n_").count == 188)
        #expect(Self.names(prefix: "i_").count == 35)
    }

    @Test("every y_ document is read, and Foundation reads the same value", arguments: names(prefix: "y_"))
    func accepted(name: String) throws {
        let bytes = try Self.bytes(name)
        let value = try #require(JSONValue.parse(bytes), "\(name)")
        // Written back and read again, it is the same value.
        #expect(JSONValue.parse(value.bytes) == value)
        if let reference = JSONValueTests.Reference.parse(bytes) { #expect(reference == value, "\(name)") }
    }

    @Test("every n_ document is refused", arguments: names(prefix: "n_"))
    func refused(name: String) throws {
        #expect(JSONValue.parse(try Self.bytes(name)) == nil, "\(name)")
    }

    @Test("each i_ document gets the documented outcome", arguments: names(prefix: "i_"))
    func implementationDefined(name: String) throws {
        let value = JSONValue.parse(try Self.bytes(name))
        if name == "i_structure_500_nested_arrays.json" {
            var level = try #require(value)
            var depth = 1
            while case .array(let items) = level, let first = items.first {
                level = first
                depth += 1
            }
            #expect(depth == 500 && level == [])
        } else if let expected = Self.acceptedImplementationDefined[name] {
            #expect(value == expected, "\(name)")
        } else {
            #expect(value == nil, "\(name)")
        }
    }
}
