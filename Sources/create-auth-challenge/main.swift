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
    let limits = try settings.trimmed("RATE_LIMIT_TABLE").map { _ in try DynamoDBLimitStore(settings, hashKey: configuration.hashKey) }
    try CreateHandler.checkProtections(settings, configuration, delivery: mode, hasLimits: limits != nil, logger)
    return CreateHandler(
        configuration: configuration, delivery: delivery, limits: limits, onLimitsFailure: try LimitFailurePolicy(settings),
        random: try KernelRandom())
}
