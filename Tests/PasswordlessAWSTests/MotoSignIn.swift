import LambdaRuntime
import PasswordlessAWS
import PasswordlessAuth
import PasswordlessTriggers
import Settings
import TestSupport

@testable import passwordless_local

/// A whole local sign-in whose create sends for real through SNS and SES (moto, in the tests).
enum MotoSignIn {
    /// Runs the sign-in; `answer` gives each answer typed at the prompt, or nil to stop.
    /// - Returns: whether it signed in, and the progress lines it printed.
    static func run(
        attributes: [String: String], userName: String, environment: [String: String], answer: @escaping () throws -> String?
    ) throws -> (Bool, [String]) {
        let configuration = try PasswordlessConfiguration(Settings(environment))
        var lines: [String] = []
        var failure: (any Error)?
        let signIn = LocalSignIn(
            userAttributes: attributes, userName: userName, configuration: configuration,
            delivery: try AWSCodeDelivery(Settings(environment), channels: configuration.channels), random: try KernelRandom(),
            logger: Logger(threshold: .error, sink: MemorySink()),
            prompt: { _ in
                do { return try answer() } catch {
                    failure = error
                    return nil
                }
            },
            say: { lines.append($0) })
        let signedIn = try signIn.run()
        if let failure { throw failure }
        return (signedIn, lines)
    }
}
