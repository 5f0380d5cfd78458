import AWSHTTP
import AWSSigning
import JSON
import Settings

/// Amazon Cognito user pools' admin API over its JSON 1.1 protocol (`POST /` with an `X-Amz-Target` header):
/// `AdminUpdateUserAttributes`, to mark an attribute verified.
///
/// Safe to share: all stored state is immutable, and the libcurl handle inside is guarded by a mutex.
package final class CognitoIdentityProviderClient: Sendable {
    static let operation = "Cognito AdminUpdateUserAttributes"
    static let target = "AWSCognitoIdentityProviderService.AdminUpdateUserAttributes"
    static let contentType = "application/x-amz-json-1.1"

    let connection: ServiceConnection

    package init(connection: ServiceConnection) { self.connection = connection }

    /// Sets `attributes` (name and value) on the user; every attempt and wait ends before the deadline.
    package func adminUpdateUserAttributes(
        userPoolID: String, userName: String, attributes: [(name: String, value: String)], deadlineEpochMs: Int64
    ) throws(AWSCallError) {
        let body = Array(Self.requestBody(userPoolID: userPoolID, userName: userName, attributes: attributes).utf8)
        // The user name may be the phone number or address itself: never let AWS's text carry it to a log.
        let secrets = [userName] + connection.secrets
        _ = try connection.executor.execute(
            operation: Self.operation, deadlineEpochMs: deadlineEpochMs,
            makeRequest: { now in signedRequest(body: body, nowEpochMs: now) },
            parseFailure: { response in Self.parseFailure(response, redacting: secrets) })
    }

    /// A POST to `/` with the JSON 1.1 headers; `X-Amz-Target` is signed along with `Host` and `Content-Type`.
    func signedRequest(body: [UInt8], nowEpochMs: Int64) -> HTTPRequest {
        connection.signedPOST(
            "/", contentType: Self.contentType, extraHeaders: [("X-Amz-Target", Self.target)], body: body, nowEpochMs: nowEpochMs)
    }

    /// The request body, with sorted keys so the bytes are fixed.
    static func requestBody(userPoolID: String, userName: String, attributes: [(name: String, value: String)]) -> String {
        let request = UpdateRequest(
            UserAttributes: attributes.map { UpdateRequest.Attribute(Name: $0.name, Value: $0.value) }, UserPoolId: userPoolID,
            Username: userName)
        // Strings and arrays only: encoding cannot fail.
        return String(decoding: (try? JSONValue.encode(request)) ?? [], as: UTF8.self)
    }

    /// Reads a Cognito error: the code from `x-amzn-ErrorType` or the body's `__type`, and the message. An XML
    /// error (as moto sends for a failed signature or policy check) gives its `Code` and `Message`.
    package static func parseFailure(_ response: HTTPResponse, redacting secrets: [String]) -> ServiceFailure {
        let answer = try? JSONValue.decode(ErrorBody.self, from: response.body)
        let xml = answer == nil ? String(decoding: response.body, as: UTF8.self) : nil
        let rawMessage = answer?.message ?? answer?.Message ?? xml.flatMap { xmlElementText("Message", in: $0) }
        let jsonCode = jsonProtocolErrorCode(response, bodyType: answer?.__type ?? answer?.code ?? answer?.Code)
        let code = [jsonCode, xml.flatMap { xmlElementText("Code", in: $0) }].compactMap { $0?.trimmingWhitespace() }.first { !$0.isEmpty }
        let message = rawMessage.map { sanitizedAWSText($0, redacting: secrets) } ?? ""
        guard let code else { return ServiceFailure(code: "HTTP \(response.status)", message: message) }
        return ServiceFailure(code: sanitizedAWSText(code, redacting: secrets, limit: 100), message: message)
    }
}

/// The `AdminUpdateUserAttributes` input, named as Cognito names it.
private struct UpdateRequest: Encodable {
    struct Attribute: Encodable {
        var Name: String
        var Value: String
    }

    var UserAttributes: [Attribute]
    var UserPoolId: String
    var Username: String
}

/// The fields Cognito error answers carry.
private struct ErrorBody: Decodable {
    var __type: String?
    var code: String?
    var Code: String?
    var message: String?
    var Message: String?
}
