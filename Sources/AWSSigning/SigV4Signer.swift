import Settings

/// One HTTP header as sent on the wire; arrays of these keep order and duplicates.
package typealias HTTPHeader = (name: String, value: String)

/// A canonical request as AWS's SigV4 document defines it, with its `SignedHeaders` list.
struct CanonicalRequest: Sendable, Equatable {
    /// The full canonical request text (no trailing newline).
    let text: String
    /// Lowercase header names joined by `;`, as they appear in the `Authorization` header.
    let signedHeaders: String
}

/// The products of each signing stage; holds the session token, so it is never logged.
struct SigningSteps: Sendable {
    let canonicalRequest: CanonicalRequest
    let stringToSign: String
    let signature: String
    let addedHeaders: [HTTPHeader]
}

/// Options that differ between services or test harnesses.
package struct SigningOptions: Sendable, Equatable {
    /// Remove dot segments and collapse repeated `/` in the path (true for every service but S3).
    var normalizePath: Bool
    /// Add and sign `x-amz-content-sha256` (S3 style); SNS and SES don't need it.
    var addContentSHA256Header: Bool
    /// Sign `x-amz-security-token`; when false the token is only added after signing.
    var signSessionToken: Bool

    /// Creates options; the defaults suit SNS and SES.
    init(normalizePath: Bool = true, addContentSHA256Header: Bool = false, signSessionToken: Bool = true) {
        self.normalizePath = normalizePath
        self.addContentSHA256Header = addContentSHA256Header
        self.signSessionToken = signSessionToken
    }
}

/// A pure AWS Signature Version 4 signer: no I/O, the time is a parameter.
package struct SigV4Signer: Sendable {
    package let credentials: Credentials
    /// The region in the credential scope, e.g. `us-east-1`.
    let region: String
    /// The signing name in the credential scope, e.g. `sns` or `ses`.
    let service: String

    /// Creates a signer for `service` in `region` with `credentials`.
    package init(credentials: Credentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Signs a request and returns the headers to add: `X-Amz-Date`, `X-Amz-Security-Token`, `Authorization`.
    ///
    /// `path` is the path as sent on the wire (already encoded once), `query` the raw text after `?`.
    /// `headers` must hold every header to sign, including `Host`, and none of the ones returned.
    package func sign(
        method: String, path: String, query: String = "", headers: [HTTPHeader], body: [UInt8],
        time: SigningTime, options: SigningOptions = SigningOptions()
    ) -> [HTTPHeader] {
        signingSteps(
            method: method, path: path, query: query, headers: headers, body: body, time: time, options: options
        ).addedHeaders
    }

    /// Every intermediate product of `sign`, so tests can compare each stage with AWS's documents.
    func signingSteps(
        method: String, path: String, query: String, headers: [HTTPHeader], body: [UInt8],
        time: SigningTime, options: SigningOptions
    ) -> SigningSteps {
        let payloadHash = hexEncoded(sha256(body))
        var added: [HTTPHeader] = [("X-Amz-Date", time.amzDate)]
        if options.addContentSHA256Header {
            added.append(("x-amz-content-sha256", payloadHash))
        }
        var unsignedToken: HTTPHeader?
        if let token = credentials.sessionToken {
            if options.signSessionToken {
                added.append(("X-Amz-Security-Token", token))
            } else {
                unsignedToken = ("X-Amz-Security-Token", token)
            }
        }
        let canonical = Self.canonicalRequest(
            method: method, path: path, query: query, headers: headers + added,
            payloadHash: payloadHash, normalizePath: options.normalizePath)
        let toSign = stringToSign(canonicalRequest: canonical.text, time: time)
        let sig = signature(signingKey: signingKey(dateStamp: time.dateStamp), stringToSign: toSign)
        if let unsignedToken { added.append(unsignedToken) }
        added.append(
            ("Authorization", authorization(signedHeaders: canonical.signedHeaders, signature: sig, time: time)))
        return SigningSteps(canonicalRequest: canonical, stringToSign: toSign, signature: sig, addedHeaders: added)
    }

    /// Task 1: the canonical request for the given parts; `headers` already include `X-Amz-Date` and the token.
    static func canonicalRequest(
        method: String, path: String, query: String, headers: [HTTPHeader], payloadHash: String,
        normalizePath: Bool = true
    ) -> CanonicalRequest {
        let uri = canonicalURI(path, normalize: normalizePath)
        let queryText = canonicalQuery(query)
        let (headerBlock, signed) = canonicalHeaders(headers)
        let text = [method, uri, queryText, headerBlock, signed, payloadHash].joined(separator: "\n")
        return CanonicalRequest(text: text, signedHeaders: signed)
    }

    /// The credential scope `date/region/service/aws4_request`.
    func credentialScope(dateStamp: String) -> String {
        "\(dateStamp)/\(region)/\(service)/aws4_request"
    }

    /// Task 2: the string to sign for a canonical request.
    func stringToSign(canonicalRequest: String, time: SigningTime) -> String {
        [
            "AWS4-HMAC-SHA256", time.amzDate, credentialScope(dateStamp: time.dateStamp),
            hexEncoded(sha256(canonicalRequest)),
        ].joined(separator: "\n")
    }

    /// Task 3a: the signing key derived from the secret, date, region and service.
    func signingKey(dateStamp: String) -> [UInt8] {
        let dateKey = hmacSHA256(key: Array("AWS4\(credentials.secretAccessKey)".utf8), data: Array(dateStamp.utf8))
        let regionKey = hmacSHA256(key: dateKey, data: Array(region.utf8))
        let serviceKey = hmacSHA256(key: regionKey, data: Array(service.utf8))
        return hmacSHA256(key: serviceKey, data: Array("aws4_request".utf8))
    }

    /// Task 3b: the lowercase hex signature of a string to sign.
    func signature(signingKey: [UInt8], stringToSign: String) -> String {
        hexEncoded(hmacSHA256(key: signingKey, data: Array(stringToSign.utf8)))
    }

    /// Task 4: the `Authorization` header value.
    func authorization(signedHeaders: String, signature: String, time: SigningTime) -> String {
        "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(credentialScope(dateStamp: time.dateStamp)), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }
}

// MARK: - Canonicalization

/// Headers that proxies or the HTTP stack may change or drop, so signing them would break requests.
private let unsignedHeaderNames: Set<String> = [
    "authorization", "user-agent", "x-amzn-trace-id", "expect", "connection", "transfer-encoding", "upgrade",
]

/// Encodes the wire path once more (AWS double-encodes non-S3 paths), after optional normalization.
func canonicalURI(_ path: String, normalize: Bool) -> String {
    var source = path.isEmpty ? "/" : path
    if normalize { source = normalizedPath(source) }
    return percentEncode(source.utf8, keepSlash: true)
}

/// Removes `.` and `..` segments and collapses empty ones, keeping a trailing slash.
func normalizedPath(_ path: String) -> String {
    let segments = path.split(separator: "/", omittingEmptySubsequences: false)
    var kept: [Substring] = []
    for segment in segments {
        switch segment {
        case "", ".": continue
        case "..": if !kept.isEmpty { kept.removeLast() }
        default: kept.append(segment)
        }
    }
    guard !kept.isEmpty else { return "/" }
    let last = segments.last ?? ""
    let trailingSlash = last == "" || last == "." || last == ".."
    return "/" + kept.joined(separator: "/") + (trailingSlash ? "/" : "")
}

/// Decodes then re-encodes each parameter, sorting by encoded key and then encoded value.
func canonicalQuery(_ query: String) -> String {
    var pairs: [(key: String, value: String)] = []
    for part in query.split(separator: "&", omittingEmptySubsequences: true) {
        let key: Substring
        let value: Substring
        if let equals = part.firstIndex(of: "=") {
            key = part[..<equals]
            value = part[part.index(after: equals)...]
        } else {
            key = part
            value = ""
        }
        pairs.append((percentEncode(percentDecode(key)), percentEncode(percentDecode(value))))
    }
    pairs.sort { lhs, rhs in
        if lhs.key != rhs.key { return lhs.key.utf8.lexicographicallyPrecedes(rhs.key.utf8) }
        return lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
    }
    return pairs.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
}

/// Lowercases names, trims values, joins repeated names with `,` in request order, and sorts by name.
func canonicalHeaders(_ headers: [HTTPHeader]) -> (block: String, signedHeaders: String) {
    var order: [String] = []
    var values: [String: [String]] = [:]
    for header in headers {
        let name = header.name.asciiLowercased()
        if unsignedHeaderNames.contains(name) { continue }
        if values[name] == nil { order.append(name) }
        values[name, default: []].append(trimAll(header.value))
    }
    order.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    var block = ""
    for name in order {
        block += name + ":" + values[name]!.joined(separator: ",") + "\n"
    }
    return (block, order.joined(separator: ";"))
}

/// Trims the ends and collapses inner runs of whitespace (including folded line breaks) to one space.
private func trimAll(_ value: String) -> String {
    var out = [UInt8]()
    var pendingSpace = false
    for byte in value.utf8 {
        if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            pendingSpace = !out.isEmpty
        } else {
            if pendingSpace { out.append(0x20) }
            pendingSpace = false
            out.append(byte)
        }
    }
    return String(decoding: out, as: UTF8.self)
}
