import AWSSigning
import Settings

/// Where a service is reached: scheme, host, port and an optional base path from an endpoint override.
package struct Endpoint: Sendable, Equatable {
    /// The base URL; its path is empty, or starts with `/` and has no trailing `/`.
    let base: SettingURL

    init(_ base: SettingURL) { self.base = base }

    /// The `Host` header value; default ports are left out, as curl would.
    var hostHeader: String {
        guard let port = base.port, !(base.scheme == "https" && port == 443), !(base.scheme == "http" && port == 80) else {
            return base.host
        }
        return "\(base.host):\(port)"
    }

    /// The path an operation path is sent on, e.g. `/` or `/v2/email/outbound-emails`.
    func path(_ operationPath: String) -> String {
        base.path + operationPath
    }

    /// The absolute URL for an operation path.
    func url(_ operationPath: String) -> String {
        "\(base.scheme)://\(hostHeader)\(path(operationPath))"
    }

    /// The endpoint from `serviceVariable`, then `AWS_ENDPOINT_URL`, then `https://{prefix}.{region}.amazonaws.com`.
    package static func resolve(
        prefix: String, region: String, serviceVariable: String, settings: SettingsReader
    ) throws(SettingsError) -> Endpoint {
        for name in [serviceVariable, "AWS_ENDPOINT_URL"] {
            if let url = try settings.url(name) { return Endpoint(url) }
        }
        // China regions live under a different top-level domain.
        let domain = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return Endpoint(SettingURL(scheme: "https", host: "\(prefix).\(region).\(domain)", port: nil, path: ""))
    }
}
