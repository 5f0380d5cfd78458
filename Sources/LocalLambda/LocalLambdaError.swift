/// Why a function could not be run.
package enum LocalLambdaError: Error, Equatable, CustomStringConvertible {
    /// Its process or its Runtime API could not be started.
    case start(String)

    package var description: String {
        switch self {
        case .start(let detail): detail
        }
    }
}
