import AWSHTTP
import AWSSigning
import Settings

/// The one place that builds AWS clients from the settings: credentials once, then each service's region,
/// endpoint and options. Errors name the variable at fault.
///
/// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION` or `AWS_DEFAULT_REGION`,
/// `AWS_ENDPOINT_URL`, and per service the variables its method names.
package struct AWSClientFactory: Sendable {
    let settings: SettingsReader
    let credentials: Credentials
    let transport: any HTTPTransport
    let retryPolicy: RetryPolicy
    let scheduling: RetryScheduling

    package init(
        _ settings: SettingsReader, transport: any HTTPTransport, retryPolicy: RetryPolicy = RetryPolicy(),
        scheduling: RetryScheduling = .system
    ) throws(SettingsError) {
        self.settings = settings
        credentials = try Credentials(settings)
        self.transport = transport
        self.retryPolicy = retryPolicy
        self.scheduling = scheduling
    }

    /// SNS, for SMS: `SNS_REGION`, `AWS_ENDPOINT_URL_SNS`, `SMS_TYPE`, `SMS_SENDER_ID`, `SMS_ORIGINATION_NUMBER`.
    package func sns() throws(SettingsError) -> SNSClient {
        SNSClient(
            connection: try connection(
                signingName: "sns", hostPrefix: "sns", endpointVariable: "AWS_ENDPOINT_URL_SNS", regionVariable: "SNS_REGION"),
            smsType: try settings.oneOf("SMS_TYPE", ["Transactional": "Transactional", "Promotional": "Promotional"]) ?? "Transactional",
            senderID: settings.trimmed("SMS_SENDER_ID"), originationNumber: settings.trimmed("SMS_ORIGINATION_NUMBER"))
    }

    /// SES v2, for email: `EMAIL_FROM` (required), `SES_REGION`, `AWS_ENDPOINT_URL_SESV2`, `SES_CONFIGURATION_SET`.
    package func ses() throws(SettingsError) -> SESClient {
        let fromAddress = try SESClient.senderAddress(settings)
        // SES v2 is reached at `email.` hosts but signs with the name `ses`.
        return SESClient(
            connection: try connection(
                signingName: "ses", hostPrefix: "email", endpointVariable: "AWS_ENDPOINT_URL_SESV2", regionVariable: "SES_REGION"),
            fromAddress: fromAddress, configurationSet: settings.trimmed("SES_CONFIGURATION_SET"))
    }

    /// DynamoDB, for the shared limits: `AWS_ENDPOINT_URL_DYNAMODB`.
    package func dynamoDB() throws(SettingsError) -> DynamoDBClient {
        DynamoDBClient(
            connection: try connection(signingName: "dynamodb", hostPrefix: "dynamodb", endpointVariable: "AWS_ENDPOINT_URL_DYNAMODB"))
    }

    /// Cognito's admin API, to mark a destination verified: `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`.
    package func cognitoIdentityProvider() throws(SettingsError) -> CognitoIdentityProviderClient {
        CognitoIdentityProviderClient(
            connection: try connection(
                signingName: "cognito-idp", hostPrefix: "cognito-idp", endpointVariable: "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"))
    }

    func connection(
        signingName: String, hostPrefix: String, endpointVariable: String, regionVariable: String? = nil
    ) throws(SettingsError) -> ServiceConnection {
        let region = try AWSRegion.read(settings, override: regionVariable)
        return ServiceConnection(
            credentials: credentials, region: region, signingName: signingName,
            endpoint: try Endpoint.resolve(prefix: hostPrefix, region: region, serviceVariable: endpointVariable, settings: settings),
            transport: transport, retryPolicy: retryPolicy, scheduling: scheduling)
    }
}
