import Foundation
import Testing

@testable import TestSupport

/// Every line the functions write under a Runtime API, read as CloudWatch and Lambda read them.
@Suite("Log lines and metrics from the executables", .serialized)
struct LogLineTests {
    static let levels: Set<String> = ["DEBUG", "INFO", "WARN", "ERROR"]

    /// Serves the events to the executable and returns its log lines, parsed, once every event is answered.
    static func serve(_ name: String, events: [String], environment: [String: String] = [:]) throws -> [(String, [String: Any])] {
        let function = try ServedFunction(
            try ExecutableTests.executable(name),
            events: events.enumerated().map { .init(try! SampleEvents.bytes($0.element), id: "req-\($0.offset)") },
            environment: [
                "OTP_DELIVERY": "console", "METRICS_NAMESPACE": "Passwordless-E2E", "PATH": "/usr/bin:/bin",
                "HASH_KEY": "log line test key 0001",
            ]
            .merging(environment) { $1 })
        _ = function.waitForPosts(events.count)
        let output = function.stop()
        // Console delivery writes framed messages, not log lines; everything else must be one JSON object a line.
        var inMessage = false
        var lines: [(String, [String: Any])] = []
        for line in output.split(separator: "\n").map(String.init) {
            if line.hasPrefix("--- ") { inMessage = !line.hasPrefix("--- end ---"); continue }
            if inMessage { continue }
            lines.append((line, try jsonObject(Array(line.utf8))))
        }
        return lines
    }

    static let runs: [(String, [String])] = [
        ("define-auth-challenge", ["define-first-round", "define-success", "define-lockout"]),
        ("create-auth-challenge", ["create-sms-first-round", "create-user-not-found", "create-retry-after-wrong-code"]),
        ("verify-auth-challenge", ["verify-correct-code", "verify-wrong-code", "verify-user-not-found"]),
        ("pre-sign-up", ["pre-sign-up-phone", "pre-sign-up-email", "pre-sign-up-external-provider"]),
    ]

    @Test("each line: RFC 3339 timestamp, Lambda's level, message, request id; coldStart and traceId where due", arguments: runs.indices)
    func lines(index: Int) throws {
        let (name, events) = Self.runs[index]
        let lines = try Self.serve(name, events: events)
        #expect(!lines.isEmpty)
        for (text, line) in lines {
            let timestamp = try #require(line["timestamp"] as? String, "\(text)")
            #expect(timestamp.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "\(text)")
            #expect(Self.levels.contains(line["level"] as? String ?? ""), "\(text)")
            #expect(line["message"] is String, "\(text)")
            guard let requestID = line["requestId"] as? String else { continue }  // start-up lines have none
            #expect((line["coldStart"] as? Bool == true) == (requestID == "req-0"), "\(text)")
            #expect(line["traceId"] as? String == "1-5759e988-bd862e3fe1be46a994272793", "\(text)")
        }
        #expect(Set(lines.compactMap { $0.1["requestId"] as? String }) == Set(events.indices.map { "req-\($0)" }))
    }

    @Test(
        "every metrics line is a valid EMF document in METRICS_NAMESPACE, with the metrics each run should count", arguments: runs.indices)
    func metrics(index: Int) throws {
        let (name, events) = Self.runs[index]
        let lines = try Self.serve(name, events: events)
        var totals: [String: Int] = [:]
        for (text, line) in lines where line["_aws"] != nil {
            #expect(EMFDocument.problems(line: text) == [], "\(text)")
            let directive = ((line["_aws"] as? [String: Any])?["CloudWatchMetrics"] as? [[String: Any]])?.first
            #expect(directive?["Namespace"] as? String == "Passwordless-E2E")
            #expect((directive?["Dimensions"] as? [[String]])?.first == ["Function"])
            EMFDocument.values(line).forEach { totals[$0.key, default: 0] += $0.value }
        }
        switch name {
        case "define-auth-challenge": #expect(totals == ["SignInsSucceeded": 1, "SignInsFailed": 1])
        case "create-auth-challenge":
            #expect(totals["CodesSent"] == 1, "console delivery counts too")
            #expect(totals["DecoyChallenges"] == 1)
            #expect(totals["DeliveryLatency"] != nil)
        case "pre-sign-up": #expect(totals == ["SignUpsAccepted": 2])
        default: #expect(totals == ["AnswersCorrect": 1, "AnswersWrong": 2])
        }
    }

    @Test("no line holds a code, a full phone number, an email address or the credentials")
    func nothingSecret() throws {
        let lines = try Self.serve(
            "create-auth-challenge", events: ["create-sms-first-round", "create-email-first-round", "create-user-not-found"],
            environment: ["LOG_LEVEL": "debug", "AWS_SECRET_ACCESS_KEY": "SECRETSECRETSECRET", "AWS_SESSION_TOKEN": "TOKENTOKENTOKEN"])
        for (text, _) in lines {
            for secret in ["+15555550123", "alice@example.com", "mallory@example.net", "SECRETSECRETSECRET", "TOKENTOKENTOKEN"] {
                #expect(!text.contains(secret), "\(text)")
            }
            #expect(text.firstMatch(of: /\b\d{6}\b/) == nil, "no six-digit code: \(text)")
        }
    }

    @Test("under Lambda, create warns once at start-up about console delivery and no shared limits")
    func startUpWarnings() throws {
        let warnings = { (lines: [(String, [String: Any])]) in
            lines.filter { $0.1["level"] as? String == "WARN" && $0.1["requestId"] == nil }.compactMap { $0.1["message"] as? String }
        }
        let bare = warnings(try Self.serve("create-auth-challenge", events: ["create-retry-after-wrong-code"]))
        #expect(bare.count == 2, "\(bare)")
        #expect(bare.contains { $0.hasPrefix("OTP_DELIVERY=console") })
        #expect(bare.contains { $0.hasPrefix("RATE_LIMIT_TABLE is not set") })
    }
}
