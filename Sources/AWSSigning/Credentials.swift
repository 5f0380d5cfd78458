import Settings

/// AWS access keys, optionally with the session token that role credentials carry.
package struct Credentials: Sendable, Equatable {
    /// The access key id (`AKIA…` for users, `ASIA…` for temporary credentials).
    package let accessKeyId: String
    /// The secret access key; never printed.
    package let secretAccessKey: String
    /// The session token of temporary credentials; never printed.
    package let sessionToken: String?

    /// Creates credentials from `accessKeyId`, `secretAccessKey` and an optional `sessionToken`.
    init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and the optional `AWS_SESSION_TOKEN`.
    package init(_ settings: SettingsReader) throws(SettingsError) {
        self.init(
            accessKeyId: try settings.required("AWS_ACCESS_KEY_ID"),
            secretAccessKey: try settings.required("AWS_SECRET_ACCESS_KEY"),
            sessionToken: settings.trimmed("AWS_SESSION_TOKEN"))
    }
}

extension Credentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Shows only a prefix of the key id, so logs can tell user keys from role keys without leaking them.
    package var description: String {
        let keyHint = accessKeyId.prefix(4) + (accessKeyId.count > 4 ? "…" : "")
        let token = sessionToken == nil ? "none" : "<redacted>"
        return "Credentials(accessKeyId: \(keyHint), secretAccessKey: <redacted>, sessionToken: \(token))"
    }

    /// Same as `description`, so `debugPrint` and string interpolation in tests stay redacted too.
    package var debugDescription: String { description }

    /// Keeps `dump` and mirrors from walking into the secret fields.
    package var customMirror: Mirror {
        Mirror(self, children: ["redacted": description], displayStyle: .struct)
    }
}

/// The region the Lambda runtime sets.
package enum AWSRegion {
    /// `override` when given and set, else `AWS_REGION`, else `AWS_DEFAULT_REGION`; the region becomes part of a
    /// host name and the signing scope, so only lower-case letters, digits and `-` are accepted.
    package static func read(_ settings: SettingsReader, override: String? = nil) throws(SettingsError) -> String {
        let names = (override.map { [$0] } ?? []) + ["AWS_REGION", "AWS_DEFAULT_REGION"]
        guard let name = names.first(where: { settings.trimmed($0) != nil }), let region = settings.trimmed(name) else {
            throw .missing("AWS_REGION")
        }
        let allowed = region.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        guard allowed else { throw .invalid(name, "is not a valid AWS region name such as us-east-1") }
        return region
    }
}
