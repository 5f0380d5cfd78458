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
    return CreateHandler(configuration: configuration, delivery: delivery, random: try KernelRandom())
}
