import Settings

/// How create-auth-challenge delivers codes (`OTP_DELIVERY`).
package enum DeliveryMode: String, Sendable {
    /// Sends through Amazon SNS and Amazon SES (the default).
    case aws
    /// Writes the message to standard error, for local runs.
    case console

    /// Reads `OTP_DELIVERY` (default `aws`).
    package init(_ settings: SettingsReader) throws(SettingsError) {
        self = try settings.oneOf("OTP_DELIVERY", ["aws": .aws, "console": .console]) ?? .aws
    }
}
