@testable import LambdaRuntime
@testable import PasswordlessAWS
@testable import PasswordlessAuth
@testable import PasswordlessTriggers
@testable import Settings
@testable import TestSupport
@testable import passwordless_local

/// A whole local sign-in whose create sends for real through SNS and SES (moto, in the tests).
enum MotoSignIn {
    /// Runs the sign-in; `answer` gives each answer typed at the prompt, or nil to stop.
    /// - Returns: whether it signed in, and the progress lines it printed.
    /// - Parameters:
    ///   - marker: marks destinations verified; with `userPool`, the pool the events name.
    ///   - sink: receives the handlers' logs.
    static func run(
        attributes: [String: String], userName: String, environment: [String: String],
        marker: (any VerificationMarker)? = nil, userPool: String? = nil, sink: MemorySink = MemorySink(),
        answer: @escaping () throws -> String?
    ) throws -> (Bool, [String]) {
        let configuration = try PasswordlessConfiguration(SettingsReader(environment))
        var lines: [String] = []
        var failure: (any Error)?
        var signIn = LocalSignIn(
            user: LocalUser(attributes: attributes) { _ in }, userName: userName, configuration: configuration,
            delivery: try AWSCodeDelivery(SettingsReader(environment), channels: configuration.channels), marker: marker,
            random: try KernelRandom(), logger: Logger(threshold: .info, sink: sink),
            prompt: { _ in
                do { return try answer() } catch {
                    failure = error
                    return nil
                }
            },
            say: { lines.append($0) })
        if let userPool { signIn.userPoolID = userPool }
        let signedIn = try signIn.run()
        if let failure { throw failure }
        return (signedIn, lines)
    }
}
