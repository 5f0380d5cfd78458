import Testing

@testable import PasswordlessAuth
@testable import Settings

@Suite("PasswordlessConfiguration from the settings")
struct ConfigurationTests {
    static func load(_ environment: [String: String]) throws(SettingsError) -> PasswordlessConfiguration {
        try PasswordlessConfiguration(SettingsReader(environment))
    }

    /// Expects an error naming `variable`, in its `variable` and in its description.
    static func expectError(_ environment: [String: String], naming variable: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = #expect(throws: SettingsError.self, sourceLocation: sourceLocation) { try load(environment) }
        #expect(error?.variable == variable, sourceLocation: sourceLocation)
        #expect(error?.description.hasPrefix(variable + " ") == true, sourceLocation: sourceLocation)
    }

    @Test("an empty environment gives the defaults")
    func defaults() throws {
        let config = try Self.load([:])
        #expect(config == PasswordlessConfiguration())
        #expect(config.codeLength == 6)
        #expect(config.codeLifetimeSeconds == 300)
        #expect(config.maxAttempts == 3)
        #expect(config.channels == [.sms, .email])
        #expect(config.channelChoice == false)
        #expect(config.templates.sms == "Your sign-in code is {code}. It expires in {minutes} minutes.")
        #expect(config.templates.emailSubject == "Your sign-in code")
        #expect(config.templates.emailText.contains("{code}"))
        #expect(config.templates.emailHTML == nil)
    }

    @Test("unrelated variables are ignored")
    func unrelated() throws {
        #expect(try Self.load(["PATH": "/usr/bin", "AWS_REGION": "us-east-1", "otp_length": "abc"]) == PasswordlessConfiguration())
    }

    @Test(
        "an empty variable means the default",
        arguments: [
            "OTP_LENGTH", "OTP_TTL_SECONDS", "MAX_ATTEMPTS", "OTP_CHANNELS", "OTP_CHANNEL_CHOICE",
            "SMS_MESSAGE", "EMAIL_SUBJECT", "EMAIL_TEXT", "EMAIL_HTML",
        ])
    func emptyMeansDefault(variable: String) throws {
        #expect(try Self.load([variable: ""]) == PasswordlessConfiguration())
        #expect(try Self.load([variable: "  \t"]) == PasswordlessConfiguration(), "whitespace only counts as empty")
    }

    @Suite("Numbers")
    struct Numbers {
        @Test(
            "valid values are read, surrounding whitespace allowed",
            arguments: [
                ("OTP_LENGTH", "4", \PasswordlessConfiguration.codeLength, 4),
                ("OTP_LENGTH", "10", \.codeLength, 10),
                ("OTP_LENGTH", " 8\n", \.codeLength, 8),
                ("OTP_TTL_SECONDS", "30", \.codeLifetimeSeconds, 30),
                ("OTP_TTL_SECONDS", "3600", \.codeLifetimeSeconds, 3600),
                ("OTP_TTL_SECONDS", "90", \.codeLifetimeSeconds, 90),
                ("MAX_ATTEMPTS", "1", \.maxAttempts, 1),
                ("MAX_ATTEMPTS", "10", \.maxAttempts, 10),
                ("MAX_ATTEMPTS", "5", \.maxAttempts, 5),
            ] as [(String, String, KeyPath<PasswordlessConfiguration, Int> & Sendable, Int)])
        func valid(variable: String, value: String, keyPath: KeyPath<PasswordlessConfiguration, Int> & Sendable, expected: Int) throws {
            let config = try ConfigurationTests.load([variable: value])
            #expect(config[keyPath: keyPath] == expected)
        }

        @Test(
            "invalid values throw an error naming the variable",
            arguments: [
                ("OTP_LENGTH", "abc"), ("OTP_LENGTH", "3"), ("OTP_LENGTH", "11"), ("OTP_LENGTH", "6.5"), ("OTP_LENGTH", "-6"),
                ("OTP_LENGTH", "six"),
                ("OTP_TTL_SECONDS", "29"), ("OTP_TTL_SECONDS", "3601"), ("OTP_TTL_SECONDS", "5m"), ("OTP_TTL_SECONDS", "0"),
                ("MAX_ATTEMPTS", "0"), ("MAX_ATTEMPTS", "11"), ("MAX_ATTEMPTS", "three"),
            ])
        func invalid(variable: String, value: String) {
            ConfigurationTests.expectError([variable: value], naming: variable)
        }

        @Test("the error for OTP_LENGTH states the range and the bad value")
        func lengthMessage() {
            let error = #expect(throws: SettingsError.self) { try ConfigurationTests.load(["OTP_LENGTH": "abc"]) }
            let description = error?.description ?? ""
            #expect(description.hasPrefix("OTP_LENGTH "))
            #expect(description.contains("4"))
            #expect(description.contains("10"))
            #expect(description.contains("\"abc\""))
        }
    }

    @Suite("Channels")
    struct Channels {
        @Test(
            "valid lists keep their order",
            arguments: [
                ("sms", [Channel.sms]),
                ("email", [.email]),
                ("sms,email", [.sms, .email]),
                ("email,sms", [.email, .sms]),
                (" SMS , Email ", [.sms, .email]),
            ])
        func valid(value: String, expected: [Channel]) throws {
            #expect(try ConfigurationTests.load(["OTP_CHANNELS": value]).channels == expected)
        }

        @Test(
            "unknown, duplicate or empty entries throw an error naming OTP_CHANNELS",
            arguments: [
                "sms,fax", "fax", "sms,sms", "email,EMAIL", "sms,", ",email", ",", "sms;email", "sms email",
            ])
        func invalid(value: String) {
            ConfigurationTests.expectError(["OTP_CHANNELS": value], naming: "OTP_CHANNELS")
        }
    }

    @Suite("Channel choice")
    struct ChannelChoice {
        @Test(
            "true and false spellings",
            arguments: [
                ("true", true), ("TRUE", true), ("1", true), ("yes", true), (" True ", true),
                ("false", false), ("False", false), ("0", false), ("no", false),
            ])
        func valid(value: String, expected: Bool) throws {
            #expect(try ConfigurationTests.load(["OTP_CHANNEL_CHOICE": value]).channelChoice == expected)
        }

        @Test("anything else throws an error naming OTP_CHANNEL_CHOICE", arguments: ["garbage", "maybe", "2", "on", "t"])
        func invalid(value: String) {
            ConfigurationTests.expectError(["OTP_CHANNEL_CHOICE": value], naming: "OTP_CHANNEL_CHOICE")
        }
    }

    @Suite("Templates")
    struct Templates {
        @Test("templates with {code} are read", arguments: ["SMS_MESSAGE", "EMAIL_TEXT", "EMAIL_HTML"])
        func valid(variable: String) throws {
            let template = "Код {code}, {minutes} мин 🔐"
            let templates = try ConfigurationTests.load([variable: template]).templates
            switch variable {
            case "SMS_MESSAGE": #expect(templates.sms == template)
            case "EMAIL_TEXT": #expect(templates.emailText == template)
            default: #expect(templates.emailHTML == template)
            }
        }

        @Test("a template without {code} throws an error naming it", arguments: ["SMS_MESSAGE", "EMAIL_TEXT", "EMAIL_HTML"])
        func missingCode(variable: String) {
            ConfigurationTests.expectError([variable: "Your code expires in {minutes} minutes"], naming: variable)
            ConfigurationTests.expectError([variable: "{CODE}"], naming: variable)
        }

        @Test("the email subject needs no {code}")
        func subject() throws {
            #expect(try ConfigurationTests.load(["EMAIL_SUBJECT": "Sign in to Example"]).templates.emailSubject == "Sign in to Example")
        }

        @Test("a full environment is read into every setting")
        func everything() throws {
            let config = try ConfigurationTests.load([
                "OTP_LENGTH": "8", "OTP_TTL_SECONDS": "600", "MAX_ATTEMPTS": "5", "OTP_CHANNELS": "email,sms",
                "OTP_CHANNEL_CHOICE": "true", "SMS_MESSAGE": "S {code}", "EMAIL_SUBJECT": "Subj", "EMAIL_TEXT": "T {code}",
                "EMAIL_HTML": "<b>{code}</b>",
            ])
            var expected = PasswordlessConfiguration()
            expected.codeLength = 8
            expected.codeLifetimeSeconds = 600
            expected.maxAttempts = 5
            expected.channels = [.email, .sms]
            expected.channelChoice = true
            expected.templates.sms = "S {code}"
            expected.templates.emailSubject = "Subj"
            expected.templates.emailText = "T {code}"
            expected.templates.emailHTML = "<b>{code}</b>"
            #expect(config == expected)
        }
    }
}
