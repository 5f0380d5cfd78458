import AWSMessaging
import AWSSigning
import LambdaRuntime
import PasswordlessAuth
import PasswordlessTriggers

/// Sends codes through Amazon SNS (SMS) and Amazon SES v2 (email), with clients built once at start-up.
public final class AWSDelivery: CodeDelivery {
    let sns: SNSClient?
    let ses: SESClient?

    /// Builds the clients the allowed channels need; a missing credential, region or sender is an error
    /// naming the variable.
    public init(environment: [String: String], channels: [Channel]) throws(TriggerError) {
        do {
            sns = channels.contains(.sms) ? try SNSClient.fromEnvironment(environment) : nil
            ses = channels.contains(.email) ? try SESClient.fromEnvironment(environment) : nil
        } catch {
            // Building a client from the environment fails only on a variable.
            throw .invalidConfiguration(error.variable ?? "OTP_DELIVERY", error.problem ?? error.description)
        }
    }

    /// Sends the message; every attempt and wait ends before the deadline.
    public func deliver(_ message: CreateAuthChallenge.Message, deadlineEpochMs: Int64) throws(TriggerError) {
        do {
            switch message {
            case .sms(let phoneNumber, let text):
                guard let sns else { throw TriggerError.deliveryFailed("SMS is not among OTP_CHANNELS") }
                _ = try sns.publishSMS(to: phoneNumber, message: text, deadlineEpochMs: deadlineEpochMs)
            case .email(let address, let subject, let text, let html):
                guard let ses else { throw TriggerError.deliveryFailed("email is not among OTP_CHANNELS") }
                _ = try ses.sendEmail(to: address, subject: subject, text: text, html: html, deadlineEpochMs: deadlineEpochMs)
            }
        } catch let error as AWSMessagingError {
            throw .deliveryFailed(error.description)
        } catch let error as TriggerError {
            throw error
        } catch {
            throw .deliveryFailed(String(describing: error))
        }
    }
}

/// OpenSSL's CSPRNG (`RAND_bytes`), read 64 words at a time; a failure is an error, never a weak code.
public final class SecureRandom: RandomSource {
    private var bytes: [UInt8] = []
    private var position = 0

    /// Creates the source and draws its first bytes now, so OpenSSL seeds its generator at start-up
    /// rather than in the first sign-in, and a broken generator is an init error.
    public init() throws {
        bytes = try secureRandomBytes(count: 512)
    }

    /// The next random word.
    public func next() throws -> UInt64 {
        if position == bytes.count {
            bytes = try secureRandomBytes(count: 512)
            position = 0
        }
        var word: UInt64 = 0
        for offset in 0..<8 { word |= UInt64(bytes[position + offset]) << (8 * offset) }
        position += 8
        return word
    }
}

extension Trigger {
    /// Runs create-auth-challenge with OpenSSL's randomness and the delivery `OTP_DELIVERY` asks for.
    public static func runCreate() -> Never {
        Trigger.create.main { environment, configuration, logger in
            CreateParts(
                delivery: try makeDelivery(environment: environment, channels: configuration.channels, logger: logger),
                random: try SecureRandom())
        }
    }

    /// Builds the delivery `OTP_DELIVERY` asks for: AWS by default, the console for local runs.
    public static func makeDelivery(environment: [String: String], channels: [Channel], logger: Logger) throws -> any CodeDelivery {
        switch try DeliveryMode.fromEnvironment(environment) {
        case .console:
            if environment[RuntimeAPI.addressVariable] != nil {
                logger.warn("OTP_DELIVERY=console writes codes to standard error; use it for local runs only")
            }
            return ConsoleDelivery()
        case .aws:
            return try AWSDelivery(environment: environment, channels: channels)
        }
    }
}
