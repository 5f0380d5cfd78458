import HTTP1
import Settings

/// The Runtime API over one kept-alive HTTP/1.1 connection on a plain socket (HTTP1's client side).
///
/// Plain sockets cost a fraction of the CPU and start-up time of a general HTTP client, and the Runtime API
/// needs little: fixed paths, Content-Length or chunked bodies, and a reconnect when the peer drops the line.
struct SocketRuntimeClient: RuntimeAPIClient {
    private var connection: HTTPClientConnection

    /// Connects lazily to `host:port`, the form of `AWS_LAMBDA_RUNTIME_API`.
    init(address: String) throws(SettingsError) {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]),
            colon != address.startIndex
        else {
            throw .invalid(RuntimeAPI.addressVariable, "must be host:port, got \"\(address)\"")
        }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        // An event is at most 6 MB on Lambda; `/next` waits as long as it takes.
        connection = HTTPClientConnection(host: host, port: port, hostHeader: address, limits: HTTPLimits(maxBody: 8 << 20))
    }

    mutating func next() throws -> Invocation {
        let response = try send(HTTPRequest(method: "GET", path: RuntimeAPI.nextPath, headers: userAgent))
        guard response.status == 200 else {
            throw LambdaRuntimeError.unexpectedStatus(path: RuntimeAPI.nextPath, status: response.status)
        }
        let metadata = try InvocationMetadata(header: response.header)
        return Invocation(metadata: metadata, body: response.body)
    }

    mutating func respond(to requestID: String, body: [UInt8]) throws {
        try post(RuntimeAPI.responsePath(requestID), headers: [], body: body)
    }

    mutating func reportError(for requestID: String, _ report: ErrorReport) throws {
        try post(RuntimeAPI.errorPath(requestID), headers: [(RuntimeAPI.Header.errorType, report.errorType)], body: report.json)
    }

    mutating func reportInitError(_ report: ErrorReport) throws {
        try post(RuntimeAPI.initErrorPath, headers: [(RuntimeAPI.Header.errorType, report.errorType)], body: report.json)
    }

    private mutating func post(_ path: String, headers: [(String, String)], body: [UInt8]) throws {
        var fields = userAgent
        fields += headers
        fields.append(("Content-Type", "application/json"))
        let request = HTTPRequest(method: "POST", path: path, headers: fields, body: body)
        let response = try send(request)
        guard (200..<300).contains(response.status) else {
            throw LambdaRuntimeError.unexpectedStatus(path: path, status: response.status)
        }
    }

    private mutating func send(_ request: HTTPRequest) throws(LambdaRuntimeError) -> HTTPResponse {
        do {
            return try connection.send(request)
        } catch .closed {
            throw .connection("the Runtime API closed the connection")
        } catch {
            throw .connection(error.description)
        }
    }
}

private let userAgent = [("User-Agent", "swift-cognito-passwordless")]
