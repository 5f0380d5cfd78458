import AWSSigning
import CCurl
import CCurlSupport
import Platform
import Settings
import Synchronization

/// HTTP/1.1 over one libcurl easy handle, created on first use and kept so warm invocations reuse the connection
/// (and a new connection resumes the TLS session).
///
/// The handle sits behind a mutex, so concurrent callers are serialized rather than racing on it.
///
/// Only what AWS needs is reachable: http and https, HTTP/1.1, TLS 1.2 or newer, ASCII host names, no
/// compression, no cookies, no authentication scheme. The Lambda build links libcurl statically with stubs
/// for the libraries behind everything else (scripts/make-stub-libs.sh), so that is a promise this type keeps.
package final class CurlTransport: HTTPTransport {
    private let handle = Mutex<CurlHandle>(CurlHandle())

    /// Creates the transport; it also sets how OpenSSL starts, before the first signature starts it.
    package init() {
        _ = openSSLConfigured
    }

    package func send(
        _ request: HTTPRequest, connectTimeoutMs: Int64, timeoutMs: Int64
    ) throws(AWSCallError) -> HTTPResponse {
        try handle.withLock { (curl: inout CurlHandle) throws(AWSCallError) -> HTTPResponse in
            try curl.perform(request, connectTimeoutMs: connectTimeoutMs, timeoutMs: timeoutMs)
        }
    }
}

/// Responses larger than this are cut off; AWS replies here are a few hundred bytes.
private let maxResponseBytes = 1 << 20

/// How OpenSSL starts, once: no openssl.cnf, no legacy name database, no error strings, and in the Lambda build
/// its default provider narrowed to what HTTPS to AWS uses (see Sources/CCurlSupport/curl-setup.c).
private let openSSLConfigured: Void = ccurl_openssl_init()

/// curl_global_init is not thread-safe and must run once per process; a static let runs it exactly once.
private let curlGlobalInitResult: CURLcode = ccurl_global_init()

/// The CA certificates libcurl should trust: `SSL_CERT_FILE`, else the bundle this system has.
///
/// A libcurl built on Debian looks in /etc/ssl/certs, which Lambda's Amazon Linux 2023 lacks; it keeps the
/// bundle in /etc/pki/tls/certs. libcurl reads no environment variable for this, so the path is set here.
private let caBundlePath: String? = {
    // Read through the one settings reader, so a blank value means the default as for every variable.
    if let path = SettingsReader.fromProcess().trimmed("SSL_CERT_FILE") { return path }
    for path in ["/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/certs/ca-certificates.crt"] where FileIO.isReadable(path) {
        return path
    }
    return nil
}()

/// Collects what curl's callbacks deliver during one transfer.
private final class TransferSink {
    var body: [UInt8] = []
    var headers: [HTTPHeader] = []
    var overflowed = false
}

private struct CurlHandle: ~Copyable {
    private var easy: UnsafeMutableRawPointer?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init() {}

    deinit {
        if let easy { curl_easy_cleanup(easy) }
        errorBuffer.deallocate()
    }

    private mutating func readyHandle() throws(AWSCallError) -> UnsafeMutableRawPointer {
        if let easy {
            // Reset clears options but keeps the connection cache, which is the point of reusing the handle.
            curl_easy_reset(easy)
            return easy
        }
        guard curlGlobalInitResult == CURLE_OK, let created = curl_easy_init() else {
            throw AWSCallError.transport(.permanent, "libcurl could not be initialised")
        }
        easy = created
        return created
    }

    mutating func perform(
        _ request: HTTPRequest, connectTimeoutMs: Int64, timeoutMs: Int64
    ) throws(AWSCallError) -> HTTPResponse {
        // A host name that is not ASCII would need IDN conversion (libidn2, a stub in the Lambda build).
        // Endpoints come from configuration and are ASCII; anything else is refused before curl sees it.
        guard request.url.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw AWSCallError.transport(.permanent, "URL is not printable ASCII; use the punycode form of the host name")
        }
        let easy = try readyHandle()
        let sink = TransferSink()
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for header in request.headers {
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        // curl would otherwise add `Expect: 100-continue` for larger bodies and wait for the server's go-ahead.
        headerList = curl_slist_append(headerList, "Expect:")
        errorBuffer.initialize(to: 0)
        // A NULL POSTFIELDS makes curl read the body from stdin, so an empty body still gets a real buffer.
        let bodyStorage = request.body.isEmpty ? [UInt8(0)] : request.body
        let code: CURLcode = withExtendedLifetime(sink) {
            bodyStorage.withUnsafeBufferPointer { body -> CURLcode in
                let setup = configure(
                    easy, request, body: body, headers: headerList, sink: Unmanaged.passUnretained(sink).toOpaque(),
                    connectTimeoutMs: connectTimeoutMs, timeoutMs: timeoutMs)
                return setup == CURLE_OK ? curl_easy_perform(easy) : setup
            }
        }
        guard code == CURLE_OK else {
            if sink.overflowed { throw AWSCallError.transport(.permanent, "response larger than 1 MiB") }
            throw AWSCallError.transport(Self.kind(of: code), describe(code))
        }
        var status = 0
        _ = ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: sink.headers, body: sink.body)
    }

    /// Sets every option of one transfer on a handle just reset; the first failure is returned.
    private func configure(
        _ easy: UnsafeMutableRawPointer, _ request: HTTPRequest, body: UnsafeBufferPointer<UInt8>,
        headers: UnsafeMutablePointer<curl_slist>?, sink: UnsafeMutableRawPointer, connectTimeoutMs: Int64, timeoutMs: Int64
    ) -> CURLcode {
        var setup = CURLE_OK
        func set(_ result: CURLcode) { if setup == CURLE_OK { setup = result } }
        set(ccurl_setopt_string(easy, CURLOPT_URL, request.url))
        set(ccurl_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(ccurl_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"))
        // One request at a time: HTTP/2 would add a session set-up and buys nothing.
        set(ccurl_setopt_long(easy, CURLOPT_HTTP_VERSION, ccurl_http_version_1_1()))
        set(ccurl_setopt_long(easy, CURLOPT_SSLVERSION, ccurl_sslversion_tls1_2()))
        // A SOCKS5 proxy from the environment may use user name and password, never GSSAPI.
        set(ccurl_setopt_long(easy, CURLOPT_SOCKS5_AUTH, ccurl_auth_basic()))
        set(ccurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        if let caBundlePath {
            // The bundle is read one certificate at a time (Sources/CCurlSupport/ca-bundle.c).
            set(ccurl_setopt_lazy_ca(easy, caBundlePath))
        }
        set(ccurl_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1))
        set(ccurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(max(1, connectTimeoutMs))))
        // A zero timeout means "no timeout" to curl, so never pass zero.
        set(ccurl_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(max(1, timeoutMs))))
        set(ccurl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        set(ccurl_setopt_slist(easy, CURLOPT_HTTPHEADER, headers))
        if request.method == "GET" {
            set(ccurl_setopt_long(easy, CURLOPT_HTTPGET, 1))
        } else {
            set(ccurl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method))
            set(ccurl_setopt_pointer(easy, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: body.baseAddress)))
            set(ccurl_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
        }
        set(ccurl_setopt_pointer(easy, CURLOPT_WRITEDATA, sink))
        set(ccurl_setopt_callback(easy, CURLOPT_WRITEFUNCTION, receiveBody))
        set(ccurl_setopt_pointer(easy, CURLOPT_HEADERDATA, sink))
        set(ccurl_setopt_callback(easy, CURLOPT_HEADERFUNCTION, receiveHeader))
        return setup
    }

    private func describe(_ code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    }

    private static func kind(of code: CURLcode) -> TransportFailure.Kind {
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_SEND_ERROR,
            CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_SSL_CONNECT_ERROR, CURLE_HTTP2,
            CURLE_HTTP2_STREAM:
            return .connectionFailed
        default:
            return .permanent
        }
    }
}

/// curl's write callback: appends body bytes to the transfer's sink, and stops the transfer past 1 MiB.
private let receiveBody: ccurl_data_callback = { data, size, count, context in
    let sink = Unmanaged<TransferSink>.fromOpaque(context!).takeUnretainedValue()
    let length = size * count
    guard sink.body.count + length <= maxResponseBytes else {
        sink.overflowed = true
        return 0
    }
    data!.withMemoryRebound(to: UInt8.self, capacity: length) {
        sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
    }
    return length
}

/// curl's header callback: one header line at a time.
private let receiveHeader: ccurl_data_callback = { data, size, count, context in
    let sink = Unmanaged<TransferSink>.fromOpaque(context!).takeUnretainedValue()
    let length = size * count
    let line = data!.withMemoryRebound(to: UInt8.self, capacity: length) {
        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }
    sink.addHeaderLine(line)
    return length
}

extension TransferSink {
    /// Keeps only the headers of the final response: a status line starts a new header block.
    fileprivate func addHeaderLine(_ rawLine: String) {
        let line = rawLine.filter { !$0.isNewline }.trimmingWhitespace()
        if line.hasPrefix("HTTP/") {
            headers.removeAll()
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon]).trimmingWhitespace()
        let value = String(line[line.index(after: colon)...]).trimmingWhitespace()
        headers.append((name, value))
    }
}
