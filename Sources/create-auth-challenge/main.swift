import PasswordlessAWS
import PasswordlessAuth
import PasswordlessTriggers

CreateHandler.main { settings, logger in
    let configuration = try PasswordlessConfiguration(settings)
    let mode = try DeliveryMode(settings)
    let delivery: any CodeDelivery =
        switch mode {
        case .aws: try AWSCodeDelivery(settings, channels: configuration.channels)
        case .console: ConsoleDelivery()
        }
    // No closure in here: one passed to the standard library's `map` gets a run-time main-actor check, which links
    // Swift Concurrency and Dispatch (bench/README.md).
    let limits: DynamoDBLimitStore? =
        if settings.trimmed("RATE_LIMIT_TABLE") != nil { try DynamoDBLimitStore(settings, hashKey: configuration.hashKey) } else { nil }
    try CreateHandler.checkProtections(settings, configuration, delivery: mode, hasLimits: limits != nil, logger)
    return CreateHandler(
        configuration: configuration, delivery: delivery, limits: limits, onLimitsFailure: try LimitFailurePolicy(settings),
        random: try KernelRandom())
}
