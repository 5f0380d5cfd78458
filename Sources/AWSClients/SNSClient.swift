import AWSHTTP
import AWSSigning
import Settings

/// Sends SMS through Amazon SNS `Publish` (query API, form-encoded).
///
/// Safe to share: all stored state is immutable, and the libcurl handle inside is guarded by a mutex.
package final class SNSClient: Sendable {
    static let operation = "SNS Publish"

    let connection: ServiceConnection
    let smsType: String
    let senderID: String?
    let originationNumber: String?

    init(
        connection: ServiceConnection, smsType: String = "Transactional", senderID: String? = nil, originationNumber: String? = nil
    ) {
        self.connection = connection
        self.smsType = smsType
        self.senderID = senderID
        self.originationNumber = originationNumber
    }

    /// Publishes `message` as an SMS to `phoneNumber` (E.164) and returns the SNS MessageId.
    ///
    /// Retries throttling, 5xx and network failures; everything, waits included, ends before
    /// `deadlineEpochMs` minus the policy's safety margin.
    package func publishSMS(
        to phoneNumber: String, message: String, deadlineEpochMs: Int64
    ) throws(AWSCallError) -> String {
        let response = try connection.executor.execute(
            operation: Self.operation, deadlineEpochMs: deadlineEpochMs,
            makeRequest: { now in publishRequest(to: phoneNumber, message: message, nowEpochMs: now) },
            parseFailure: { response in
                Self.parseFailure(response, redacting: [message, phoneNumber] + connection.secrets)
            })
        let body = String(decoding: response.body, as: UTF8.self)
        guard let messageId = xmlElementText("MessageId", in: body), !messageId.isEmpty else {
            throw .invalidResponse(operation: Self.operation, detail: "HTTP \(response.status) without a MessageId")
        }
        return messageId
    }

    /// The signed request for one Publish attempt at `nowEpochMs`.
    func publishRequest(to phoneNumber: String, message: String, nowEpochMs: Int64) -> HTTPRequest {
        let body = Array(
            Self.formBody(
                phoneNumber: phoneNumber, message: message, smsType: smsType, senderID: senderID,
                originationNumber: originationNumber
            ).utf8)
        return connection.signedPOST(
            "/", contentType: "application/x-www-form-urlencoded; charset=utf-8", body: body, nowEpochMs: nowEpochMs)
    }

    /// The form body of a Publish call with the SMS attributes that are set.
    static func formBody(
        phoneNumber: String, message: String, smsType: String, senderID: String?, originationNumber: String?
    ) -> String {
        var fields: [(String, String)] = [
            ("Action", "Publish"), ("Version", "2010-03-31"), ("PhoneNumber", phoneNumber), ("Message", message),
        ]
        var attributes = [("AWS.SNS.SMS.SMSType", smsType)]
        if let senderID { attributes.append(("AWS.SNS.SMS.SenderID", senderID)) }
        if let originationNumber { attributes.append(("AWS.MM.SMS.OriginationNumber", originationNumber)) }
        for (index, (name, value)) in attributes.enumerated() {
            let prefix = "MessageAttributes.entry.\(index + 1)"
            fields.append(("\(prefix).Name", name))
            fields.append(("\(prefix).Value.DataType", "String"))
            fields.append(("\(prefix).Value.StringValue", value))
        }
        return fields.map { "\(formEncode($0.0))=\(formEncode($0.1))" }.joined(separator: "&")
    }

    /// application/x-www-form-urlencoded, as the AWS SDKs send it: unreserved characters kept, a space as `+`,
    /// everything else `%XX` of its UTF-8 bytes (so a literal `+` is `%2B`).
    static func formEncode(_ text: String) -> String {
        percentEncode(text).replacingText("%20", with: "+")
    }

    /// Reads `Code` and `Message` from an SNS XML error; falls back to the HTTP status.
    static func parseFailure(_ response: HTTPResponse, redacting secrets: [String]) -> ServiceFailure {
        let body = String(decoding: response.body, as: UTF8.self)
        let code = xmlElementText("Code", in: body).map { sanitizedAWSText($0, redacting: secrets, limit: 100) }
        let message = xmlElementText("Message", in: body).map { sanitizedAWSText($0, redacting: secrets) }
        guard let code, !code.isEmpty else {
            return ServiceFailure(code: "HTTP \(response.status)", message: message ?? "")
        }
        return ServiceFailure(code: code, message: message ?? "")
    }
}

/// The text of the first `<name>…</name>` element, with XML entities decoded.
///
/// AWS query-API answers are flat and machine-written, so a search is enough; no XML parser is loaded.
func xmlElementText(_ name: String, in xml: String) -> String? {
    guard let open = xml.firstRange(ofText: "<\(name)>"),
        let close = xml[open.upperBound...].firstRange(ofText: "</\(name)>")
    else { return nil }
    return decodeXMLEntities(xml[open.upperBound..<close.lowerBound])
}

private func decodeXMLEntities(_ text: Substring) -> String {
    guard text.contains("&") else { return String(text) }
    var result = ""
    var rest = text
    while let amp = rest.firstIndex(of: "&") {
        result += rest[..<amp]
        let afterAmp = rest[rest.index(after: amp)...]
        guard let semicolon = afterAmp.prefix(10).firstIndex(of: ";") else {
            result += "&"
            rest = afterAmp
            continue
        }
        let entity = afterAmp[..<semicolon]
        let decoded: String?
        switch entity {
        case "amp": decoded = "&"
        case "lt": decoded = "<"
        case "gt": decoded = ">"
        case "quot": decoded = "\""
        case "apos": decoded = "'"
        default:
            var number: UInt32?
            if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                number = UInt32(entity.dropFirst(2), radix: 16)
            } else if entity.hasPrefix("#") {
                number = UInt32(entity.dropFirst())
            }
            decoded = number.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        }
        if let decoded {
            result += decoded
            rest = afterAmp[afterAmp.index(after: semicolon)...]
        } else {
            result += "&"
            rest = afterAmp
        }
    }
    return result + rest
}
