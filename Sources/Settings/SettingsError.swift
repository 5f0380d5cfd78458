/// A setting that is missing or cannot be used; the description names the variable and the problem.
package struct SettingsError: Error, Equatable, Sendable, CustomStringConvertible {
    let variable: String
    let problem: String

    /// A variable that has no default is unset or blank.
    package static func missing(_ variable: String) -> Self {
        Self(variable: variable, problem: "is not set or is empty")
    }

    /// A variable holds a value that cannot be used.
    package static func invalid(_ variable: String, _ problem: String) -> Self {
        Self(variable: variable, problem: problem)
    }

    package var description: String { "\(variable) \(problem)" }
}
