import Settings

/// An error from the runtime: the Runtime API, its connection, or the runtime's own settings.
struct LambdaRuntimeError: Error, Equatable, CustomStringConvertible {
    private enum Kind: Equatable {
        case missingHeader(String)
        case invalidHeader(String, String)
        case connection(String)
        case unexpectedStatus(path: String, status: Int)
        case malformedResponse(String)
    }

    private let kind: Kind

    /// A header the Runtime API must send was absent.
    static func missingHeader(_ name: String) -> Self { Self(kind: .missingHeader(name)) }
    /// A header held a value that could not be read.
    static func invalidHeader(_ name: String, _ value: String) -> Self { Self(kind: .invalidHeader(name, value)) }
    /// The connection to the Runtime API failed.
    static func connection(_ detail: String) -> Self { Self(kind: .connection(detail)) }
    /// The Runtime API answered with a status the runtime does not expect.
    static func unexpectedStatus(path: String, status: Int) -> Self { Self(kind: .unexpectedStatus(path: path, status: status)) }
    /// The Runtime API's answer was not valid HTTP.
    static func malformedResponse(_ detail: String) -> Self { Self(kind: .malformedResponse(detail)) }

    /// A short name for the kind of error, used as a Lambda `errorType`.
    var errorType: String {
        switch kind {
        case .missingHeader, .invalidHeader: "Runtime.InvalidInvocation"
        case .connection, .unexpectedStatus, .malformedResponse: "Runtime.APIError"
        }
    }

    /// A one-line description of the error.
    var description: String {
        switch kind {
        case .missingHeader(let name): "the Runtime API sent no \(name) header"
        case .invalidHeader(let name, let value): "the Runtime API sent an invalid \(name) header: \"\(value)\""
        case .connection(let detail): "Runtime API connection failed: \(detail)"
        case .unexpectedStatus(let path, let status): "Runtime API answered \(status) to \(path)"
        case .malformedResponse(let detail): "Runtime API sent a malformed response: \(detail)"
        }
    }
}

/// An error that names its own Lambda `errorType`; other errors are reported by their Swift type name.
package protocol LambdaReportableError: Error, CustomStringConvertible {
    var errorType: String { get }
}

extension LambdaRuntimeError: LambdaReportableError {}

extension SettingsError: LambdaReportableError {
    package var errorType: String { "InvalidConfiguration" }
}
