import Foundation

/// Checks a log line against CloudWatch's embedded metric format specification.
package enum EMFDocument {
    /// The units the specification allows.
    static let units: Set<String> = [
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Bits",
        "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second",
        "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second",
        "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
    ]

    /// The problems with one log line that holds an `_aws` member; empty when it is a valid document.
    package static func problems(line: String) -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            return ["not a JSON object"]
        }
        return problems(object, line: line)
    }

    /// The problems with a parsed document; `line`, its text, tells numbers from booleans, which Foundation's
    /// parser on Linux does not.
    package static func problems(_ object: [String: Any], line: String) -> [String] {
        guard let aws = object["_aws"] as? [String: Any] else { return ["no _aws object"] }
        var problems: [String] = []
        if !(aws["Timestamp"] is Int) { problems.append("_aws.Timestamp is not a whole number of milliseconds") }
        guard let directives = aws["CloudWatchMetrics"] as? [[String: Any]], !directives.isEmpty else {
            return problems + ["_aws.CloudWatchMetrics is not a non-empty array of objects"]
        }
        for directive in directives {
            guard let namespace = directive["Namespace"] as? String, !namespace.isEmpty, namespace.count <= 1024 else {
                problems.append("a directive has no Namespace")
                continue
            }
            guard let dimensionSets = directive["Dimensions"] as? [[String]] else {
                problems.append("Dimensions is not an array of arrays of strings")
                continue
            }
            for set in dimensionSets {
                if set.count > 30 { problems.append("a dimension set has more than 30 dimensions") }
                for name in set where !(object[name] is String) {
                    problems.append("dimension \(name) has no string value at the top level")
                }
            }
            guard let metrics = directive["Metrics"] as? [[String: Any]], !metrics.isEmpty, metrics.count <= 100 else {
                problems.append("Metrics is not an array of 1 to 100 objects")
                continue
            }
            for metric in metrics {
                guard let name = metric["Name"] as? String, !name.isEmpty else {
                    problems.append("a metric has no Name")
                    continue
                }
                let quoted = "\"" + name + "\":"
                let isNumber =
                    line.ranges(of: quoted).contains { range in
                        line[range.upperBound...].first.map { $0 == "-" || $0.isNumber } ?? false
                    }
                if !isNumber { problems.append("metric \(name) has no number at the top level") }
                if let unit = metric["Unit"], !(unit is String && units.contains(unit as! String)) {
                    problems.append("metric \(name) has an invalid unit \(unit)")
                }
            }
        }
        return problems
    }

    /// The metric values of a document by name.
    package static func values(_ object: [String: Any]) -> [String: Int] {
        guard let aws = object["_aws"] as? [String: Any], let directives = aws["CloudWatchMetrics"] as? [[String: Any]] else { return [:] }
        var values: [String: Int] = [:]
        for directive in directives {
            for metric in (directive["Metrics"] as? [[String: Any]]) ?? [] {
                if let name = metric["Name"] as? String, let value = object[name] as? Int { values[name] = value }
            }
        }
        return values
    }
}
