import LambdaRuntime
import Settings

/// A handler for one Cognito trigger, with what its executable says about itself.
package protocol TriggerHandler: LambdaHandler {
    /// The executable's name, such as `define-auth-challenge`.
    static var functionName: String { get }
    /// One line for `--help`.
    static var summary: String { get }
    /// The `triggerSource` the handler accepts, such as `DefineAuthChallenge_Authentication`.
    static var triggerSource: String { get }
    /// The short name written as `trigger` on every log line.
    static var logName: String { get }
}

extension TriggerHandler {
    /// Runs the executable: the Runtime API loop under Lambda, or one local event otherwise.
    /// - Parameter makeHandler: builds the handler once, at start-up; a thrown error is an init error.
    package static func main(_ makeHandler: (SettingsReader, Logger) throws -> Self) -> Never {
        LambdaMain.run(
            name: functionName, summary: summary, baseFields: [("trigger", .string(logName))], makeHandler: makeHandler)
    }
}
