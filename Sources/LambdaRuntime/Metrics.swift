import JSON
import Platform

/// One CloudWatch metric value, written in a log line in CloudWatch's embedded metric format (EMF), so metrics
/// cost no API call.
package struct Metric: Sendable, Equatable {
    package enum Unit: String, Sendable {
        case count = "Count"
        case milliseconds = "Milliseconds"
    }

    package var name: String
    package var value: Int
    var unit: Unit

    package init(_ name: String, _ value: Int = 1, _ unit: Unit = .count) {
        self.name = name
        self.value = value
        self.unit = unit
    }
}

extension Logger {
    /// Writes one INFO line that is also an EMF document: the metrics under `metricsNamespace`, with one dimension
    /// set per leading part of `dimensions` (for `Function, Channel`: by function, and by function and channel).
    ///
    /// Like any INFO line it is dropped below the threshold, as Lambda's log-level filtering would drop it.
    package func emit(_ metrics: [Metric], dimensions: KeyValuePairs<String, String>) {
        guard !metrics.isEmpty, LogLevel.info >= threshold else { return }
        let now = SystemClock.nowEpochMilliseconds()
        let names = dimensions.map { JSONValue.quoted($0.key) }
        let sets = (1...max(1, names.count)).map { "[" + names.prefix($0).joined(separator: ",") + "]" }
        var line = head(.info, "metrics", now)
        line += ",\"_aws\":{\"Timestamp\":\(now),\"CloudWatchMetrics\":[{\"Namespace\":\(JSONValue.quoted(metricsNamespace))"
        line += ",\"Dimensions\":[" + (names.isEmpty ? "[]" : sets.joined(separator: ",")) + "]"
        line += ",\"Metrics\":["
        line += metrics.map { "{\"Name\":\(JSONValue.quoted($0.name)),\"Unit\":\"\($0.unit.rawValue)\"}" }.joined(separator: ",")
        line += "]}]}"
        for (key, value) in dimensions { line += ",\(JSONValue.quoted(key)):\(JSONValue.quoted(value))" }
        for metric in metrics { line += ",\(JSONValue.quoted(metric.name)):\(metric.value)" }
        sink.write(line + "}\n")
    }
}
