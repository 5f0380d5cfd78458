/// A YAML document as CloudFormation reads it: scalars stay text (CloudFormation's own types come from where a value
/// is used), and the short-form intrinsics (`!Ref X`, `!If [...]`) become their long form (`{"Ref": X}`,
/// `{"Fn::If": [...]}`), so the template reader sees one shape.
indirect enum YAMLNode: Equatable, Sendable {
    case scalar(String)
    case sequence([YAMLNode])
    case mapping([String: YAMLNode])

    var string: String? { if case .scalar(let text) = self { text } else { nil } }
    var list: [YAMLNode]? { if case .sequence(let items) = self { items } else { nil } }
    var map: [String: YAMLNode]? { if case .mapping(let pairs) = self { pairs } else { nil } }
    subscript(_ key: String) -> YAMLNode? { map?[key] }
}

/// Reads the YAML that CloudFormation templates are written in: block mappings and sequences, one-line flow
/// collections, plain, quoted, literal and folded scalars, comments, and the intrinsics' tags. Anchors, aliases,
/// multi-line flow collections, multi-line plain scalars and several documents are refused by line, never guessed at:
/// template.yaml needs none of them.
struct YAMLReader {
    struct Line {
        let number: Int
        let indent: Int
        let text: String
    }

    private var lines: [Line] = []
    private var raw: [Substring] = []
    private var index = 0

    /// The document in `text`; an error names the line at fault.
    static func parse(_ text: String) throws(EndpointError) -> YAMLNode {
        var reader = YAMLReader()
        reader.raw = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.last == "\r" ? $0.dropLast() : $0
        }
        for (offset, line) in reader.raw.enumerated() {
            let content = stripComment(line)
            let trimmed = content.drop { $0 == " " }
            guard !trimmed.allSatisfy({ $0 == " " }) else { continue }
            if line.contains("\t") && line.prefix(while: { $0 == " " || $0 == "\t" }).contains("\t") {
                throw fail(offset + 1, "a tab in indentation")
            }
            if trimmed == "---" && reader.lines.isEmpty { continue }
            reader.lines.append(Line(number: offset + 1, indent: content.count - trimmed.count, text: String(trimmed)))
        }
        guard let first = reader.lines.first else { return .mapping([:]) }
        let node = try reader.block(indent: first.indent)
        if reader.index < reader.lines.count {
            throw fail(reader.lines[reader.index].number, "unexpected indentation or a second document")
        }
        return node
    }

    static func fail(_ line: Int, _ text: String) -> EndpointError { .template("YAML line \(line): \(text)") }

    /// The line without a comment: `#` after a space (or at the start) outside quotes.
    static func stripComment(_ line: Substring) -> Substring {
        var quote: Character?
        var previous: Character = " "
        var escaped = false
        for position in line.indices {
            let character = line[position]
            if let open = quote {
                if escaped {
                    escaped = false
                } else if open == "\"" && character == "\\" {
                    escaped = true
                } else if character == open {
                    quote = nil
                }
            } else if character == "\"" || character == "'" {
                if previous == " " || previous == "[" || previous == "{" || previous == "," || previous == ":" { quote = character }
            } else if character == "#" && (previous == " " || previous == "\t") {
                return line[..<position]
            }
            previous = character
        }
        return line
    }

    // MARK: Block structure

    private mutating func block(indent: Int) throws(EndpointError) -> YAMLNode {
        let line = lines[index]
        if line.text == "-" || line.text.hasPrefix("- ") { return try sequence(indent: indent) }
        if Self.splitKey(line.text) != nil { return try mapping(indent: indent) }
        index += 1
        let node = try Self.inline(line.text, line: line.number)
        try refuseContinuation(of: line, deeperThan: indent - 1)
        return node
    }

    private mutating func sequence(indent: Int) throws(EndpointError) -> YAMLNode {
        var items: [YAMLNode] = []
        while index < lines.count, lines[index].indent == indent, lines[index].text == "-" || lines[index].text.hasPrefix("- ") {
            let line = lines[index]
            let rest = line.text.dropFirst().drop { $0 == " " }
            if rest.isEmpty {
                index += 1
                items.append(try nested(after: line, indent: indent))
            } else {
                // "- key: value" opens a mapping at the item's column: the rest stands as a line of its own there.
                lines[index] = Line(number: line.number, indent: indent + line.text.count - rest.count, text: String(rest))
                items.append(try value(of: lines[index], parentIndent: indent, opensMapping: true))
            }
        }
        return .sequence(items)
    }

    private mutating func mapping(indent: Int) throws(EndpointError) -> YAMLNode {
        var pairs: [String: YAMLNode] = [:]
        while index < lines.count, lines[index].indent == indent {
            let line = lines[index]
            guard let (key, rest) = Self.splitKey(line.text) else { throw Self.fail(line.number, "expected \"key: value\"") }
            guard pairs[key] == nil else { throw Self.fail(line.number, "\(key) appears twice") }
            if rest.isEmpty {
                index += 1
                // A sequence may sit at its key's own indentation.
                if index < lines.count, lines[index].indent == indent, lines[index].text == "-" || lines[index].text.hasPrefix("- ") {
                    pairs[key] = try sequence(indent: indent)
                } else {
                    pairs[key] = try nested(after: line, indent: indent)
                }
            } else {
                lines[index] = Line(number: line.number, indent: indent, text: rest)
                pairs[key] = try value(of: lines[index], parentIndent: indent)
            }
        }
        if index < lines.count, lines[index].indent > indent {
            throw Self.fail(lines[index].number, "unexpected indentation")
        }
        return .mapping(pairs)
    }

    /// The block under a line that ends at its key or dash: deeper lines, or nothing (an empty scalar).
    private mutating func nested(after line: Line, indent: Int) throws(EndpointError) -> YAMLNode {
        guard index < lines.count, lines[index].indent > indent else { return .scalar("") }
        return try block(indent: lines[index].indent)
    }

    /// A value that starts on `line` (after its key or dash): a tag, a block scalar, a mapping opened there, or inline.
    private mutating func value(of line: Line, parentIndent: Int, opensMapping: Bool = false) throws(EndpointError) -> YAMLNode {
        var text = Substring(line.text)
        var tag: String?
        if text.hasPrefix("!") {
            let name = text.prefix { $0 != " " }
            tag = String(name)
            text = text.dropFirst(name.count).drop { $0 == " " }
            if text.isEmpty {
                index += 1
                return try Self.tagged(tag!, nested(after: line, indent: parentIndent), line: line.number)
            }
        }
        if text.first == "|" || text.first == ">" {
            index += 1
            let node = YAMLNode.scalar(try blockScalar(header: text, line: line, parentIndent: parentIndent))
            return try tag.map { (tag) throws(EndpointError) in try Self.tagged(tag, node, line: line.number) } ?? node
        }
        if tag == nil, Self.splitKey(line.text) != nil {
            // "- key: value": a mapping whose first key sits on the dash's line. After a key, YAML has no such thing.
            guard opensMapping else { throw Self.fail(line.number, "a mapping inside a value (quote the value)") }
            return try mapping(indent: line.indent)
        }
        index += 1
        let node = try Self.inline(String(text), line: line.number)
        try refuseContinuation(of: line, deeperThan: parentIndent)
        return try tag.map { (tag) throws(EndpointError) in try Self.tagged(tag, node, line: line.number) } ?? node
    }

    /// Plain scalars and flow collections here fit on one line; a deeper line after one is refused, not joined.
    private func refuseContinuation(of line: Line, deeperThan indent: Int) throws(EndpointError) {
        if index < lines.count, lines[index].indent > indent {
            throw Self.fail(lines[index].number, "a value continued on the next line (write it on one line, or with | or >)")
        }
    }

    /// `|` or `>` with an optional chomping indicator: the following lines deeper than the parent, taken as written.
    private mutating func blockScalar(header: Substring, line: Line, parentIndent: Int) throws(EndpointError) -> String {
        let folded = header.first == ">"
        let chomp = header.dropFirst()
        guard chomp.isEmpty || chomp == "-" || chomp == "+" else { throw Self.fail(line.number, "block scalar header \(header)") }
        // The raw lines, comments and all, from the one after the header to the last deeper one.
        var body: [Substring] = []
        var rawIndex = line.number
        var contentIndent: Int?
        while rawIndex < raw.count {
            let text = raw[rawIndex]
            let spaces = text.prefix { $0 == " " }.count
            if spaces == text.count {
                body.append("")
            } else if spaces > parentIndent, contentIndent.map({ spaces >= $0 }) ?? true {
                contentIndent = contentIndent ?? spaces
                body.append(text.dropFirst(contentIndent!))
            } else {
                break
            }
            rawIndex += 1
        }
        while index < lines.count, lines[index].number <= rawIndex { index += 1 }
        var trailing = 0
        while let last = body.last, last.isEmpty {
            body.removeLast()
            trailing += 1
        }
        var text = ""
        if folded {
            // Lines join with a space; an empty line stands for a line break. More-indented lines are kept as written.
            var previousBlank = true
            for part in body {
                if part.isEmpty {
                    text += "\n"
                    previousBlank = true
                } else {
                    if !previousBlank && !part.hasPrefix(" ") { text += " " } else if !previousBlank { text += "\n" }
                    text += part
                    previousBlank = false
                }
            }
        } else {
            text = body.joined(separator: "\n")
        }
        switch chomp {
        case "-": return text
        case "+": return text + String(repeating: "\n", count: body.isEmpty ? trailing : trailing + 1)
        default: return body.isEmpty ? "" : text + "\n"
        }
    }

    /// `key: rest` (or `key:` alone), the key plain or quoted; nil when the line is no mapping entry.
    static func splitKey(_ text: String) -> (String, String)? {
        let characters = Array(text)
        var position = 0
        var key: String
        if let quote = characters.first, quote == "\"" || quote == "'" {
            guard let (scalar, end) = try? quoted(characters, from: 0) else { return nil }
            key = scalar
            position = end
            guard position < characters.count, characters[position] == ":" else { return nil }
        } else {
            if characters.first == "[" || characters.first == "{" || characters.first == "!"
                || characters.first == "-" && characters.count > 1
                    && characters[1] == " "
            {
                return nil
            }
            while position < characters.count {
                if characters[position] == ":" && (position + 1 == characters.count || characters[position + 1] == " ") { break }
                position += 1
            }
            guard position < characters.count else { return nil }
            key = String(characters[..<position]).trimmingSpaces
        }
        let rest = String(characters[(position + 1)...]).trimmingSpaces
        return (key, rest)
    }

    // MARK: Inline values

    /// A value on one line: quoted, a flow collection, a tagged value, or plain text.
    static func inline(_ text: String, line: Int) throws(EndpointError) -> YAMLNode {
        let characters = Array(text)
        var position = 0
        let node = try flowValue(characters, &position, line: line, inFlow: false)
        while position < characters.count && characters[position] == " " { position += 1 }
        guard position == characters.count else { throw fail(line, "unexpected text after a value: \(String(characters[position...]))") }
        return node
    }

    private static func flowValue(_ c: [Character], _ p: inout Int, line: Int, inFlow: Bool) throws(EndpointError) -> YAMLNode {
        while p < c.count && c[p] == " " { p += 1 }
        guard p < c.count else { return .scalar("") }
        switch c[p] {
        case "&", "*": throw fail(line, "anchors and aliases (\(c[p])) are not read")
        case "!":
            var end = p
            while end < c.count && c[end] != " " && !(inFlow && (c[end] == "," || c[end] == "]" || c[end] == "}")) { end += 1 }
            let tag = String(c[p..<end])
            p = end
            return try tagged(tag, flowValue(c, &p, line: line, inFlow: inFlow), line: line)
        case "\"", "'":
            do {
                let (text, end) = try quoted(c, from: p)
                p = end
                return .scalar(text)
            } catch {
                throw fail(line, "an unterminated quoted string")
            }
        case "[":
            p += 1
            var items: [YAMLNode] = []
            while true {
                while p < c.count && c[p] == " " { p += 1 }
                guard p < c.count else { throw fail(line, "a [ list not closed on its line") }
                if c[p] == "]" {
                    p += 1
                    return .sequence(items)
                }
                items.append(try flowValue(c, &p, line: line, inFlow: true))
                while p < c.count && c[p] == " " { p += 1 }
                if p < c.count && c[p] == "," {
                    p += 1
                } else if p < c.count && c[p] != "]" {
                    throw fail(line, "expected , or ] in a list")
                }
            }
        case "{":
            p += 1
            var pairs: [String: YAMLNode] = [:]
            while true {
                while p < c.count && c[p] == " " { p += 1 }
                guard p < c.count else { throw fail(line, "a { mapping not closed on its line") }
                if c[p] == "}" {
                    p += 1
                    return .mapping(pairs)
                }
                guard case .scalar(let key) = try flowValue(c, &p, line: line, inFlow: true), p < c.count, c[p] == ":" else {
                    throw fail(line, "expected key: value in a { mapping")
                }
                p += 1
                pairs[key] = try flowValue(c, &p, line: line, inFlow: true)
                while p < c.count && c[p] == " " { p += 1 }
                if p < c.count && c[p] == "," {
                    p += 1
                } else if p < c.count && c[p] != "}" {
                    throw fail(line, "expected , or } in a mapping")
                }
            }
        default:
            guard !inFlow else {
                var end = p
                while end < c.count && !",]}".contains(c[end]) && !(c[end] == ":" && (end + 1 == c.count || " ,]}".contains(c[end + 1]))) {
                    end += 1
                }
                let text = String(c[p..<end]).trimmingSpaces
                p = end
                return .scalar(text)
            }
            let text = String(c[p...]).trimmingSpaces
            p = c.count
            return .scalar(text)
        }
    }

    struct Unterminated: Error {}

    /// A quoted scalar starting at `start`, and the position after its closing quote.
    static func quoted(_ c: [Character], from start: Int) throws(Unterminated) -> (String, Int) {
        let quote = c[start]
        var text = ""
        var p = start + 1
        while p < c.count {
            let character = c[p]
            if quote == "'" {
                if character == "'" {
                    if p + 1 < c.count && c[p + 1] == "'" {
                        text.append("'")
                        p += 2
                        continue
                    }
                    return (text, p + 1)
                }
            } else if character == "\"" {
                return (text, p + 1)
            } else if character == "\\" && p + 1 < c.count {
                p += 1
                switch c[p] {
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "r": text.append("\r")
                case "0": text.append("\0")
                case "u", "x":
                    let count = c[p] == "u" ? 4 : 2
                    guard p + count < c.count, let code = UInt32(String(c[(p + 1)...(p + count)]), radix: 16),
                        let scalar = Unicode.Scalar(code)
                    else { throw Unterminated() }
                    text.unicodeScalars.append(scalar)
                    p += count
                default: text.append(c[p])
                }
                p += 1
                continue
            }
            text.append(character)
            p += 1
        }
        throw Unterminated()
    }

    /// The long form of a short-form intrinsic: `!Ref X` is `{"Ref": "X"}`, `!GetAtt A.B` is `{"Fn::GetAtt": [A, B]}`.
    static func tagged(_ tag: String, _ node: YAMLNode, line: Int) throws(EndpointError) -> YAMLNode {
        let name = String(tag.dropFirst())
        switch name {
        case "Ref", "Condition": return .mapping([name: node])
        case "GetAtt":
            if case .scalar(let text) = node, let dot = text.firstIndex(of: ".") {
                return .mapping([
                    "Fn::GetAtt": .sequence([.scalar(String(text[..<dot])), .scalar(String(text[text.index(after: dot)...]))])
                ])
            }
            return .mapping(["Fn::GetAtt": node])
        case "Sub", "If", "Equals", "Not", "And", "Or", "Select", "Split", "Join", "FindInMap", "Base64", "GetAZs", "ImportValue",
            "Cidr", "Contains", "EachMemberEquals", "EachMemberIn", "RefAll", "ValueOf", "ValueOfAll", "Length", "ToJsonString":
            return .mapping(["Fn::" + name: node])
        default: throw fail(line, "the tag \(tag) is not read")
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
