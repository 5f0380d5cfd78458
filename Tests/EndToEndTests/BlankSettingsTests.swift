import Foundation
import Testing

@testable import TestSupport

/// Every variable in the configuration table (docs/configuration.md) means its default when it holds only whitespace, exactly as
/// when it is unset: the same answer, the same logs, the same start-up error.
@Suite("Blank settings", .serialized)
struct BlankSettingsTests {
    /// The rows of the one configuration table, docs/configuration.md, as columns.
    static let tableRows: [[Substring]] = {
        let path = SampleEvents.directory.deletingLastPathComponent().appendingPathComponent("docs/configuration.md")
        guard let text = try? String(contentsOf: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").filter { $0.hasPrefix("| `") }.map { $0.dropFirst(2).split(separator: "|") }
    }()

    /// The variable names in the table's first column.
    static let documentedVariables: [String] = {
        var names: [String] = []
        for row in tableRows {
            for match in row[0].matches(of: /`([A-Z][A-Z0-9_]*)`/) where !names.contains(String(match.1)) {
                names.append(String(match.1))
            }
        }
        return names
    }()

    /// Each way a function starts: which executable, its base settings, and an event that sends nothing.
    static let starts: [(String, [String: String], String)] = [
        ("define-auth-challenge", [:], "define-retry-after-wrong-code"),
        ("create-auth-challenge", ["OTP_DELIVERY": "console"], "create-retry-after-wrong-code"),
        (
            "create-auth-challenge",
            [
                "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "us-east-1",
                "EMAIL_FROM": "no-reply@example.com",
            ], "create-retry-after-wrong-code"
        ),
        ("verify-auth-challenge", [:], "verify-wrong-code"),
        (
            "verify-auth-challenge",
            [
                "OTP_REQUIRE_VERIFIED": "first-sign-in", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
                "AWS_REGION": "us-east-1",
            ], "verify-wrong-code"
        ),
        ("pre-sign-up", [:], "pre-sign-up-email"),
    ]

    /// Output with the parts that differ from run to run (timestamps) taken out.
    static func stable(_ text: String) -> String {
        text.replacing(/"timestamp":"[^"]*",?/, with: "").replacing(/"Timestamp":\d+/, with: "")
    }

    @Test("the SAM parameters the table names are parameters of template.yaml")
    func samParameters() throws {
        let template = try String(
            contentsOf: SampleEvents.directory.deletingLastPathComponent().appendingPathComponent("template.yaml"), encoding: .utf8)
        var named = 0
        for row in Self.tableRows {
            for match in (row.last ?? "").matches(of: /`([A-Za-z][A-Za-z0-9]*)`/) {
                named += 1
                #expect(template.contains("\n  \(match.1):\n"), "\(match.1) is not a parameter of template.yaml")
            }
        }
        #expect(named >= 20)
    }

    @Test("every variable a source file reads through the settings reader is in the table")
    func sourcesReadOnlyDocumentedVariables() throws {
        let sources = SampleEvents.directory.deletingLastPathComponent().appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }
        var read: Set<String> = []
        for file in files where file.hasSuffix(".swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: /\.(?:trimmed|verbatim|string|text|required|integer|boolean|oneOf|list|url)\("([A-Z][A-Z0-9_]+)"/)
            {
                read.insert(String(match.1))
            }
        }
        #expect(read.count >= 25, "\(read.sorted())")
        for name in read.sorted() {
            #expect(Self.documentedVariables.contains(name), "\(name) is read but not in docs/configuration.md")
        }
    }

    @Test("the configuration table lists the variables the functions read")
    func tableIsRead() {
        #expect(Self.documentedVariables.count >= 20, "\(Self.documentedVariables)")
        for name in ["OTP_LENGTH", "OTP_DELIVERY", "EMAIL_FROM", "AWS_ENDPOINT_URL_SNS", "LOG_LEVEL"] {
            #expect(Self.documentedVariables.contains(name))
        }
    }

    @Test("whitespace-only is the same as unset, for every documented variable and every function")
    func blankIsUnset() throws {
        for variable in Self.documentedVariables {
            for (name, base, event) in Self.starts {
                var unset = base
                unset[variable] = nil
                var blank = base
                blank[variable] = " \t "
                let path = SampleEvents.url(event).path
                let expected = try ExecutableTests.run(name, [path], environment: unset)
                let actual = try ExecutableTests.run(name, [path], environment: blank)
                let label = "\(variable)=\" \\t \" for \(name) with \(base.keys.sorted())"
                #expect(actual.status == expected.status, "\(label): \(actual.stderr)")
                #expect(actual.stdout == expected.stdout, "\(label)")
                #expect(Self.stable(actual.stderr) == Self.stable(expected.stderr), "\(label)")
            }
        }
    }
}
