/// Why bytes are not a JSON document the reader accepts.
package struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    private enum Kind: Equatable, Sendable {
        case syntax
        case string
        case tooDeep
        case tooLarge
    }

    private let kind: Kind
    /// The byte offset where reading stopped.
    package let offset: Int

    /// Not RFC 8259's grammar: a stray byte, a missing comma, a bad number, a truncated document.
    package static func syntax(at offset: Int) -> Self { Self(kind: .syntax, offset: offset) }
    /// A string with a raw control character, invalid UTF-8, a bad escape or a lone surrogate.
    package static func string(at offset: Int) -> Self { Self(kind: .string, offset: offset) }
    /// Arrays and objects nested deeper than the limit.
    package static func tooDeep(at offset: Int) -> Self { Self(kind: .tooDeep, offset: offset) }
    /// More bytes than the limit.
    package static let tooLarge = Self(kind: .tooLarge, offset: 0)

    /// Whether the document failed inside a string (rather than between values).
    package var isInString: Bool { kind == .string }

    package var description: String {
        switch kind {
        case .syntax: "not JSON at byte \(offset)"
        case .string: "invalid string at byte \(offset)"
        case .tooDeep: "nested too deep at byte \(offset)"
        case .tooLarge: "too large"
        }
    }
}
