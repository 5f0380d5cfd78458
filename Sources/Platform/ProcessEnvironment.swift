#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
#error("Platform supports Darwin, Glibc and Musl")
#endif

/// The process's environment variables.
package enum ProcessEnvironment {
    /// Every variable, read without Foundation.
    package static func all() -> [String: String] {
        var values: [String: String] = [:]
        #if canImport(Darwin)
        var pointer = _NSGetEnviron().pointee!
        #else
        var pointer = environ
        #endif
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                values[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return values
    }

    /// Sets a variable, or removes it when `value` is nil.
    package static func set(_ name: String, to value: String?) {
        if let value {
            setenv(name, value, 1)
        } else {
            unsetenv(name)
        }
    }
}
