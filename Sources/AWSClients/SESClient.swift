import AWSHTTP
import AWSSigning
import JSON
import Settings

/// Sends email through Amazon SES v2 `SendEmail` (REST-JSON).
///
/// Safe to share: all stored state is immutable, and the libcurl handle inside is guarded by a mutex.
package final class SESClient: Sendable {
    static let operation = "SES SendEmail"
    static let operationPath = "/v2/email/outbound-emails"

    let connection: ServiceConnection
    let fromAddress: String
    let configurationSet: String?

    package init(connection: ServiceConnection, fromAddress: String, configurationSet: String? = nil) {
        self.connection = connection
        self.fromAddress = fromAddress
        self.configurationSet = configurationSet
    }

    /// `EMAIL_FROM`, checked to be `address@domain` or `Name <address@domain>`.
    static func senderAddress(_ settings: Settings) throws(SettingsError) -> String {
        let value = try settings.required("EMAIL_FROM")
        guard isValidSender(value) else {
            throw .invalid(
                "EMAIL_FROM",
                "must be address@domain or Name <address@domain> in ASCII (encode a non-ASCII name per RFC 2047)")
        }
        return value
    }

    /// Sends a UTF-8 email with a text part, plus an HTML part when `html` is given; returns the SES MessageId.
    ///
    /// Retries throttling, 5xx and network failures; everything, waits included, ends before
    /// `deadlineEpochMs` minus the policy's safety margin.
    package func sendEmail(
        to address: String, subject: String, text: String, html: String?, deadlineEpochMs: Int64
    ) throws(AWSCallError) -> String {
        let secrets = [text, html ?? "", subject, address] + connection.secrets
        let response = try connection.executor.execute(
            operation: Self.operation, deadlineEpochMs: deadlineEpochMs,
            makeRequest: { now in
                sendEmailRequest(to: address, subject: subject, text: text, html: html, nowEpochMs: now)
            },
            parseFailure: { response in Self.parseFailure(response, redacting: secrets) })
        let answer = try? JSONValue.decode(AnswerBody.self, from: response.body)
        guard let messageId = answer?.MessageId, !messageId.isEmpty else {
            throw .invalidResponse(operation: Self.operation, detail: "HTTP \(response.status) without a MessageId")
        }
        return messageId
    }

    /// The signed request for one SendEmail attempt at `nowEpochMs`.
    func sendEmailRequest(
        to address: String, subject: String, text: String, html: String?, nowEpochMs: Int64
    ) -> HTTPRequest {
        let body = Array(
            Self.requestBody(
                from: fromAddress, to: address, subject: subject, text: text, html: html,
                configurationSet: configurationSet
            ).utf8)
        return connection.signedPOST(Self.operationPath, contentType: "application/json", body: body, nowEpochMs: nowEpochMs)
    }

    /// The SendEmail JSON body, with sorted keys so the bytes are fixed.
    static func requestBody(
        from: String, to: String, subject: String, text: String, html: String?, configurationSet: String?
    ) -> String {
        let request = SendEmailRequest(
            FromEmailAddress: from, Destination: .init(ToAddresses: [to]),
            Content: .init(
                Simple: .init(
                    Subject: .init(Data: subject),
                    Body: .init(Text: .init(Data: text), Html: html.map { .init(Data: $0) }))),
            ConfigurationSetName: configurationSet)
        // Strings, arrays and objects only: encoding cannot fail.
        return String(decoding: (try? JSONValue.encode(request)) ?? [], as: UTF8.self)
    }

    /// Reads the error code from `x-amzn-ErrorType` or the JSON body, and the message from the body.
    package static func parseFailure(_ response: HTTPResponse, redacting secrets: [String]) -> ServiceFailure {
        let answer = try? JSONValue.decode(AnswerBody.self, from: response.body)
        let code = jsonProtocolErrorCode(response, bodyType: answer?.__type ?? answer?.code ?? answer?.Code)
        let message = (answer?.message ?? answer?.Message).map { sanitizedAWSText($0, redacting: secrets) } ?? ""
        guard let code else { return ServiceFailure(code: "HTTP \(response.status)", message: message) }
        return ServiceFailure(code: sanitizedAWSText(code, redacting: secrets, limit: 100), message: message)
    }
}

/// The fields SES v2 answers carry, success and error alike.
private struct AnswerBody: Decodable {
    var MessageId: String?
    var __type: String?
    var code: String?
    var Code: String?
    var message: String?
    var Message: String?
}

/// The SendEmail request members this client sets, named as SES v2 names them.
private struct SendEmailRequest: Encodable {
    struct Destination: Encodable { var ToAddresses: [String] }
    struct Text: Encodable {
        var Data: String
        var Charset = "UTF-8"
    }
    struct Body: Encodable {
        var Text: Text
        var Html: Text?
    }
    struct Simple: Encodable {
        var Subject: Text
        var Body: Body
    }
    struct Content: Encodable { var Simple: Simple }

    var FromEmailAddress: String
    var Destination: Destination
    var Content: Content
    var ConfigurationSetName: String?
}

/// Accepts `local@domain`, `<local@domain>` or `Name <local@domain>`, printable ASCII only.
func isValidSender(_ value: String) -> Bool {
    guard value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else { return false }
    var address = Substring(value)
    if value.hasSuffix(">") {
        guard let open = value.lastIndex(of: "<") else { return false }
        address = value[value.index(after: open)..<value.index(before: value.endIndex)]
        let name = value[..<open]
        guard !name.contains("<") && !name.contains(">") else { return false }
    }
    let parts = address.split(separator: "@", omittingEmptySubsequences: false)
    guard parts.count == 2, let local = parts.first, let domain = parts.last else { return false }
    guard !local.isEmpty, !domain.isEmpty, domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix(".")
    else { return false }
    return !address.contains(where: { $0 == " " || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" })
}
