/// AWS access keys, optionally with the session token that role credentials carry.
public struct Credentials: Sendable, Equatable {
    /// The access key id (`AKIA…` for users, `ASIA…` for temporary credentials).
    public let accessKeyId: String
    /// The secret access key; never printed.
    public let secretAccessKey: String
    /// The session token of temporary credentials; never printed.
    public let sessionToken: String?

    /// Creates credentials from `accessKeyId`, `secretAccessKey` and an optional `sessionToken`.
    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and the optional `AWS_SESSION_TOKEN`.
    public static func fromEnvironment(_ env: [String: String]) throws(AWSSigningError) -> Credentials {
        let accessKeyId = try required("AWS_ACCESS_KEY_ID", in: env)
        let secretAccessKey = try required("AWS_SECRET_ACCESS_KEY", in: env)
        let token = env["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return Credentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: token)
    }
}

extension Credentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Shows only a prefix of the key id, so logs can tell user keys from role keys without leaking them.
    public var description: String {
        let keyHint = accessKeyId.prefix(4) + (accessKeyId.count > 4 ? "…" : "")
        let token = sessionToken == nil ? "none" : "<redacted>"
        return "Credentials(accessKeyId: \(keyHint), secretAccessKey: <redacted>, sessionToken: \(token))"
    }

    /// Same as `description`, so `debugPrint` and string interpolation in tests stay redacted too.
    public var debugDescription: String { description }

    /// Keeps `dump` and mirrors from walking into the secret fields.
    public var customMirror: Mirror {
        Mirror(self, children: ["redacted": description], displayStyle: .struct)
    }
}

/// Reads the region the Lambda runtime sets.
public enum AWSRegion {
    /// Returns `AWS_REGION`, else `AWS_DEFAULT_REGION`; throws naming `AWS_REGION` when neither is set.
    public static func fromEnvironment(_ env: [String: String]) throws(AWSSigningError) -> String {
        if let region = env["AWS_REGION"], !region.isEmpty { return region }
        if let region = env["AWS_DEFAULT_REGION"], !region.isEmpty { return region }
        throw .missingVariable("AWS_REGION")
    }
}

private func required(_ name: String, in env: [String: String]) throws(AWSSigningError) -> String {
    guard let value = env[name], !value.isEmpty else { throw .missingVariable(name) }
    return value
}
