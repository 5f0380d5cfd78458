import LambdaRuntime
import PasswordlessAuth
import PasswordlessTriggers
import Platform
import Settings

/// The `passwordless-local` command: a whole sign-in on this machine, codes shown on the console.
enum LocalSignInCommand {
    static let usage = """
        passwordless-local: sign in on this machine, playing Cognito's part with the real trigger handlers.

        Usage: passwordless-local [--phone +15555550100] [--email you@example.com] [--username NAME]
                                  [--user-not-found] [--verbose]

        The code is written to standard error as the console delivery would send it; type it at the prompt,
        or type resend (or resend sms, resend email) for a new code, as a client would with clientMetadata
        {"action": "resend"}.
        Settings (OTP_LENGTH, OTP_CHANNELS, OTP_CHANNEL_CHOICE, MAX_ATTEMPTS, ...) come from the environment.

        """

    /// Runs the command and returns its exit status.
    static func main(arguments: [String]) -> Int32 {
        var attributes: [String: String] = [:]
        var userName: String?
        var userNotFound = false
        var verbose = false
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--help", "-h":
                print(usage, terminator: "")
                return 0
            case "--phone", "--email", "--username":
                guard let value = remaining.popFirst() else {
                    StandardErrorSink().write("passwordless-local: \(argument) needs a value; see --help\n")
                    return 2
                }
                // The destinations given are the user's verified ones, as after Cognito's own verification.
                if argument == "--phone" { attributes["phone_number"] = value; attributes["phone_number_verified"] = "true" }
                if argument == "--email" { attributes["email"] = value; attributes["email_verified"] = "true" }
                if argument == "--username" { userName = value }
            case "--user-not-found": userNotFound = true
            case "--verbose": verbose = true
            default:
                StandardErrorSink().write("passwordless-local: unknown argument \(argument); see --help\n")
                return 2
            }
        }
        guard !attributes.isEmpty || userNotFound else {
            StandardErrorSink().write("passwordless-local: give --phone and/or --email; see --help\n")
            return 2
        }
        let configuration: PasswordlessConfiguration
        let random: KernelRandom
        do {
            configuration = try PasswordlessConfiguration(Settings.fromProcess())
            random = try KernelRandom()
        } catch {
            StandardErrorSink().write("passwordless-local: invalid configuration: \(error)\n")
            return 1
        }
        attributes["sub"] = "00000000-0000-4000-8000-000000000000"
        let name = userName ?? attributes["email"] ?? attributes["phone_number"] ?? "someone@example.com"
        let signIn = LocalSignIn(
            userAttributes: userNotFound ? [:] : attributes, userName: name, configuration: configuration,
            random: random,
            logger: Logger(threshold: verbose ? .debug : .warn, baseFields: [("trigger", "local")]),
            prompt: { question in
                print(question, terminator: "")
                FileIO.flushBufferedOutput()
                return readLine()
            },
            say: { print($0) })
        var local = signIn
        local.userNotFound = userNotFound
        do {
            return try local.run() ? 0 : 1
        } catch {
            StandardErrorSink().write("passwordless-local: \(ErrorReport(error).errorMessage)\n")
            return 1
        }
    }
}
