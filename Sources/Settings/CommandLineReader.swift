/// Reads a command line of `--flag value` options and `--switch`es in order: the one argument parser of
/// passwordless-endpoint and passwordless-local.
package struct CommandLineReader {
    private var rest: ArraySlice<String>

    package init(_ arguments: [String]) { rest = arguments[...] }

    /// Whether `--help` or `-h` is anywhere on the line.
    package static func asksForHelp(_ arguments: [String]) -> Bool { arguments.contains("--help") || arguments.contains("-h") }

    /// The next flag or switch; nil at the end.
    package mutating func next() -> String? { rest.popFirst() }

    /// The argument after `flag`, its value.
    package mutating func value(of flag: String) throws(SettingsError) -> String {
        guard let value = rest.popFirst() else { throw .invalid(flag, "needs a value") }
        return value
    }
}
