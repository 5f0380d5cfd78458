import LambdaRuntime
import PasswordlessAuth

/// The three triggers, each started by its executable's one-line `main.swift`.
public enum Trigger: String, CaseIterable, Sendable {
    /// define-auth-challenge.
    case define
    /// create-auth-challenge.
    case create
    /// verify-auth-challenge.
    case verify

    /// The executable's name.
    public var executableName: String {
        switch self {
        case .define: "define-auth-challenge"
        case .create: "create-auth-challenge"
        case .verify: "verify-auth-challenge"
        }
    }

    var summary: String {
        switch self {
        case .define: "Cognito DefineAuthChallenge trigger: asks for a code, issues tokens, or fails the sign-in."
        case .create: "Cognito CreateAuthChallenge trigger: makes a one-time code and sends it by SMS or email."
        case .verify: "Cognito VerifyAuthChallengeResponse trigger: checks the code."
        }
    }

    /// Builds this trigger's handler from the environment; invalid settings throw an error naming the variable.
    public func makeHandler(environment: [String: String], logger: Logger) throws -> any LambdaHandler {
        switch self {
        case .define:
            return DefineHandler(configuration: try PasswordlessConfiguration.fromEnvironment(environment))
        case .create:
            let configuration = try PasswordlessConfiguration.fromEnvironment(environment)
            return CreateHandler(configuration: configuration, delivery: try makeDelivery(environment: environment, logger: logger))
        case .verify:
            return VerifyHandler()
        }
    }

    /// Runs the executable: the Runtime API loop under Lambda, or one local event otherwise.
    public func main() -> Never {
        LambdaMain.run(name: executableName, summary: summary, baseFields: [("trigger", .string(rawValue))]) { environment, logger in
            AnyHandler(try makeHandler(environment: environment, logger: logger))
        }
    }
}

/// Builds the delivery `OTP_DELIVERY` asks for.
func makeDelivery(environment: [String: String], logger: Logger) throws -> any CodeDelivery {
    switch try DeliveryMode.fromEnvironment(environment) {
    case .console:
        if environment[RuntimeAPI.addressVariable] != nil {
            logger.warn("OTP_DELIVERY=console writes codes to standard error; use it for local runs only")
        }
        return ConsoleDelivery()
    case .aws:
        let channels = try PasswordlessConfiguration.fromEnvironment(environment).channels
        return try AWSDelivery(environment: environment, channels: channels)
    }
}

/// A handler of any type, so the loop's generic code is specialised once.
struct AnyHandler: LambdaHandler {
    let base: any LambdaHandler
    init(_ base: any LambdaHandler) { self.base = base }
    func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8] {
        try base.handle(event, context: context)
    }
}
