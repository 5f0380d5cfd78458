/// An `http(s)://host[:port][/path]` URL from a setting, taken apart.
package struct SettingURL: Sendable, Equatable {
    package let scheme: String
    /// Lower-case; an IPv6 address keeps its brackets.
    package let host: String
    package let port: Int?
    /// Empty, or a path starting with `/` and without a trailing `/`.
    package let path: String

    package init(scheme: String, host: String, port: Int?, path: String) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
    }

    /// Parses the text; anything but a plain http(s) URL (query, fragment, user info, spaces) gives nil.
    init?(_ text: String) {
        guard let schemeEnd = text.firstRange(ofText: "://") else { return nil }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = text[schemeEnd.upperBound...]
        guard !rest.contains(where: { $0 == "?" || $0 == "#" || $0 == "@" || $0 == "\\" }),
            rest.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x21 && $0.value != 0x7F })
        else { return nil }
        let authority = rest.prefix { $0 != "/" }
        var path = String(rest[authority.endIndex...])
        while path.hasSuffix("/") { path.removeLast() }

        var host = Substring(authority)
        var port: Int?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let value = Int(after.dropFirst()) else { return nil }
                port = value
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            guard let value = Int(authority[authority.index(after: colon)...]) else { return nil }
            port = value
        }
        guard host.count > (host.hasPrefix("[") ? 2 : 0) else { return nil }
        if let port, !(1...65_535).contains(port) { return nil }
        self.init(scheme: scheme, host: host.lowercased(), port: port, path: path)
    }
}
