import Platform

/// Finds and starts the trigger executables, with the environment Lambda would give them.
enum FunctionSet {
    /// Variables passed through to the functions: what they read (docs/configuration.md), by prefix or name.
    static let passedPrefixes = ["OTP_", "MAX_", "RATE_LIMIT_", "EMAIL_", "SMS_", "SES_", "SNS_", "SIGNUP_"]
    static let passedNames: Set = ["HASH_KEY", "LOG_LEVEL", "METRICS_NAMESPACE"]

    /// Starts each trigger: without a template all four (pre-sign-up if built) with the variables passed through;
    /// with one, those it wires, each with the environment it declares.
    static func start(
        _ arguments: EndpointCommand.Arguments, endpointURL: String, stateDirectory: String, template: PoolTemplate? = nil,
        outbox: Outbox? = nil
    )
        throws(EndpointError) -> Triggers
    {
        let directory = arguments.functions ?? ownDirectory()
        let all = ProcessEnvironment.all()
        var passed = all.filter { name, _ in
            passedNames.contains(name) || passedPrefixes.contains { name.hasPrefix($0) }
        }
        // SignUp makes accounts whose destination is unverified: the first right code verifies it, as the template
        // sets up for self sign-up.
        passed["OTP_REQUIRE_VERIFIED"] = passed["OTP_REQUIRE_VERIFIED"] ?? "first-sign-in"
        if passed["HASH_KEY"] == nil { passed["HASH_KEY"] = try hashKey(stateDirectory) }
        // What the endpoint sets whatever the template says. Codes go to the console (or --outbox) unless the
        // endpoint's own OTP_DELIVERY says otherwise: a template's "aws" would send real messages from a laptop.
        var own = ["OTP_DELIVERY": all["OTP_DELIVERY"] ?? "console"]
        // The functions sign their calls back to this endpoint (verify marks a first-verified destination), which
        // takes any signer. With AWS_ENDPOINT_URL_DYNAMODB (DynamoDB Local, or moto in the tests) and RATE_LIMIT_TABLE,
        // the shared limits run there, signed with the credentials this endpoint was given; never real AWS's.
        let localDynamoDB =
            all["AWS_ENDPOINT_URL_DYNAMODB"].map { $0.hasPrefix("http://127.") || $0.hasPrefix("http://localhost") } ?? false
        if localDynamoDB {
            own["AWS_ENDPOINT_URL_DYNAMODB"] = all["AWS_ENDPOINT_URL_DYNAMODB"]
            for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"] { own[name] = all[name] }
            if let table = all["RATE_LIMIT_TABLE"] { own["RATE_LIMIT_TABLE"] = table }
        }
        own["AWS_ACCESS_KEY_ID"] = own["AWS_ACCESS_KEY_ID"] ?? "AKIDLOCALENDPOINT"
        own["AWS_SECRET_ACCESS_KEY"] = own["AWS_SECRET_ACCESS_KEY"] ?? "local-endpoint-secret"
        own["AWS_REGION"] = "us-east-1"
        own["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"] = endpointURL
        // One outbox for the functions and the endpoint's own messages (the codes of choice-based sign-in).
        let outbox = outbox ?? Outbox(path: arguments.outbox)
        var functions: [Triggers.Kind: any Invocable] = [:]
        for kind in Triggers.Kind.allCases {
            var environment: [String: String]
            if let template {
                guard let declared = template.functions[kind] else { continue }
                environment = declared
            } else {
                environment = passed
            }
            environment.merge(own) { $1 }
            if !localDynamoDB { environment["RATE_LIMIT_TABLE"] = nil }
            guard let executable = find(kind.rawValue, in: directory) else {
                if kind == .preSignUp && template == nil { continue }
                throw .function("no \(kind.rawValue) in \(directory) (build it with swift build, or give --functions DIR)")
            }
            functions[kind] = try TriggerFunction(name: kind.rawValue, executable: executable, environment: environment, outbox: outbox)
        }
        return Triggers(functions: functions)
    }

    /// DIR/<name>/bootstrap (an unpacked zip) or DIR/<name>.
    static func find(_ name: String, in directory: String) -> String? {
        [directory + "/" + name + "/bootstrap", directory + "/" + name].first { path in
            FileIO.isReadable(path) && !FileIO.isDirectory(path)
        }
    }

    /// The directory of this executable: `swift build` puts the functions beside it.
    static func ownDirectory() -> String {
        let path = CommandLine.arguments[0]
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }

    /// A random HASH_KEY made on first start and kept, so made-up destinations stay the same across restarts.
    static func hashKey(_ stateDirectory: String) throws(EndpointError) -> String {
        let path = stateDirectory + "/hash-key"
        if case .success(let bytes) = FileIO.readAll(path: path), bytes.count >= 16 { return String(decoding: bytes, as: UTF8.self) }
        let key = RandomID.token(24)
        guard FileIO.replace(path, with: Array(key.utf8)) else { throw .state("cannot write \(path)") }
        return key
    }
}
