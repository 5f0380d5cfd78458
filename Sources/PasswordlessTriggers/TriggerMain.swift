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
    /// - Parameter createParts: builds create's delivery and random source; only create calls it.
    public func makeHandler(
        environment: [String: String], logger: Logger, createParts: CreatePartsFactory? = nil
    ) throws -> any LambdaHandler {
        switch self {
        case .define:
            return DefineHandler(configuration: try PasswordlessConfiguration.fromEnvironment(environment))
        case .create:
            let configuration = try PasswordlessConfiguration.fromEnvironment(environment)
            guard let createParts else { preconditionFailure("create-auth-challenge needs its delivery and random source") }
            let parts = try createParts(environment, configuration, logger)
            return CreateHandler(configuration: configuration, delivery: parts.delivery, random: parts.random)
        case .verify:
            return VerifyHandler()
        }
    }

    /// Builds create's delivery and random source at start-up.
    public typealias CreatePartsFactory = (
        _ environment: [String: String], _ configuration: PasswordlessConfiguration, _ logger: Logger
    ) throws -> CreateParts

    /// Runs the executable: the Runtime API loop under Lambda, or one local event otherwise.
    public func main(createParts: CreatePartsFactory? = nil) -> Never {
        LambdaMain.run(name: executableName, summary: summary, baseFields: [("trigger", .string(rawValue))]) { environment, logger in
            AnyHandler(try makeHandler(environment: environment, logger: logger, createParts: createParts))
        }
    }
}

/// What create needs besides its settings: where codes go, and where their randomness comes from.
public struct CreateParts {
    /// The delivery.
    public var delivery: any CodeDelivery
    /// The random source.
    public var random: any RandomSource

    /// Creates the parts.
    public init(delivery: any CodeDelivery, random: any RandomSource) {
        self.delivery = delivery
        self.random = random
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
