import Platform

/// Typed reads of environment variables, with one rule for all of them: a variable that is unset, empty or only
/// whitespace means the default. A value that cannot be used is a `SettingsError` naming the variable.
package struct SettingsReader: Sendable {
    let values: [String: String]

    package init(_ values: [String: String]) { self.values = values }

    /// The process environment, read without Foundation.
    package static func fromProcess() -> SettingsReader { SettingsReader(ProcessEnvironment.all()) }

    /// The value without surrounding whitespace, or nil when the variable means the default.
    package func trimmed(_ name: String) -> String? {
        guard let raw = values[name] else { return nil }
        let value = raw.trimmingWhitespace()
        return value.isEmpty ? nil : value
    }

    /// The value exactly as written, spaces and line breaks kept, for texts whose spacing matters (message templates,
    /// secrets); nil when the variable means the default.
    package func verbatim(_ name: String) -> String? {
        guard let raw = values[name], !raw.trimmingWhitespace().isEmpty else { return nil }
        return raw
    }

    /// A value that has no default.
    package func required(_ name: String) throws(SettingsError) -> String {
        guard let value = trimmed(name) else { throw .missing(name) }
        return value
    }

    /// A whole number in `range`.
    package func integer(_ name: String, in range: ClosedRange<Int>) throws(SettingsError) -> Int? {
        guard let value = trimmed(name) else { return nil }
        guard let number = Int(value), range.contains(number) else {
            throw .invalid(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(value)\"")
        }
        return number
    }

    /// `true`, `1` or `yes`; `false`, `0` or `no`; any letter case.
    package func boolean(_ name: String) throws(SettingsError) -> Bool? {
        try oneOf(name, ["true": true, "1": true, "yes": true, "false": false, "0": false, "no": false], listed: ["true", "false"])
    }

    /// One of the words in `choices`, compared without letter case.
    /// - Parameter listed: the words the error message offers, when not every accepted word should be shown.
    package func oneOf<Value>(
        _ name: String, _ choices: KeyValuePairs<String, Value>, listed: [String]? = nil
    ) throws(SettingsError) -> Value? {
        guard let value = trimmed(name) else { return nil }
        let word = value.lowercased()
        if let match = choices.first(where: { $0.key.lowercased() == word }) { return match.value }
        let offered = listed ?? choices.map(\.key)
        throw .invalid(name, "must be \(Self.alternatives(offered)), got \"\(value)\"")
    }

    /// Items separated by commas, each trimmed; an empty item is an error.
    package func list(_ name: String) throws(SettingsError) -> [String]? {
        guard let value = trimmed(name) else { return nil }
        var items: [String] = []
        for part in value.split(separator: ",", omittingEmptySubsequences: false) {
            let item = String(part).trimmingWhitespace()
            guard !item.isEmpty else { throw .invalid(name, "has an empty item in \"\(value)\"") }
            items.append(item)
        }
        return items
    }

    /// An `http` or `https` URL with a host and no query, fragment or user information.
    package func url(_ name: String) throws(SettingsError) -> SettingURL? {
        guard let value = trimmed(name) else { return nil }
        guard let url = SettingURL(value) else {
            throw .invalid(name, "is not a valid http(s) URL such as https://host[:port], got \"\(value)\"")
        }
        return url
    }

    static func alternatives(_ words: [String]) -> String {
        guard words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " or " + words.last!
    }
}
