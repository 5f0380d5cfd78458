import AWSSigning

/// Where a service is reached: scheme, authority and an optional base path from an endpoint override.
package struct Endpoint: Sendable, Equatable {
    package let scheme: String
    package let host: String
    package let port: Int?
    /// Empty, or a path starting with `/` and without a trailing `/`.
    package let basePath: String

    package init(scheme: String, host: String, port: Int?, basePath: String) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.basePath = basePath
    }

    /// The `Host` header value; default ports are left out, as curl would.
    package var hostHeader: String {
        guard let port, !(scheme == "https" && port == 443), !(scheme == "http" && port == 80) else { return host }
        return "\(host):\(port)"
    }

    /// The path an operation path is sent on, e.g. `/` or `/v2/email/outbound-emails`.
    package func path(_ operationPath: String) -> String {
        basePath + operationPath
    }

    /// The absolute URL for an operation path.
    package func url(_ operationPath: String) -> String {
        "\(scheme)://\(hostHeader)\(path(operationPath))"
    }

    /// Parses `http(s)://host[:port][/path]`; anything else (query, fragment, user info, spaces) is rejected.
    package static func parse(_ text: String) -> Endpoint? {
        guard let schemeEnd = text.firstRange(of: "://") else { return nil }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = text[schemeEnd.upperBound...]
        guard !rest.contains(where: { $0 == "?" || $0 == "#" || $0 == "@" || $0 == "\\" || $0.isWhitespace }),
            rest.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x21 && $0.value != 0x7F })
        else { return nil }
        let authority = rest.prefix { $0 != "/" }
        var path = String(rest[authority.endIndex...])
        while path.hasSuffix("/") { path.removeLast() }

        var host = Substring(authority)
        var port: Int?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let value = Int(after.dropFirst()) else { return nil }
                port = value
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            guard let value = Int(authority[authority.index(after: colon)...]) else { return nil }
            port = value
        }
        guard host.count > (host.hasPrefix("[") ? 2 : 0) else { return nil }
        if let port, !(1...65_535).contains(port) { return nil }
        return Endpoint(scheme: scheme, host: host.lowercased(), port: port, basePath: path)
    }

    /// The endpoint from `serviceVariable`, then `AWS_ENDPOINT_URL`, then `https://{prefix}.{region}.amazonaws.com`.
    package static func resolve(
        prefix: String, region: String, serviceVariable: String, env: [String: String]
    ) throws(AWSMessagingError) -> Endpoint {
        for name in [serviceVariable, "AWS_ENDPOINT_URL"] {
            guard let value = env[name], !value.isEmpty else { continue }
            guard let endpoint = parse(value) else {
                throw .invalidVariable(name, problem: "is not a valid http(s) URL such as https://host[:port]")
            }
            return endpoint
        }
        // China regions live under a different top-level domain.
        let domain = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return Endpoint(scheme: "https", host: "\(prefix).\(region).\(domain)", port: nil, basePath: "")
    }
}

/// Reads the settings both clients share from the environment.
enum ServiceEnvironment {
    /// Credentials from the standard variables, re-wrapped so callers see one error type.
    static func credentials(_ env: [String: String]) throws(AWSMessagingError) -> Credentials {
        do {
            return try Credentials.fromEnvironment(env)
        } catch {
            throw .missingVariable(error.missingVariableName ?? "AWS_ACCESS_KEY_ID")
        }
    }

    /// The service-specific region variable, else `AWS_REGION`, else `AWS_DEFAULT_REGION`.
    static func region(_ env: [String: String], override name: String) throws(AWSMessagingError) -> String {
        let region: String
        let source: String
        if let value = env[name], !value.isEmpty {
            (region, source) = (value, name)
        } else {
            do {
                region = try AWSRegion.fromEnvironment(env)
            } catch {
                throw .missingVariable(error.missingVariableName ?? "AWS_REGION")
            }
            source = env["AWS_REGION"].map { $0.isEmpty ? "AWS_DEFAULT_REGION" : "AWS_REGION" } ?? "AWS_DEFAULT_REGION"
        }
        // The region becomes part of a host name and the signing scope.
        let allowed = region.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
        }
        guard allowed else {
            throw .invalidVariable(source, problem: "is not a valid AWS region name such as us-east-1")
        }
        return region
    }

    /// An optional variable; empty counts as unset.
    static func optional(_ name: String, _ env: [String: String]) -> String? {
        guard let value = env[name], !value.isEmpty else { return nil }
        return value
    }
}
