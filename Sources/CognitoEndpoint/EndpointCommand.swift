import Dispatch
import Platform
import Settings

/// The `passwordless-endpoint` command: Cognito's API on loopback in front of the real trigger executables.
package enum EndpointCommand {
    static let usage = """
        usage: passwordless-endpoint [--host 127.0.0.1] [--port 9229] [--pool-id ID] [--client-id ID] [--sign-up-client-id ID]
                                     [--username-attributes email-or-phone|none] [--auth-session-minutes 3-15]
                                     [--user-pool-tier LITE|ESSENTIALS|PLUS] [--first-factors EMAIL_OTP,SMS_OTP]
                                     [--functions DIR] [--state DIR] [--outbox FILE] [--test-clock FILE]
                                     [--template FILE | --no-template] [--parameter Name=Value ...]

        Speaks Cognito's JSON API (InitiateAuth CUSTOM_AUTH, RespondToAuthChallenge, SignUp, GetUser and the admin
        calls) and runs define-, create-, verify-auth-challenge and pre-sign-up as Lambda would, each in its own
        process. Point an SDK or the AWS CLI at http://HOST:PORT. Without a template, OTP_*, limits, HASH_KEY,
        EMAIL_*, SMS_* pass through to the functions; with one, the functions get the environment it declares. Either
        way OTP_DELIVERY is console unless set, and --outbox FILE gets every message.
        --first-factors EMAIL_OTP,SMS_OTP (the pool's AllowedFirstAuthFactors, Essentials tier or higher): Cognito's own
        passwordless sign-in too, InitiateAuth USER_AUTH with PREFERRED_CHALLENGE or SELECT_CHALLENGE, its 8-digit
        codes sent by the endpoint itself (to --outbox FILE) and answered as EMAIL_OTP_CODE or SMS_OTP_CODE.
        --test-clock FILE, for tests only: the endpoint's own clock (sessions, tokens) runs ahead of the system's by the
        seconds written in FILE, so a test can let a session expire without waiting. The functions keep the system's.
        --template FILE: the user pool, app clients and trigger functions FILE declares (a SAM template), with
        --parameter Name=Value as sam deploy --parameter-overrides takes them; what the endpoint cannot honour is
        refused at start. Run where ./template.yaml exists, that is the default; --no-template turns it off and the
        pool is the one the options above describe (docs/local-endpoint.md).
        """

    struct Arguments {
        var host = "127.0.0.1"
        var port: UInt16 = 9229
        var poolID = "us-east-1_LocalPool"
        var clientID = "passwordlesslocalclient"
        var signUpClientID = "passwordlesslocalsignup"
        var signInWithDestination = true
        var sessionMinutes = 3
        /// `UserPoolTier`; Cognito's default.
        var tier = "ESSENTIALS"
        /// `AllowedFirstAuthFactors`; Cognito's default.
        var firstFactors: Set<String> = ["PASSWORD"]
        var functions: String?
        var state = ".build/passwordless-endpoint"
        var outbox: String?
        var testClock: String?
        /// The SAM template the pool comes from; nil: the options above.
        var template: String?
        var parameters: [String] = []
        /// Options a template decides, given here: refused beside a template.
        var poolOptions: [String] = []
    }

    /// Parses the arguments; an error names the one at fault. `defaultTemplate` is taken when it exists and no
    /// `--template` or `--no-template` is given.
    static func parse(_ arguments: [String], defaultTemplate: String = "template.yaml") throws(EndpointError) -> Arguments {
        var parsed = Arguments()
        var reader = CommandLineReader(arguments)
        var noTemplate = false
        while let flag = reader.next() {
            if flag == "--no-template" {
                noTemplate = true
                continue
            }
            let value: String
            do { value = try reader.value(of: flag) } catch { throw .arguments("\(error) (see --help)") }
            switch flag {
            case "--host": parsed.host = value
            case "--port":
                guard let port = UInt16(value) else { throw .arguments("--port must be 0-65535, got \(value)") }
                parsed.port = port
            case "--pool-id": parsed.poolID = value
            case "--client-id": parsed.clientID = value
            case "--sign-up-client-id": parsed.signUpClientID = value
            case "--username-attributes":
                guard ["email-or-phone", "none"].contains(value) else {
                    throw .arguments("--username-attributes is email-or-phone or none")
                }
                parsed.signInWithDestination = value != "none"
                parsed.poolOptions.append(flag)
            case "--auth-session-minutes":
                guard let minutes = Int(value), (3...15).contains(minutes) else { throw .arguments("--auth-session-minutes must be 3-15") }
                parsed.sessionMinutes = minutes
                parsed.poolOptions.append(flag)
            case "--user-pool-tier":
                guard PoolTemplate.tiers.contains(value) else { throw .arguments("--user-pool-tier is LITE, ESSENTIALS or PLUS") }
                parsed.tier = value
                parsed.poolOptions.append(flag)
            case "--first-factors":
                parsed.firstFactors = Set(value.split(separator: ",").map { String($0).trimmingWhitespace() })
                if let wrong = parsed.firstFactors.sorted().first(where: { !PoolTemplate.firstFactors.contains($0) }) {
                    throw .arguments(
                        "--first-factors \(wrong): the endpoint has PASSWORD, EMAIL_OTP and SMS_OTP"
                            + (wrong == "WEB_AUTHN" ? " (no passkeys here)" : ""))
                }
                parsed.poolOptions.append(flag)
            case "--functions": parsed.functions = value
            case "--state": parsed.state = value
            case "--outbox": parsed.outbox = value
            case "--test-clock": parsed.testClock = value
            case "--template": parsed.template = value
            case "--parameter": parsed.parameters.append(value)
            default: throw .arguments("unknown argument \(flag) (see --help)")
            }
        }
        if noTemplate {
            guard parsed.template == nil else { throw .arguments("--template and --no-template exclude each other") }
        } else if parsed.template == nil, FileIO.isReadable(defaultTemplate) {
            // Run from a checkout, the pool is the one the project deploys.
            parsed.template = defaultTemplate
        }
        if parsed.template == nil, !parsed.parameters.isEmpty { throw .arguments("--parameter needs a template (--template FILE)") }
        // Cognito's sign-in policy, and with it passwordless sign-in, needs the Essentials tier or higher.
        if parsed.tier == "LITE", !parsed.firstFactors.isDisjoint(with: UserPoolServices.passwordlessFactors) {
            throw .arguments(
                "--first-factors \(parsed.firstFactors.sorted().joined(separator: ",")) needs --user-pool-tier ESSENTIALS or PLUS")
        }
        if let template = parsed.template, let option = parsed.poolOptions.first {
            throw .arguments(
                "\(option) conflicts with --template \(template): the template decides it (give --parameter, or --no-template)")
        }
        return parsed
    }

    /// Runs until killed; returns an exit status when it cannot start.
    package static func main(arguments: [String]) -> Int32 {
        if CommandLineReader.asksForHelp(arguments) {
            FileIO.writeToStandardOutput(usage + "\n")
            return 0
        }
        do {
            let parsed = try parse(arguments)
            let service = try start(parsed)
            let url = "http://\(parsed.host):\(service.1)"
            let options = service.0.services.options
            let signUp =
                options.client(parsed.signUpClientID).map { _ in "  sign-up client \(parsed.signUpClientID)" } ?? "  no sign-up client"
            FileIO.writeToStandardOutput(
                "passwordless-endpoint on \(url)  pool \(parsed.poolID)  client \(parsed.clientID)\(signUp)  state \(parsed.state)"
                    + (parsed.template.map { "  template \($0)" } ?? "") + "\n")
            if let file = parsed.testClock {
                FileIO.writeToStandardError(
                    "passwordless-endpoint: test clock on: sessions and tokens run ahead of the system clock by the seconds in \(file)\n")
            }
            if !parsed.host.hasPrefix("127.") {
                FileIO.writeToStandardError(
                    "passwordless-endpoint: listening on \(parsed.host), not loopback: anyone who reaches it can make accounts and sign in\n"
                )
            }
            dispatchMain()
        } catch {
            FileIO.writeToStandardError("passwordless-endpoint: \(error)\n")
            return 1
        }
    }

    static func start(_ arguments: Arguments) throws(EndpointError) -> (CognitoService, UInt16) {
        guard FileIO.makeDirectory(arguments.state) else { throw .state("cannot make the state directory \(arguments.state)") }
        // It holds the signing key and the accounts: a directory others can read or write is refused, not used.
        guard FileIO.isPrivateDirectory(arguments.state) else {
            throw .state(
                "the state directory \(arguments.state) must be a directory of your own that others cannot read or write"
                    + " (chmod 700), not a link")
        }
        // The template first: a parameter or setting it refuses stops the start before anything listens.
        let template = try arguments.template.map { (path) throws(EndpointError) in
            try PoolTemplate.load(path: path, overrides: arguments.parameters, stackKey: try FunctionSet.hashKey(arguments.state))
        }
        let pool = try UserPool(
            statePath: arguments.state + "/users.json",
            signInWithDestination: template?.signInWithDestination ?? arguments.signInWithDestination)
        let signer = try TokenSigner(keyPath: arguments.state + "/signing-key.pem")
        // The server listens first (the port may be the kernel's pick), and takes its handler when it starts.
        let server: HTTPServer
        do {
            server = try HTTPServer(host: arguments.host, port: arguments.port)
        } catch {
            throw .arguments("\(error)")
        }
        let base = "http://\(arguments.host):\(server.port)"
        let outbox = Outbox(path: arguments.outbox)
        let triggers = try FunctionSet.start(
            arguments, endpointURL: base, stateDirectory: arguments.state, template: template, outbox: outbox)
        let clock: any WallClock = arguments.testClock.map(TestClock.init) ?? SystemClock()
        var options = UserPoolServices.Options(
            poolID: arguments.poolID, clientID: arguments.clientID, signUpClientID: arguments.signUpClientID, region: "us-east-1",
            issuerBase: base, allowedHosts: allowedHosts(arguments.host, port: server.port), sessionMinutes: arguments.sessionMinutes)
        options.tier = arguments.tier
        options.firstFactors = arguments.firstFactors
        if let template { options.apply(template) }
        let service = CognitoService(options: options, pool: pool, signer: signer, triggers: triggers, clock: clock, outbox: outbox)
        server.serveCognitoAPI { service.handle($0) }
        return (service, server.port)
    }
}

/// `--test-clock FILE`: the system clock moved ahead by the whole seconds written in FILE, read at every use (no file,
/// or no number in it, moves it by nothing). Only for tests, and only when the flag is given.
struct TestClock: WallClock {
    let file: String

    func nowEpochMilliseconds() -> Int64 {
        var seconds: Int64 = 0
        if case .success(let bytes) = FileIO.readAll(path: file) {
            seconds = Int64(String(decoding: bytes, as: UTF8.self).trimmingWhitespace()) ?? 0
        }
        return SystemClock.nowEpochMilliseconds() + seconds * 1000
    }
}

extension EndpointCommand {
    /// The `Host` values the endpoint answers: its own address and the loopback names, with its port. Listening
    /// beyond loopback (for a phone on the LAN) it answers any, having warned at start.
    static func allowedHosts(_ host: String, port: UInt16) -> Set<String>? {
        guard host.hasPrefix("127.") || host == "localhost" else { return nil }
        return Set([host, "127.0.0.1", "localhost", "[::1]"].map { "\($0.lowercased()):\(port)" })
    }
}

extension UserPoolServices.Options {
    /// The pool and app clients a template declares, in place of the options' defaults.
    mutating func apply(_ template: PoolTemplate) {
        sessionMinutes = template.sessionMinutes
        allowAdminCreateUserOnly = template.allowAdminCreateUserOnly
        tier = template.tier
        firstFactors = template.firstFactors
        otpMessages = template.otpMessages
        var clients = [clientID: template.signIn]
        if let signUp = template.signUp { clients[signUpClientID] = signUp }
        self.clients = clients
    }
}
