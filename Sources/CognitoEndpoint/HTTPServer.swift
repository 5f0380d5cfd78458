import HTTP1

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
    /// Bodies over 1 MB are refused, so a client cannot make the endpoint hold more than that per connection.
    static let cognitoLimits = HTTPLimits(maxBody: 1 << 20)

    /// Serves Cognito's API with `handler`; a request over the limits is answered in Cognito's format.
    func serveCognitoAPI(_ handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        start(limits: Self.cognitoLimits, label: "passwordless-endpoint", refusal: Self.cognitoRefusal, handler: handler)
    }

    static func cognitoRefusal(_ error: HTTP1Error) -> HTTPResponse {
        guard error == .tooLarge else { return HTTPResponse(status: 400) }
        return .json(413, ["__type": "RequestEntityTooLargeException", "message": "Request body too large."])
    }
}
