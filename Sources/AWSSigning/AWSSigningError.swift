/// An error from reading credentials or from the OpenSSL primitives.
public struct AWSSigningError: Error, Equatable, Sendable, CustomStringConvertible {
    private enum Kind: Equatable, Sendable {
        case missingVariable(String)
        case randomFailure
    }

    private let kind: Kind

    private init(_ kind: Kind) {
        self.kind = kind
    }

    /// A required environment variable is missing or empty.
    public static func missingVariable(_ name: String) -> AWSSigningError {
        AWSSigningError(.missingVariable(name))
    }

    /// OpenSSL could not produce secure random bytes.
    public static let randomFailure = AWSSigningError(.randomFailure)

    /// The variable named by a `missingVariable` error, so callers can re-wrap it in their own error type.
    package var missingVariableName: String? {
        if case .missingVariable(let name) = kind { return name }
        return nil
    }

    /// A log-safe description that names the variable or primitive at fault.
    public var description: String {
        switch kind {
        case .missingVariable(let name):
            return "\(name) is not set or is empty"
        case .randomFailure:
            return "OpenSSL RAND_bytes failed to produce secure random bytes"
        }
    }
}
