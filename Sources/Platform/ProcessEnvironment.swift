/// The process's environment variables.
package enum ProcessEnvironment {
    /// Every variable, read without Foundation.
    package static func all() -> [String: String] {
        var values: [String: String] = [:]
        for text in System.environmentEntries() {
            if let equals = text.firstIndex(of: "=") {
                values[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
        }
        return values
    }

    /// Sets a variable, or removes it when `value` is nil.
    package static func set(_ name: String, to value: String?) {
        if let value {
            System.setEnvironment(name, to: value)
        } else {
            System.removeEnvironment(name)
        }
    }
}
