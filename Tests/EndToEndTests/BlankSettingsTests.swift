import Foundation
import TestSupport
import Testing

/// Every variable in the README's configuration table means its default when it holds only whitespace, exactly as
/// when it is unset: the same answer, the same logs, the same start-up error.
@Suite("Blank settings", .serialized)
struct BlankSettingsTests {
    /// The variable names in the first column of README.md's table under "## Configuration".
    static let documentedVariables: [String] = {
        let readme = SampleEvents.directory.deletingLastPathComponent().appendingPathComponent("README.md")
        guard let text = try? String(contentsOf: readme, encoding: .utf8),
            let section = text.range(of: "\n## Configuration\n")
        else { return [] }
        var names: [String] = []
        for line in text[section.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") { break }
            guard line.hasPrefix("| `"), let firstColumn = line.dropFirst(2).split(separator: "|").first else { continue }
            for match in firstColumn.matches(of: /`([A-Z][A-Z0-9_]*)`/) where !names.contains(String(match.1)) {
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

    @Test("the README's table lists the variables the functions read")
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
