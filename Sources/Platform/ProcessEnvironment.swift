/// The process's environment variables.
package enum ProcessEnvironment {
    /// Every variable, read without Foundation, split at the first `=` byte (bench/README.md: splitting at the
    /// first `=` character cost a cold start 0.3 million instructions).
    package static func all() -> [String: String] { System.environmentVariables() }

    /// Sets a variable, or removes it when `value` is nil.
    package static func set(_ name: String, to value: String?) {
        if let value {
            System.setEnvironment(name, to: value)
        } else {
            System.removeEnvironment(name)
        }
    }
}
