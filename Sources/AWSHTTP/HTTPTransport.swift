import AWSSigning
import Settings

/// A request ready for the wire: `url` is absolute, `headers` are sent exactly as given.
package struct HTTPRequest: Sendable {
    var method: String
    var url: String
    var headers: [HTTPHeader]
    var body: [UInt8]

    package init(method: String, url: String, headers: [HTTPHeader], body: [UInt8]) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A complete response; header names keep the case the server sent.
package struct HTTPResponse: Sendable {
    package var status: Int
    var headers: [HTTPHeader]
    package var body: [UInt8]

    init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The id AWS gave the request: the `x-amzn-RequestId` header, else the `<RequestId>` of a query-API answer.
    var awsRequestID: String? {
        if let id = headerValue("x-amzn-RequestId") ?? headerValue("x-amz-request-id"), !id.isEmpty { return id }
        let text = String(decoding: body, as: UTF8.self)
        guard let open = text.firstRange(ofText: "<RequestId>"), let close = text[open.upperBound...].firstRange(ofText: "</RequestId>")
        else { return nil }
        let id = text[open.upperBound..<close.lowerBound]
        return id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) && !id.isEmpty ? String(id) : nil
    }

    /// The first value of the header `name`, compared case-insensitively.
    func headerValue(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}

/// A failure below HTTP, as a transport reports it inside `AWSCallError.transport`: nothing usable came back.
struct TransportFailure: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// The connect or total timeout expired.
        case timedOut
        /// Connecting, sending or receiving failed; a fresh attempt may work.
        case connectionFailed
        /// A local or permanent problem (bad URL, TLS verification) that retrying cannot fix.
        case permanent
    }

    let kind: Kind
    let detail: String

    init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }
}

/// Sends one HTTP request; the seam that lets tests replace libcurl with a fake.
package protocol HTTPTransport: Sendable {
    /// Sends `request`, giving up on connecting after `connectTimeoutMs` and on the whole exchange after `timeoutMs`.
    func send(_ request: HTTPRequest, connectTimeoutMs: Int64, timeoutMs: Int64) throws(AWSCallError) -> HTTPResponse
}
