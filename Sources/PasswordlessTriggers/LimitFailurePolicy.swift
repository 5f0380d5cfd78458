import Settings

/// What create does when the shared limits cannot be reached (`RATE_LIMIT_ON_ERROR`). A table that answers busy
/// until the deadline, or too little time to count, is no outage: such a round is refused under either policy.
package enum LimitFailurePolicy: Sendable {
    /// Send anyway and log an error (the default): an outage of the table does not stop sign-ins.
    case allow
    /// Refuse the send as over a limit: no code leaves unless it was counted.
    case deny

    package init(_ settings: SettingsReader) throws(SettingsError) {
        self = try settings.oneOf("RATE_LIMIT_ON_ERROR", ["allow": .allow, "deny": .deny]) ?? .allow
    }
}
