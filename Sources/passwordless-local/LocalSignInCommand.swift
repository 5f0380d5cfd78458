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
                                  [--user-not-found] [--sign-up] [--verbose]

        The code is written to standard error as the console delivery would send it; type it at the prompt,
        or type resend (or resend sms, resend email) for a new code, as a client would with clientMetadata
        {"action": "resend"}.
        Without --sign-up the destinations given are verified ones. With --sign-up they are new and unverified:
        pre-sign-up checks them, then the first sign-in sends a code, and the right code marks the destination
        verified (OTP_REQUIRE_VERIFIED defaults to first-sign-in then).
        Settings (OTP_LENGTH, OTP_CHANNELS, OTP_CHANNEL_CHOICE, MAX_ATTEMPTS, ...) come from the environment.

        """

    /// What the command line asks for.
    struct Options {
        var attributes: [String: String] = [:]
        var userName: String?
        var userNotFound = false
        var signUp = false
        var verbose = false
    }

    /// Runs the command and returns its exit status.
    static func main(arguments: [String]) -> Int32 {
        let options: Options
        switch parse(arguments) {
        case .success(let parsed): options = parsed
        case .failure(let exit): return exit.status
        }
        var environment = ProcessEnvironment.all()
        // A self sign-up's destination is unverified: only first-sign-in lets the first code reach it.
        if options.signUp && environment["OTP_REQUIRE_VERIFIED"] == nil { environment["OTP_REQUIRE_VERIFIED"] = "first-sign-in" }
        let settings = SettingsReader(environment)
        let signIn: LocalSignIn
        do {
            signIn = try makeSignIn(options, settings)
        } catch {
            StandardErrorSink().write("passwordless-local: invalid configuration: \(error)\n")
            return 1
        }
        do {
            if options.signUp {
                guard try signIn.signUp() else { return 1 }
            }
            let signedIn = try signIn.run()
            if options.signUp { print("Attributes now: \(signIn.user.describeDestinations())") }
            return signedIn ? 0 : 1
        } catch {
            StandardErrorSink().write("passwordless-local: \(ErrorReport(error).errorMessage)\n")
            return 1
        }
    }

    /// An exit status that ends the command before any sign-in.
    struct Exit: Error { var status: Int32 }

    /// Reads the arguments; prints usage or an error and gives the exit status when there is nothing to run.
    static func parse(_ arguments: [String]) -> Result<Options, Exit> {
        var options = Options()
        var reader = CommandLineReader(arguments)
        func fail(_ message: String) -> Result<Options, Exit> {
            StandardErrorSink().write("passwordless-local: \(message); see --help\n")
            return .failure(Exit(status: 2))
        }
        while let argument = reader.next() {
            switch argument {
            case "--help", "-h":
                print(usage, terminator: "")
                return .failure(Exit(status: 0))
            case "--phone", "--email", "--username":
                let value: String
                do { value = try reader.value(of: argument) } catch { return fail("\(error)") }
                if argument == "--phone" { options.attributes["phone_number"] = value }
                if argument == "--email" { options.attributes["email"] = value }
                if argument == "--username" { options.userName = value }
            case "--user-not-found": options.userNotFound = true
            case "--sign-up": options.signUp = true
            case "--verbose": options.verbose = true
            default: return fail("unknown argument \(argument)")
            }
        }
        guard !options.attributes.isEmpty || options.userNotFound else { return fail("give --phone and/or --email") }
        guard !(options.signUp && options.userNotFound) else { return fail("--sign-up and --user-not-found exclude each other") }
        // Without --sign-up the destinations are the user's verified ones, as after Cognito's own verification.
        for channel in Channel.allCases where options.attributes[channel.attribute] != nil {
            options.attributes[channel.attribute + "_verified"] = options.signUp ? "false" : "true"
        }
        options.attributes["sub"] = "00000000-0000-4000-8000-000000000000"
        return .success(options)
    }

    /// The sign-in the options describe, with settings from `settings` and codes on the console.
    static func makeSignIn(_ options: Options, _ settings: SettingsReader) throws -> LocalSignIn {
        let attributes = options.attributes
        let name = options.userName ?? attributes["email"] ?? attributes["phone_number"] ?? "someone@example.com"
        var signIn = LocalSignIn(
            user: LocalUser(attributes: options.userNotFound ? [:] : attributes) { print($0) }, userName: name,
            configuration: try PasswordlessConfiguration(settings), signUpPolicy: try SignUpPolicy(settings),
            random: try KernelRandom(),
            logger: Logger(threshold: options.verbose ? .debug : .warn, baseFields: [("trigger", "local")]),
            prompt: { question in
                print(question, terminator: "")
                FileIO.flushBufferedOutput()
                return readLine()
            },
            say: { print($0) })
        signIn.userNotFound = options.userNotFound
        return signIn
    }
}
