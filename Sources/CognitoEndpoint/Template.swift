/// A CloudFormation (SAM) template with its parameters' values, as `sam deploy --parameter-overrides` would deploy it:
/// parameters checked against their constraints, `Rules` asserted, `Conditions` evaluated, and the intrinsics of the
/// parts the endpoint reads resolved.
struct CloudFormationTemplate {
    let root: [String: YAMLNode]
    /// Every parameter's value: the override, else the default.
    private(set) var values: [String: YAMLNode] = [:]
    private var conditions: [String: Bool] = [:]
    let pseudo: [String: String]

    /// The template in `text` with `overrides` (`Name=Value`); an error names the parameter, rule or construct at fault.
    init(text: String, overrides: [String], pseudo: [String: String]) throws(EndpointError) {
        guard let root = try YAMLReader.parse(text).map else { throw .template("the template is not a mapping") }
        self.root = root
        self.pseudo = pseudo
        let declared = root["Parameters"]?.map ?? [:]
        var given: [String: String] = [:]
        for override in overrides {
            let (name, value) = try Self.split(override)
            guard declared[name] != nil else {
                throw .template(
                    "--parameter \(name): the template has no such parameter (it has \(declared.keys.sorted().joined(separator: ", ")))")
            }
            given[name] = value
        }
        for (name, declaration) in declared {
            values[name] = try Self.check(name, declaration, given[name])
        }
        for name in (root["Conditions"]?.map ?? [:]).keys.sorted() { _ = try condition(name, depth: 0) }
        try assertRules()
    }

    /// `Name=Value`, or `ParameterKey=Name,ParameterValue=Value` as sam also takes it.
    static func split(_ text: String) throws(EndpointError) -> (String, String) {
        if text.hasPrefix("ParameterKey="), let comma = text.firstRange(of: ",ParameterValue=") {
            return (String(text[text.index(text.startIndex, offsetBy: 13)..<comma.lowerBound]), String(text[comma.upperBound...]))
        }
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw .template("--parameter takes Name=Value, got \(text)")
        }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    /// The parameter's value, given or default, within its `AllowedValues`, `AllowedPattern`, length and number bounds.
    static func check(_ name: String, _ declaration: YAMLNode, _ given: String?) throws(EndpointError) -> YAMLNode {
        let type = declaration["Type"]?.string ?? "String"
        guard let value = given ?? declaration["Default"]?.string else {
            throw .template("parameter \(name) has no default: give --parameter \(name)=VALUE")
        }
        let shown = declaration["NoEcho"]?.string == "true" ? "(hidden)" : "\"\(value)\""
        func refuse(_ why: String) -> EndpointError { .template("parameter \(name)=\(shown): \(why)") }
        if let allowed = declaration["AllowedValues"]?.list?.compactMap(\.string), !allowed.contains(value) {
            throw refuse("not one of its AllowedValues \(allowed.joined(separator: ", "))")
        }
        if let pattern = declaration["AllowedPattern"]?.string {
            guard let regex = try? Regex(pattern) else { throw .template("parameter \(name): AllowedPattern \(pattern) is not read") }
            guard (try? regex.wholeMatch(in: value)) != nil else {
                throw refuse(
                    "does not match its AllowedPattern \(pattern)" + (declaration["ConstraintDescription"]?.string.map { " (\($0))" } ?? "")
                )
            }
        }
        if let least = declaration["MinLength"]?.string.flatMap(Int.init), value.count < least {
            throw refuse("shorter than MinLength \(least)")
        }
        if let most = declaration["MaxLength"]?.string.flatMap(Int.init), value.count > most {
            throw refuse("longer than MaxLength \(most)")
        }
        switch type {
        case "String": return .scalar(value)
        case "Number":
            guard let number = Double(value), number.isFinite else { throw refuse("not a number") }
            if let least = declaration["MinValue"]?.string.flatMap(Double.init), number < least { throw refuse("below MinValue \(least)") }
            if let most = declaration["MaxValue"]?.string.flatMap(Double.init), number > most { throw refuse("above MaxValue \(most)") }
            return .scalar(value)
        case "CommaDelimitedList":
            return .sequence(value.split(separator: ",", omittingEmptySubsequences: false).map { .scalar(String($0)) })
        default: throw .template("parameter \(name): Type \(type) is not read (String, Number and CommaDelimitedList are)")
        }
    }

    // MARK: Conditions and rules

    /// A condition's value, evaluated once.
    mutating func condition(_ name: String, depth: Int) throws(EndpointError) -> Bool {
        if let known = conditions[name] { return known }
        guard depth < 64, let definition = root["Conditions"]?[name] else {
            throw .template(depth < 64 ? "condition \(name) is not defined" : "condition \(name) refers to itself")
        }
        let value = try truth(definition, depth: depth + 1, context: "condition \(name)")
        conditions[name] = value
        return value
    }

    /// Whether a resource (or output) with this `Condition` exists.
    func exists(_ resource: [String: YAMLNode]) -> Bool {
        guard let name = resource["Condition"]?.string else { return true }
        return conditions[name] == true
    }

    /// A condition function's value: `Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`, and in rules `Fn::Contains`.
    private mutating func truth(_ node: YAMLNode, depth: Int, context: String) throws(EndpointError) -> Bool {
        guard let map = node.map, map.count == 1, let (function, argument) = map.first else {
            if let text = node.string, text == "true" || text == "false" { return text == "true" }
            throw .template("\(context): expected a condition function")
        }
        let arguments = argument.list ?? []
        switch function {
        case "Condition":
            guard let name = argument.string else { throw .template("\(context): Condition takes a name") }
            return try condition(name, depth: depth)
        case "Fn::Equals":
            guard arguments.count == 2 else { throw .template("\(context): Fn::Equals takes two values") }
            return try resolve(arguments[0], context) == resolve(arguments[1], context)
        case "Fn::Not":
            guard arguments.count == 1 else { throw .template("\(context): Fn::Not takes one condition") }
            return try !truth(arguments[0], depth: depth + 1, context: context)
        case "Fn::And", "Fn::Or":
            var results: [Bool] = []
            for item in arguments { results.append(try truth(item, depth: depth + 1, context: context)) }
            return function == "Fn::And" ? !results.contains(false) : results.contains(true)
        case "Fn::Contains":
            guard arguments.count == 2, let list = try resolve(arguments[0], context)?.list else {
                throw .template("\(context): Fn::Contains takes a list and a value")
            }
            return list.contains(try resolve(arguments[1], context) ?? .scalar(""))
        default: throw .template("\(context): \(function) is not read")
        }
    }

    /// `Rules`: each whose `RuleCondition` holds must have every `Assert` hold, or the deployment is refused.
    private mutating func assertRules() throws(EndpointError) {
        for (name, rule) in (root["Rules"]?.map ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let condition = rule["RuleCondition"], !(try truth(condition, depth: 0, context: "rule \(name)")) { continue }
            for assertion in rule["Assertions"]?.list ?? [] {
                guard let assert = assertion["Assert"], try truth(assert, depth: 0, context: "rule \(name)") else {
                    throw .template("rule \(name): \(assertion["AssertDescription"]?.string ?? "an assertion failed")")
                }
            }
        }
    }

    // MARK: Values

    /// Resources of the template that exist under its conditions, by logical ID.
    var resources: [String: [String: YAMLNode]] {
        (root["Resources"]?.map ?? [:]).compactMapValues { $0.map }.filter { exists($0.value) }
    }

    /// `node` with its intrinsics resolved; nil for `AWS::NoValue`, which removes a member or item.
    func resolve(_ node: YAMLNode, _ context: String) throws(EndpointError) -> YAMLNode? {
        switch node {
        case .scalar: return node
        case .sequence(let items):
            var resolved: [YAMLNode] = []
            for item in items { if let value = try resolve(item, context) { resolved.append(value) } }
            return .sequence(resolved)
        case .mapping(let map):
            if map.count == 1, let (key, argument) = map.first, key == "Ref" || key.hasPrefix("Fn::") || key == "Condition" {
                return try intrinsic(key, argument, context)
            }
            var resolved: [String: YAMLNode] = [:]
            for (key, value) in map { if let value = try resolve(value, context) { resolved[key] = value } }
            return .mapping(resolved)
        }
    }

    private func scalar(_ node: YAMLNode, _ context: String) throws(EndpointError) -> String {
        guard let text = try resolve(node, context)?.string else { throw .template("\(context): expected a single value") }
        return text
    }

    private func intrinsic(_ function: String, _ argument: YAMLNode, _ context: String) throws(EndpointError) -> YAMLNode? {
        let arguments = argument.list ?? []
        switch function {
        case "Ref":
            guard let name = argument.string else { throw .template("\(context): Ref takes a name") }
            return try reference(name, context)
        case "Fn::GetAtt":
            guard arguments.count == 2, let resource = arguments[0].string, let attribute = try resolve(arguments[1], context)?.string
            else {
                throw .template("\(context): Fn::GetAtt takes a resource and an attribute")
            }
            return .scalar(attributeValue(resource, attribute))
        case "Fn::If":
            guard arguments.count == 3, let name = arguments[0].string, let value = conditions[name] else {
                throw .template("\(context): Fn::If takes a defined condition and two values")
            }
            return try resolve(arguments[value ? 1 : 2], context)
        case "Fn::Sub":
            var variables: [String: String] = [:]
            let format: String
            if let text = argument.string {
                format = text
            } else if arguments.count == 2, let text = arguments[0].string, let map = arguments[1].map {
                format = text
                for (name, value) in map { variables[name] = try scalar(value, context) }
            } else {
                throw .template("\(context): Fn::Sub takes a string, or a string and a map")
            }
            return .scalar(try substitute(format, variables, context))
        case "Fn::Join":
            guard arguments.count == 2, let separator = arguments[0].string, let list = try resolve(arguments[1], context)?.list else {
                throw .template("\(context): Fn::Join takes a separator and a list")
            }
            var parts: [String] = []
            for item in list { parts.append(try scalar(item, context)) }
            return .scalar(parts.joined(separator: separator))
        case "Fn::Split":
            guard arguments.count == 2, let separator = arguments[0].string, !separator.isEmpty else {
                throw .template("\(context): Fn::Split takes a separator and a string")
            }
            let text = try scalar(arguments[1], context)
            return .sequence(text.split(separator: separator, omittingEmptySubsequences: false).map { .scalar(String($0)) })
        case "Fn::Select":
            guard arguments.count == 2, let index = Int(try scalar(arguments[0], context)),
                let list = try resolve(arguments[1], context)?.list,
                list.indices.contains(index)
            else { throw .template("\(context): Fn::Select takes an index within its list") }
            return list[index]
        case "Fn::FindInMap":
            guard arguments.count == 3 else { throw .template("\(context): Fn::FindInMap takes a map and two keys") }
            let (map, first, second) = try (scalar(arguments[0], context), scalar(arguments[1], context), scalar(arguments[2], context))
            guard let value = root["Mappings"]?[map]?[first]?[second] else {
                throw .template("\(context): Fn::FindInMap finds nothing at \(map).\(first).\(second)")
            }
            return value
        case "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Condition":
            var copy = self
            return .scalar(try copy.truth(.mapping([function: argument]), depth: 0, context: context) ? "true" : "false")
        default:
            throw .template(
                "\(context): \(function) is not read (the endpoint resolves Ref, Fn::Sub, Fn::If, Fn::Join, Fn::Split, Fn::Select, Fn::GetAtt, Fn::FindInMap and the condition functions)"
            )
        }
    }

    /// A parameter's value, a pseudo parameter, or a resource's local name (its logical ID).
    private func reference(_ name: String, _ context: String) throws(EndpointError) -> YAMLNode? {
        if name == "AWS::NoValue" { return nil }
        if let value = values[name] { return value }
        if let value = pseudo[name] { return .scalar(value) }
        if name == "AWS::NotificationARNs" { return .sequence([]) }
        if root["Resources"]?[name] != nil { return .scalar(name) }
        throw .template("\(context): Ref \(name) names no parameter or resource")
    }

    /// `Fn::GetAtt`: a function's `Arn` as Lambda writes one; anything else `Resource.Attribute`.
    func attributeValue(_ resource: String, _ attribute: String) -> String {
        let type = root["Resources"]?[resource]?["Type"]?.string
        if attribute == "Arn", type == "AWS::Serverless::Function" || type == "AWS::Lambda::Function" {
            return "arn:aws:lambda:\(pseudo["AWS::Region"] ?? ""):\(pseudo["AWS::AccountId"] ?? ""):function:\(resource)"
        }
        return resource + "." + attribute
    }

    /// `${Name}`, `${Resource.Attribute}` and `${!Literal}` in an `Fn::Sub` string.
    private func substitute(_ format: String, _ variables: [String: String], _ context: String) throws(EndpointError) -> String {
        var result = ""
        var rest = Substring(format)
        while let open = rest.firstRange(of: "${") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                result += rest[open.lowerBound...]
                return result
            }
            let name = String(rest[open.upperBound..<close])
            if name.hasPrefix("!") {
                result += "${" + name.dropFirst() + "}"
            } else if let value = variables[name] {
                result += value
            } else if let dot = name.firstIndex(of: "."), values[name] == nil {
                result += attributeValue(String(name[..<dot]), String(name[name.index(after: dot)...]))
            } else {
                guard let value = try reference(name, context)?.string else {
                    throw .template("\(context): ${\(name)} is not a single value")
                }
                result += value
            }
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}
