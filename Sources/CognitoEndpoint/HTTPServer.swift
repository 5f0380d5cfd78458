import HTTP1
import JSON

// HTTP1's messages and server under the names the endpoint's files use.
typealias HTTPRequest = HTTP1.HTTPRequest
typealias HTTPResponse = HTTP1.HTTPResponse
typealias HTTPServer = HTTP1.HTTPServer

extension HTTPResponse {
    /// A JSON answer, in Cognito's content type unless told otherwise.
    static func json(_ status: Int, _ value: JSONValue, contentType: String = "application/x-amz-json-1.1") -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", contentType)], body: value.bytes)
    }
}

extension HTTPServer {
    /// Bodies over 1 MB are refused, so a client cannot make the endpoint hold more than that per connection. A
    /// connection idle for 10 s is closed (SDKs reconnect: urllib3, the JavaScript and Java SDKs check a pooled
    /// connection before reuse or retry a request cut off there), and a request must arrive in full within 10 s of its
    /// first byte: a megabyte on loopback or a LAN takes milliseconds, so only a client that holds connections open on
    /// purpose (a slow loris) meets it. Both bound how long a connection can keep one of the 512 slots.
    static let cognitoLimits = HTTPLimits(maxBody: 1 << 20, idleTimeoutMs: 10_000, readTimeoutMs: 10_000)

    /// Serves Cognito's API with `handler`; a request over the limits is answered in Cognito's format.
    func serveCognitoAPI(_ handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        start(limits: Self.cognitoLimits, label: "passwordless-endpoint", refusal: Self.cognitoRefusal, handler: handler)
    }

    static func cognitoRefusal(_ error: HTTP1Error) -> HTTPResponse {
        guard error == .tooLarge else { return HTTPResponse(status: 400) }
        // Named in the header too, as every error is, and readable by a web page (the refusal skips the CORS step).
        var response = HTTPResponse.json(413, ["__type": "RequestEntityTooLargeException", "message": "Request body too large."])
        response.headers += [("x-amzn-ErrorType", "RequestEntityTooLargeException"), ("Access-Control-Allow-Origin", "*")]
        return response
    }
}
