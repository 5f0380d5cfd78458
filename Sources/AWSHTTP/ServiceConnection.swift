import AWSSigning

/// One AWS service as a client reaches it: the endpoint, the signer for its signing name, and the retry loop.
package struct ServiceConnection: Sendable {
    let signer: SigV4Signer
    let endpoint: Endpoint
    package let executor: RequestExecutor

    package init(
        credentials: Credentials, region: String, signingName: String, endpoint: Endpoint, transport: any HTTPTransport,
        retryPolicy: RetryPolicy, scheduling: RetryScheduling
    ) {
        signer = SigV4Signer(credentials: credentials, region: region, service: signingName)
        self.endpoint = endpoint
        executor = RequestExecutor(transport: transport, policy: retryPolicy, scheduling: scheduling)
    }

    /// A POST of `body` to `operationPath`, signed at `nowEpochMs` with `extraHeaders` among the signed headers;
    /// each attempt is signed afresh.
    package func signedPOST(
        _ operationPath: String, contentType: String, extraHeaders: [HTTPHeader] = [], body: [UInt8], nowEpochMs: Int64
    ) -> HTTPRequest {
        var headers: [HTTPHeader] = [("Host", endpoint.hostHeader), ("Content-Type", contentType)] + extraHeaders
        headers += signer.sign(
            method: "POST", path: endpoint.path(operationPath), headers: headers, body: body,
            time: SigningTime(epochSeconds: nowEpochMs / 1_000))
        return HTTPRequest(method: "POST", url: endpoint.url(operationPath), headers: headers, body: body)
    }

    /// Values that must never reach an error message, even when AWS echoes them back.
    package var secrets: [String] {
        let credentials = signer.credentials
        return [credentials.secretAccessKey, credentials.accessKeyId] + (credentials.sessionToken.map { [$0] } ?? [])
    }
}

/// The error code of a JSON-protocol answer (SES v2, DynamoDB): `x-amzn-ErrorType` cut at `:` (it looks like
/// `MessageRejected:http://internal.amazon.com/...`), else the body's type with any namespace before `#` dropped;
/// nil when neither holds one.
package func jsonProtocolErrorCode(_ response: HTTPResponse, bodyType: String?) -> String? {
    let headerCode = response.headerValue("x-amzn-ErrorType").map { String($0.prefix { $0 != ":" }) }
    let bodyCode = bodyType.map { type in
        String((type.split(separator: "#", omittingEmptySubsequences: false).last ?? "").prefix { $0 != ":" })
    }
    return [headerCode, bodyCode].compactMap { $0?.trimmingWhitespace() }.first { !$0.isEmpty }
}
