import AWSSigning
import Settings

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

    package init(_ url: SettingURL) {
        self.init(scheme: url.scheme, host: url.host, port: url.port, basePath: url.path)
    }

    /// The endpoint from `serviceVariable`, then `AWS_ENDPOINT_URL`, then `https://{prefix}.{region}.amazonaws.com`.
    package static func resolve(
        prefix: String, region: String, serviceVariable: String, settings: Settings
    ) throws(SettingsError) -> Endpoint {
        for name in [serviceVariable, "AWS_ENDPOINT_URL"] {
            if let url = try settings.url(name) { return Endpoint(url) }
        }
        // China regions live under a different top-level domain.
        let domain = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return Endpoint(scheme: "https", host: "\(prefix).\(region).\(domain)", port: nil, basePath: "")
    }
}
