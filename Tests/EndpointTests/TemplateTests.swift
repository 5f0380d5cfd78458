import Foundation
import JSON
import Testing

@testable import CognitoEndpoint

/// The YAML reader on what CloudFormation templates are written in, and what it refuses rather than guesses.
@Suite("YAMLReader: the YAML of templates")
struct YAMLReaderTests {
    @Test("block mappings and sequences, flow collections, quoting, block scalars, comments and the intrinsics' tags")
    func constructs() throws {
        let text = """
            # a comment
            Plain: a value with# no comment, and a:colon # a comment
            Quoted: "tab\\t and \\"quote\\""  # a comment
            Single: 'it''s'
            Empty:
            Pattern: ^[A-Za-z0-9._/#:-]{1,255}$
            Flow: [a, "b,c", [1, 2], { k: v, Name: !Ref X }]
            List:
              - one
              - key: value
                other: !GetAtt Res.Arn
              - !If
                - Cond
                - yes
                - !Ref AWS::NoValue
            Folded: >-
              first
              second

              third
            Literal: |
              {"a": 1}
                indented
            Same:
            - x
            Long:
              Fn::Contains: [[sms], !Sub "${A}-${!B}"]
            """
        let node = try YAMLReader.parse(text)
        let expected: YAMLNode = .mapping([
            "Plain": .scalar("a value with# no comment, and a:colon"),
            "Quoted": .scalar("tab\t and \"quote\""),
            "Single": .scalar("it's"),
            "Empty": .scalar(""),
            "Pattern": .scalar("^[A-Za-z0-9._/#:-]{1,255}$"),
            "Flow": .sequence([
                .scalar("a"), .scalar("b,c"), .sequence([.scalar("1"), .scalar("2")]),
                .mapping(["k": .scalar("v"), "Name": .mapping(["Ref": .scalar("X")])]),
            ]),
            "List": .sequence([
                .scalar("one"),
                .mapping(["key": .scalar("value"), "other": .mapping(["Fn::GetAtt": .sequence([.scalar("Res"), .scalar("Arn")])])]),
                .mapping(["Fn::If": .sequence([.scalar("Cond"), .scalar("yes"), .mapping(["Ref": .scalar("AWS::NoValue")])])]),
            ]),
            "Folded": .scalar("first second\nthird"),
            "Literal": .scalar("{\"a\": 1}\n  indented\n"),
            "Same": .sequence([.scalar("x")]),
            "Long": .mapping([
                "Fn::Contains": .sequence([.sequence([.scalar("sms")]), .mapping(["Fn::Sub": .scalar("${A}-${!B}")])])
            ]),
        ])
        #expect(node == expected)
    }

    @Test(
        "what it does not read is refused with its line",
        arguments: [
            ("A: &anchor x\nB: *anchor", "line 1: anchors and aliases"),
            ("A: [a,\n  b]", "line 1: a [ list not closed"),
            ("A: !Unknown x", "line 1: the tag !Unknown is not read"),
            ("A: 1\nA: 2", "line 2: A appears twice"),
            ("A: plain\n  continued", "line 2: a value continued on the next line"),
            ("A:\n\tB: 1", "line 2: a tab in indentation"),
            ("A: \"open", "line 1: an unterminated quoted string"),
            ("A: b: c", "line 1: a mapping inside a value"),
            ("A:\n  - x\n  y: 1", "line 3"),
        ])
    func refusals(text: String, named: String) {
        do {
            let node = try YAMLReader.parse(text)
            Issue.record("read \(text) as \(node)")
        } catch {
            #expect(error.description.contains(named), "\(error)")
        }
    }
}

/// Templates as the endpoint reads them: template.yaml itself with its defaults and with overrides, and small
/// templates that each set one thing.
@Suite("PoolTemplate: the pool, app clients and functions a template declares")
struct PoolTemplateTests {
    static let templateYAML = EndpointClientTests.root.appendingPathComponent("template.yaml").path

    static func load(_ overrides: [String] = []) throws -> PoolTemplate {
        try PoolTemplate.load(path: templateYAML, overrides: overrides, stackKey: "state-key-0123456789")
    }

    static func read(_ text: String, _ overrides: [String] = []) throws -> PoolTemplate {
        try PoolTemplate(CloudFormationTemplate(text: text, overrides: overrides, pseudo: PoolTemplate.pseudoParameters(stackKey: "K")))
    }

    /// The message a template is refused with, or nil when it is read.
    static func refusal(_ text: String, _ overrides: [String] = []) -> String? {
        do {
            _ = try read(text, overrides)
            return nil
        } catch {
            return "\(error)"
        }
    }

    static let selfSignUp = ["AllowSelfSignUp=true", "SmsAllowedCountries=44", "MaxSmsPerHour=100"]

    @Test("template.yaml with its defaults: sign-in by email or phone, admin-only accounts, one client, three functions")
    func templateDefaults() throws {
        let pool = try Self.load()
        #expect(pool.signInWithDestination && pool.allowAdminCreateUserOnly && pool.sessionMinutes == 3)
        #expect(pool.signIn.flows == ["CUSTOM_AUTH", "REFRESH_TOKEN_AUTH"] && pool.signUp == nil)
        #expect(!pool.signIn.writeAttributes.contains("email") && pool.signIn.writeAttributes.contains("name"))
        #expect(pool.signIn.readAttributes?.contains("email_verified") == true)
        #expect(Set(pool.functions.keys) == [.define, .create, .verify])
        let create = try #require(pool.functions[.create])
        #expect(create["OTP_LENGTH"] == "6" && create["OTP_REQUIRE_VERIFIED"] == "true" && create["OTP_DELIVERY"] == "aws")
        #expect(create["METRICS_NAMESPACE"] == "Passwordless" && create["AWS_LAMBDA_LOG_LEVEL"] == "INFO")
        // HASH_KEY is !Select [2, !Split ["/", !Ref AWS::StackId]]: the state's key.
        #expect(create["HASH_KEY"] == "state-key-0123456789" && pool.functions[.verify]?["HASH_KEY"] == "state-key-0123456789")
        #expect(create["EMAIL_FROM"] == "" && create["RATE_LIMIT_TABLE"] == "RateLimitTable")
        #expect(pool.functions[.define] == ["MAX_ATTEMPTS": "3", "METRICS_NAMESPACE": "Passwordless", "AWS_LAMBDA_LOG_LEVEL": "INFO"])
    }

    @Test("template.yaml with self sign-up and overrides: the sign-up client, pre-sign-up, first-sign-in, the parameters' values")
    func templateSelfSignUp() throws {
        let pool = try Self.load(
            Self.selfSignUp + [
                "AuthSessionValidity=7", "EmailFrom=no-reply@example.com", "EmailFromName=Example Sign-in", "OtpLength=8",
                "HashKey=0123456789abcdefXYZ", "SignUpEmailDomains=example.com", "LogLevel=DEBUG",
            ])
        #expect(!pool.allowAdminCreateUserOnly && pool.sessionMinutes == 7)
        let signUp = try #require(pool.signUp)
        #expect(signUp.flows == ["REFRESH_TOKEN_AUTH"] && signUp.writeAttributes.isSuperset(of: ["email", "phone_number", "name"]))
        #expect(Set(pool.functions.keys) == [.define, .create, .verify, .preSignUp])
        let create = try #require(pool.functions[.create])
        #expect(
            create["OTP_REQUIRE_VERIFIED"] == "first-sign-in" && create["OTP_LENGTH"] == "8" && create["HASH_KEY"] == "0123456789abcdefXYZ")
        #expect(create["EMAIL_FROM"] == "Example Sign-in <no-reply@example.com>" && create["AWS_LAMBDA_LOG_LEVEL"] == "DEBUG")
        #expect(pool.functions[.preSignUp]?["SIGNUP_EMAIL_DOMAINS"] == "example.com")
        #expect(pool.functions[.preSignUp]?["SMS_ALLOWED_COUNTRIES"] == "44")
        // With email only, the rule on SMS limits does not apply.
        #expect(try Self.load(["AllowSelfSignUp=true", "OtpChannels=email"]).signUp != nil)
    }

    @Test(
        "template.yaml's parameters refused at start, each named",
        arguments: [
            (["AuthSessionValidity=2"], "parameter AuthSessionValidity=\"2\": below MinValue 3"),
            (["AuthSessionValidity=three"], "parameter AuthSessionValidity=\"three\": not a number"),
            (["OtpLength=11"], "parameter OtpLength=\"11\": above MaxValue 10"),
            (["SignInWith=username"], "parameter SignInWith=\"username\": not one of its AllowedValues"),
            (["OtpChannels=sms,fax"], "parameter OtpChannels=\"sms,fax\": does not match its AllowedPattern"),
            (["HashKey=short"], "parameter HashKey=(hidden): does not match its AllowedPattern"),
            (["NoSuchThing=1"], "--parameter NoSuchThing: the template has no such parameter"),
            (["Malformed"], "--parameter takes Name=Value"),
            (
                ["AllowSelfSignUp=true"],
                "rule SelfSignUpSmsNeedsLimits: AllowSelfSignUp=true with sms in OtpChannels needs SmsAllowedCountries"
            ),
            (
                ["AllowSelfSignUp=true", "SmsAllowedCountries=44"],
                "rule SelfSignUpSmsNeedsLimits: AllowSelfSignUp=true with sms in OtpChannels needs MaxSmsPerHour"
            ),
            (["SignInWith=email"], "UserPool UsernameAttributes [email]"),
            (["SignInWith=phone"], "UserPool UsernameAttributes [phone_number]"),
        ])
    func templateRefusals(overrides: [String], named: String) {
        do {
            _ = try Self.load(overrides)
            Issue.record("\(overrides) was accepted")
        } catch {
            #expect("\(error)".contains(named), "\(error)")
        }
    }

    @Test("sam's ParameterKey=...,ParameterValue=... form is taken as well")
    func longForm() throws {
        #expect(try Self.load(["ParameterKey=AuthSessionValidity,ParameterValue=9"]).sessionMinutes == 9)
    }

    /// A pool with one client and the three custom-auth functions; each test changes one thing.
    static let small = """
        Parameters:
          Minutes:
            Type: Number
            Default: 3
            MinValue: 3
            MaxValue: 15
          Names:
            Type: String
            Default: destination
            AllowedValues: [destination, user]
        Conditions:
          ByDestination: !Equals [!Ref Names, destination]
          ByName: !Not [!Condition ByDestination]
        Mappings:
          Lengths:
            user: { Digits: 8 }
            destination: { Digits: 6 }
        Globals:
          Function:
            Timeout: 5
            Environment:
              Variables:
                SHARED: !Sub "${AWS::Region}-${Minutes}"
        Resources:
          Pool:
            Type: AWS::Cognito::UserPool
            Properties:
              UserPoolName: local
              UsernameAttributes: !If [ByDestination, [email, phone_number], !Ref AWS::NoValue]
              UsernameConfiguration:
                CaseSensitive: !If [ByDestination, false, true]
              AdminCreateUserConfig:
                AllowAdminCreateUserOnly: !Condition ByName
          Client:
            Type: AWS::Cognito::UserPoolClient
            Properties:
              UserPoolId: !Ref Pool
              ExplicitAuthFlows: [ALLOW_CUSTOM_AUTH]
              PreventUserExistenceErrors: ENABLED
              AuthSessionValidity: !Ref Minutes
              WriteAttributes: [name]
              ReadAttributes: [email, name]
          Define:
            Type: AWS::Serverless::Function
            Properties:
              Environment:
                Variables:
                  JOINED: !Join ["+", [!Ref Names, !Select [1, !Split [",", "a,b,c"]]]]
                  DIGITS: !FindInMap [Lengths, !Ref Names, Digits]
              Events:
                E: { Type: Cognito, Properties: { UserPool: !Ref Pool, Trigger: DefineAuthChallenge } }
          Create:
            Type: AWS::Serverless::Function
            Properties:
              Events:
                E: { Type: Cognito, Properties: { UserPool: !Ref Pool, Trigger: CreateAuthChallenge } }
          Verify:
            Type: AWS::Serverless::Function
            Properties:
              Environment:
                Variables:
                  SHARED: own
              Events:
                E: { Type: Cognito, Properties: { UserPool: !Ref Pool, Trigger: VerifyAuthChallengeResponse } }
        """

    @Test("a small template: each setting read, parameters overriding, conditions, the intrinsics in environments")
    func smallTemplate() throws {
        let pool = try Self.read(Self.small)
        #expect(pool.signInWithDestination && !pool.allowAdminCreateUserOnly && pool.sessionMinutes == 3)
        #expect(
            pool.signIn
                == AppClientSettings(name: "Client", flows: ["CUSTOM_AUTH"], writeAttributes: ["name"], readAttributes: ["email", "name"]))
        #expect(pool.functions[.define] == ["SHARED": "us-east-1-3", "JOINED": "destination+b", "DIGITS": "6"])
        #expect(pool.functions[.verify] == ["SHARED": "own"] && pool.functions[.create] == ["SHARED": "us-east-1-3"])
        #expect(pool.functions[.preSignUp] == nil)
        let byName = try Self.read(Self.small, ["Names=user", "Minutes=12"])
        #expect(!byName.signInWithDestination && byName.allowAdminCreateUserOnly && byName.sessionMinutes == 12)
        #expect(byName.functions[.define]?["JOINED"] == "user+b" && byName.functions[.define]?["DIGITS"] == "8")
        #expect(byName.functions[.define]?["SHARED"] == "us-east-1-12")
    }

    @Test(
        "each thing the endpoint cannot honour is refused with its name",
        arguments: [
            (
                "ExplicitAuthFlows: [ALLOW_CUSTOM_AUTH]", "ExplicitAuthFlows: [ALLOW_CUSTOM_AUTH, ALLOW_USER_SRP_AUTH]",
                "Client ExplicitAuthFlows ALLOW_USER_SRP_AUTH"
            ),
            ("      ExplicitAuthFlows: [ALLOW_CUSTOM_AUTH]\n", "", "Client ExplicitAuthFlows: give them"),
            ("PreventUserExistenceErrors: ENABLED", "PreventUserExistenceErrors: LEGACY", "Client PreventUserExistenceErrors LEGACY"),
            ("WriteAttributes: [name]", "WriteAttributes: [name]\n      AccessTokenValidity: 2", "Client AccessTokenValidity 2 hours"),
            ("WriteAttributes: [name]", "WriteAttributes: [name]\n      RefreshTokenValidity: 7", "Client RefreshTokenValidity 7 days"),
            ("WriteAttributes: [name]", "WriteAttributes: [name]\n      GenerateSecret: true", "Client GenerateSecret"),
            (
                "WriteAttributes: [name]", "WriteAttributes: [name]\n      RefreshTokenRotation: { Feature: ENABLED }",
                "Client RefreshTokenRotation: not honoured"
            ),
            ("UserPoolName: local", "UserPoolName: local\n      MfaConfiguration: ON", "Pool MfaConfiguration: only OFF"),
            ("UserPoolName: local", "UserPoolName: local\n      DeviceConfiguration: {}", "Pool DeviceConfiguration: not honoured"),
            (
                "UserPoolName: local", "UserPoolName: local\n      LambdaConfig: { PostConfirmation: !GetAtt Define.Arn }",
                "the PostConfirmation trigger is not run by the endpoint"
            ),
            (
                "UserPoolName: local",
                "UserPoolName: local\n      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: [email] }",
                "Pool UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate"
            ),
            ("CaseSensitive: !If [ByDestination, false, true]", "CaseSensitive: true", "Pool UsernameConfiguration.CaseSensitive true"),
            (
                "AllowAdminCreateUserOnly: !Condition ByName", "AllowAdminCreateUserOnly: true\n        UnusedAccountValidityDays: 7",
                "Pool AdminCreateUserConfig UnusedAccountValidityDays"
            ),
            ("Trigger: CreateAuthChallenge", "Trigger: CustomMessage", "the CustomMessage trigger is not run by the endpoint"),
            ("    Timeout: 5", "    Timeout: 3", "Timeout 3"),
            ("SHARED: own", "SHARED: !Base64 own", "Fn::Base64 is not read"),
            ("SHARED: own", "SHARED: !Ref Nothing", "Ref Nothing names no parameter or resource"),
            ("ByName: !Not [!Condition ByDestination]", "ByName: !Not [!Condition Missing]", "condition Missing is not defined"),
        ])
    func smallRefusals(original: String, replacement: String, named: String) {
        #expect(Self.small.contains(original), "the test's template has \(original)")
        let refused = Self.refusal(Self.small.replacingOccurrences(of: original, with: replacement))
        #expect(refused?.contains(named) == true, "\(refused ?? "accepted")")
    }

    @Test("token validities equal to the endpoint's, in any unit, are read")
    func tokenValidities() throws {
        let text = Self.small.replacingOccurrences(
            of: "WriteAttributes: [name]",
            with: """
                WriteAttributes: [name]
                      AccessTokenValidity: 60
                      IdTokenValidity: 1
                      RefreshTokenValidity: 43200
                      TokenValidityUnits: { AccessToken: minutes, RefreshToken: minutes }
                """)
        #expect(Self.refusal(text) == nil)
    }

    @Test("a second sign-in client, and no pool, are refused")
    func shape() {
        let second =
            Self.small + """

                  Other:
                    Type: AWS::Cognito::UserPoolClient
                    Properties:
                      UserPoolId: !Ref Pool
                      ExplicitAuthFlows: [ALLOW_CUSTOM_AUTH]
                      PreventUserExistenceErrors: ENABLED
                """
        #expect(
            Self.refusal(second)?.contains("Other: a second app client with ALLOW_CUSTOM_AUTH") == true, "\(Self.refusal(second) ?? "")")
        #expect(Self.refusal("Resources: {}")?.contains("the template declares 0 (AWS::Cognito::UserPool)") == true)
    }
}

/// The template's settings as the operations see them: the options the endpoint starts with.
@Suite("PoolTemplate: the service with the template's options")
struct TemplateOptionsTests {
    static func service(_ overrides: [String]) throws -> (CognitoService, String) {
        let template = try PoolTemplateTests.load(overrides)
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("template-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        var options = UserPoolServices.Options(
            poolID: "us-east-1_LocalPool", clientID: "client1", signUpClientID: "signup1", region: "us-east-1",
            issuerBase: "http://127.0.0.1:1", sessionMinutes: 15)
        options.apply(template)
        let stand = TriggerEventTests()
        let service = CognitoService(
            options: options, pool: try UserPool(statePath: state + "/users.json", signInWithDestination: template.signInWithDestination),
            signer: try TokenSigner(keyPath: state + "/signing-key.pem"),
            triggers: Triggers(functions: [.define: stand.define, .create: stand.create, .verify: stand.verify]))
        return (service, state)
    }

    static func signUp(_ service: CognitoService, client: String, _ attributes: JSONValue = []) -> JSONValue {
        TriggerEventTests().call(
            service, "SignUp",
            ["ClientId": .string(client), "Username": "ada@example.com", "Password": "x-Y-1234", "UserAttributes": attributes])
    }

    @Test("template.yaml's defaults: SignUp not permitted, no sign-up client, the session validity and flows from the template")
    func defaults() throws {
        let (service, state) = try Self.service([])
        defer { try? FileManager.default.removeItem(atPath: state) }
        #expect(service.services.options.sessionMinutes == 3)
        #expect(
            Self.signUp(service, client: "client1") == [
                "__type": "NotAuthorizedException", "message": "SignUp is not permitted for this user pool",
            ])
        #expect(Self.signUp(service, client: "signup1")["__type"] == "ResourceNotFoundException")
        #expect(throws: Never.self) { try service.services.checkFlow("REFRESH_TOKEN", client: "client1") }
    }

    @Test("self sign-up: the sign-up client writes email, the sign-in client may not; CUSTOM_AUTH only on the sign-in client")
    func selfSignUp() throws {
        let (service, state) = try Self.service(PoolTemplateTests.selfSignUp + ["AuthSessionValidity=11"])
        defer { try? FileManager.default.removeItem(atPath: state) }
        #expect(service.services.options.sessionMinutes == 11)
        #expect(
            Self.signUp(service, client: "client1", [["Name": "email", "Value": "ada@example.com"]])["__type"] == "NotAuthorizedException")
        #expect(Self.signUp(service, client: "signup1", [["Name": "name", "Value": "Ada"]])["UserConfirmed"] != nil)
        #expect(service.services.writable(by: "signup1").contains("email") && !service.services.writable(by: "client1").contains("email"))
        // ReadAttributes: what the sign-in client's GetUser shows; sub always.
        let user = PoolUser(
            userName: "u", attributes: ["sub": "s", "email": "e@example.com", "custom:tier": "gold", "name": "Ada"], status: "CONFIRMED",
            createdAt: 0)
        #expect(service.services.readable(user, by: "client1").attributes == ["sub": "s", "email": "e@example.com", "name": "Ada"])
        let flow = TriggerEventTests().call(
            service, "InitiateAuth", ["ClientId": "signup1", "AuthFlow": "CUSTOM_AUTH", "AuthParameters": ["USERNAME": "ada@example.com"]])
        #expect(flow == ["__type": "InvalidParameterException", "message": "CUSTOM_AUTH flow not enabled for this client"])
    }
}

/// The command line: the template by default from a checkout, and what conflicts with it.
@Suite("EndpointCommand: --template, --parameter, --no-template")
struct TemplateArgumentTests {
    @Test("./template.yaml is the default where it exists; --no-template turns it off; pool options conflict with a template")
    func arguments() throws {
        let template = PoolTemplateTests.templateYAML
        #expect(try EndpointCommand.parse([], defaultTemplate: template).template == template)
        #expect(try EndpointCommand.parse([], defaultTemplate: template + ".absent").template == nil)
        #expect(try EndpointCommand.parse(["--no-template"], defaultTemplate: template).template == nil)
        let given = try EndpointCommand.parse(
            ["--template", "other.yaml", "--parameter", "A=1", "--parameter", "B=2"], defaultTemplate: template)
        #expect(given.template == "other.yaml" && given.parameters == ["A=1", "B=2"])
        #expect(throws: EndpointError.self) { try EndpointCommand.parse(["--auth-session-minutes", "5"], defaultTemplate: template) }
        #expect(throws: EndpointError.self) {
            try EndpointCommand.parse(["--no-template", "--parameter", "A=1"], defaultTemplate: template)
        }
        #expect(throws: EndpointError.self) { try EndpointCommand.parse(["--no-template", "--template", "x.yaml"]) }
        #expect(try EndpointCommand.parse(["--no-template", "--username-attributes", "none"]).signInWithDestination == false)
    }
}
