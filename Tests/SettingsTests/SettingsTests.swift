import Testing

@testable import Settings

@Suite("Settings")
struct SettingsTests {
    @Test("unset, empty and whitespace-only all mean the default, for every reader", arguments: [nil, "", " ", " \t\n "])
    func blankMeansDefault(value: String?) throws {
        let settings = SettingsReader(value.map { ["X": $0] } ?? [:])
        #expect(settings.trimmed("X") == nil)
        #expect(settings.verbatim("X") == nil)
        #expect(try settings.integer("X", in: 1...3) == nil)
        #expect(try settings.boolean("X") == nil)
        #expect(try settings.oneOf("X", ["a": 1]) == nil)
        #expect(try settings.list("X") == nil)
        #expect(try settings.url("X") == nil)
        #expect(throws: SettingsError.missing("X")) { try settings.required("X") }
    }

    @Test("strings are trimmed; texts keep their spacing")
    func trimming() {
        let settings = SettingsReader(["X": "  value \n", "T": "  Your code: {code}\n"])
        #expect(settings.trimmed("X") == "value")
        #expect(settings.verbatim("T") == "  Your code: {code}\n")
    }

    @Test("whole numbers inside the range only")
    func integers() throws {
        #expect(try SettingsReader(["N": " 7 "]).integer("N", in: 1...10) == 7)
        for bad in ["0", "11", "7.5", "seven", "0x7", "1 0"] {
            let error = #expect(throws: SettingsError.self) { try SettingsReader(["N": bad]).integer("N", in: 1...10) }
            #expect(error?.variable == "N")
            #expect(error?.description == "N must be a whole number from 1 to 10, got \"\(bad)\"")
        }
    }

    @Test(
        "booleans in any letter case",
        arguments: [("TRUE", true), ("yes", true), ("1", true), ("False", false), ("no", false), ("0", false)])
    func booleans(text: String, expected: Bool) throws {
        #expect(try SettingsReader(["B": text]).boolean("B") == expected)
    }

    @Test("a word outside the list names the variable and the choices")
    func oneOf() throws {
        let settings = SettingsReader(["M": "Console", "Z": "carrier pigeon"])
        #expect(try settings.oneOf("M", ["aws": 1, "console": 2]) == 2)
        let error = #expect(throws: SettingsError.self) { try settings.oneOf("Z", ["aws": 1, "console": 2]) }
        #expect(error?.description == "Z must be aws or console, got \"carrier pigeon\"")
        let boolean = #expect(throws: SettingsError.self) { try settings.boolean("Z") }
        #expect(boolean?.description == "Z must be true or false, got \"carrier pigeon\"")
    }

    @Test("lists are split on commas and trimmed; an empty item is an error")
    func lists() throws {
        #expect(try SettingsReader(["L": " sms , email "]).list("L") == ["sms", "email"])
        for bad in ["sms,", ",email", "a,,b", ","] {
            #expect(throws: SettingsError.self) { try SettingsReader(["L": bad]).list("L") }
        }
    }

    @Test("URLs are read whole or refused")
    func urls() throws {
        #expect(
            try SettingsReader(["U": " http://127.0.0.1:4566 "]).url("U")
                == SettingURL(scheme: "http", host: "127.0.0.1", port: 4566, path: ""))
        let error = #expect(throws: SettingsError.self) { try SettingsReader(["U": "ftp://x"]).url("U") }
        #expect(error?.variable == "U")
    }

    @Test(
        "endpoint URL parsing",
        arguments: [
            ("https://sns.us-east-1.amazonaws.com", "https", "sns.us-east-1.amazonaws.com", nil, ""),
            ("HTTP://LocalHost:4566/", "http", "localhost", 4566, ""),
            ("http://[::1]:8080/base/", "http", "[::1]", 8080, "/base"),
        ] as [(String, String, String, Int?, String)])
    func endpointParsing(text: String, scheme: String, host: String, port: Int?, path: String) throws {
        let endpoint = try #require(SettingURL(text))
        #expect(endpoint == SettingURL(scheme: scheme, host: host, port: port, path: path))
    }

    @Test(
        "malformed endpoint URLs are rejected",
        arguments: [
            "", "sns.amazonaws.com", "https://", "https://h:0", "https://h:99999", "https://h:x", "https://u@h", "https://h/?q",
            "https://h /", "https://[::1",
        ])
    func endpointRejects(text: String) {
        #expect(SettingURL(text) == nil)
    }
}
