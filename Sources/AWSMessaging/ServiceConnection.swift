import AWSSigning

/// One AWS service as a client reaches it: the endpoint, the signer for its signing name, and the retry loop.
struct ServiceConnection: Sendable {
    let signer: SigV4Signer
    let endpoint: Endpoint
    let executor: RequestExecutor

    init(
        credentials: Credentials, region: String, signingName: String, endpoint: Endpoint, transport: any HTTPTransport,
        retryPolicy: RetryPolicy, scheduling: RetryScheduling
    ) {
        signer = SigV4Signer(credentials: credentials, region: region, service: signingName)
        self.endpoint = endpoint
        executor = RequestExecutor(transport: transport, policy: retryPolicy, scheduling: scheduling)
    }

    /// A POST of `body` to `operationPath`, signed at `nowEpochMs`; each attempt is signed afresh.
    func signedPOST(_ operationPath: String, contentType: String, body: [UInt8], nowEpochMs: Int64) -> HTTPRequest {
        var headers: [HTTPHeader] = [("Host", endpoint.hostHeader), ("Content-Type", contentType)]
        headers += signer.sign(
            method: "POST", path: endpoint.path(operationPath), headers: headers, body: body,
            time: SigningTime(epochSeconds: nowEpochMs / 1_000))
        return HTTPRequest(method: "POST", url: endpoint.url(operationPath), headers: headers, body: body)
    }

    /// Values that must never reach an error message, even when AWS echoes them back.
    var secrets: [String] {
        let credentials = signer.credentials
        return [credentials.secretAccessKey, credentials.accessKeyId] + (credentials.sessionToken.map { [$0] } ?? [])
    }
}
