/// What the endpoint answers that is not one of Cognito's operations: the Host check, CORS for web apps, and the
/// pool's JWKS.
enum EmulatorRoutes {
    /// Headers a web page's requests may carry, as the AWS SDKs for JavaScript send them. `Authorization` is left
    /// out, so a page in a browser can make the public calls a sign-in screen makes, never the admin calls.
    static let corsHeaders = "content-type, x-amz-target, x-amz-user-agent, amz-sdk-invocation-id, amz-sdk-request, cache-control"

    /// A 403 for a request under a `Host` the endpoint does not answer (DNS rebinding); nil when it may go on.
    static func hostRefusal(_ request: HTTPRequest, _ options: UserPoolServices.Options) -> HTTPResponse? {
        guard let allowed = options.allowedHosts, !allowed.contains((request.header("Host") ?? "").lowercased()) else { return nil }
        return .json(403, ["__type": "AccessDeniedException", "message": .string("Host not allowed: use \(options.issuerBase)")])
    }

    /// Lets any web page read the answers (and names the request, as Cognito does, in between).
    static func addCORSHeaders(_ response: inout HTTPResponse, requestID: String) {
        response.headers += [
            ("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", "x-amzn-requestid, x-amzn-errortype"),
            ("x-amzn-RequestId", requestID),
        ]
    }

    /// What a browser's preflight learns it may send.
    static func addPreflightHeaders(_ response: inout HTTPResponse) {
        response.headers += [
            ("Access-Control-Allow-Methods", "POST, GET, OPTIONS"), ("Access-Control-Allow-Headers", corsHeaders),
            ("Access-Control-Max-Age", "600"),
        ]
    }

    /// The signing key at `/<pool>/.well-known/jwks.json`, as a user pool publishes it; 404 elsewhere.
    static func jwks(_ request: HTTPRequest, poolID: String, signer: TokenSigner) -> HTTPResponse {
        guard request.path == "/\(poolID)/.well-known/jwks.json" else { return HTTPResponse(status: 404) }
        return .json(200, signer.jwks, contentType: "application/json")
    }
}
