import AWSDelivery
import PasswordlessAuth
import PasswordlessTriggers

CreateHandler.main { settings, logger in
    let configuration = try PasswordlessConfiguration(settings)
    let delivery: any CodeDelivery =
        switch try DeliveryMode(settings) {
        case .aws: try AWSCodeDelivery(settings, channels: configuration.channels)
        case .console: ConsoleDelivery(warningIfServing: settings, logger)
        }
    let limits = try settings.string("RATE_LIMIT_TABLE").map { _ in try DynamoDBLimitStore(settings) }
    CreateHandler.warnAboutMissingProtections(settings, configuration, hasLimits: limits != nil, logger)
    return CreateHandler(
        configuration: configuration, delivery: delivery, limits: limits, onLimitsFailure: try LimitFailurePolicy(settings),
        random: try KernelRandom())
}
