import Foundation
import HTTP1
import JSON
import Synchronization
import TestSupport
import Testing

@testable import CognitoEndpoint

/// Inputs no SDK would send, generated from a seed over each operation's input shape: every answer must be Cognito's
/// (a 200 with a JSON object, or a 400 with `__type` and `message`), never a crash or a hang, and a sign-in works after.
enum InputFuzz {
    static let pool: JSONValue = "us-east-1_LocalPool"
    static let user = "fuzz@example.com"

    /// A valid value of each member the operations read, as its operation file lists it (`Input:`), so that a case
    /// which changes one member gets past the others' checks.
    static let members: [String: JSONValue] = [
        "UserPoolId": pool, "ClientId": "client1", "Username": .string(user), "Password": "Passw0rd!",
        "AuthFlow": "CUSTOM_AUTH", "AuthParameters": ["USERNAME": .string(user), "REFRESH_TOKEN": "eyJ.x.y"],
        "ChallengeName": "CUSTOM_CHALLENGE", "Session": "AYABe", "ChallengeResponses": ["USERNAME": .string(user), "ANSWER": "123456"],
        "UserAttributes": [["Name": "email", "Value": .string(user)], ["Name": "email_verified", "Value": "true"]],
        "ClientMetadata": ["from": "fuzz"], "Limit": .number(10), "Filter": "email = \"fuzz@example.com\"", "PaginationToken": "ZnV6eg",
        "AttributesToGet": ["email"], "AccessToken": "eyJ.x.y", "RefreshToken": "eyJ.x.y", "Token": "eyJ.x.y", "ClientSecret": "s",
        "DeviceKey": "k", "MessageAction": "SUPPRESS", "DesiredDeliveryMediums": ["EMAIL"], "TemporaryPassword": "Passw0rd!",
        "Permanent": true, "UserAttributeNames": ["name"], "ValidationData": [["Name": "a", "Value": "b"]],
    ]

    /// The members each operation reads (its file's `Input:` line). An operation not listed here (one added since)
    /// gets every member above, so it is still tried.
    static let shapes: [String: [String]] = [
        "InitiateAuth": ["ClientId", "AuthFlow", "AuthParameters", "ClientMetadata"],
        "RespondToAuthChallenge": ["ClientId", "ChallengeName", "Session", "ChallengeResponses", "ClientMetadata"],
        "SignUp": ["ClientId", "Username", "Password", "UserAttributes", "ClientMetadata", "ValidationData"],
        "GetUser": ["AccessToken"],
        "AdminCreateUser": ["UserPoolId", "Username", "UserAttributes", "MessageAction", "DesiredDeliveryMediums", "TemporaryPassword"],
        "AdminGetUser": ["UserPoolId", "Username"],
        "AdminUpdateUserAttributes": ["UserPoolId", "Username", "UserAttributes"],
        "AdminDeleteUser": ["UserPoolId", "Username"],
        "ListUsers": ["UserPoolId", "Limit", "Filter", "PaginationToken", "AttributesToGet"],
        "GetTokensFromRefreshToken": ["ClientId", "RefreshToken", "ClientSecret", "DeviceKey", "ClientMetadata"],
        "GlobalSignOut": ["AccessToken"],
        "AdminUserGlobalSignOut": ["UserPoolId", "Username"],
        "RevokeToken": ["ClientId", "Token", "ClientSecret"],
    ]

    static func shape(_ operation: String) -> [String] { shapes[operation] ?? members.keys.sorted() }

    /// Where in an input a value goes: a member, a key inside a map member, a field of a list member's first item.
    enum Step: Hashable {
        case key(String)
        case index(Int)
    }

    /// The paths tried in an operation's input: each member, and inside each map or list of name-value pairs.
    static func paths(_ operation: String) -> [[Step]] {
        shape(operation).flatMap { name -> [[Step]] in
            var paths: [[Step]] = [[.key(name)]]
            switch members[name] {
            case .object(let inner)?: paths += inner.keys.sorted().map { [.key(name), .key($0)] }
            case .array(let items)?:
                paths.append([.key(name), .index(0)])
                if case .object(let pair)? = items.first { paths += pair.keys.sorted().map { [.key(name), .index(0), .key($0)] } }
            default: break
            }
            return paths
        }
    }

    /// JSON texts to put at a path: wrong types, extreme numbers, empty, huge, null, deep nesting, odd strings.
    static let oddities: [String] = {
        // Built once: a megabyte of one letter, and a list of 20,000 numbers.
        let huge = String(repeating: "a", count: 1 << 20)
        return [
            "null", "true", "false", "0", "-1", "1.5", "1e300", "-1e300", "1e-300", "9223372036854775807", "9223372036854775808",
            "-9223372036854775809", "18446744073709551616", "1e309", "\"\"", "\" \"", "[]", "{}", "[null]", "[{}]", "[\"x\"]",
            "[{\"Name\":1,\"Value\":null}]", "[{\"Name\":\"email\",\"Value\":1e300}]", "{\"a\":1}", "{\"USERNAME\":[]}",
            "\"\(huge)\"", "[" + Array(repeating: "1", count: 20_000).joined(separator: ",") + "]",
            String(repeating: "[", count: 200) + String(repeating: "]", count: 200),
            String(repeating: "{\"a\":", count: 60) + "1" + String(repeating: "}", count: 60),
            "\"\\u0000\\ud800\\udfff\\u202e\"", "\"\\n\\t\\\"'<script>\"", "\"\(String(repeating: "é", count: 3_000))\"",
            "\"us-east-1_OtherPool\"", "\"eyJhbGciOiJub25lIn0.e30.\"", "\"email ^= \\\"\\\"\"", "\"name = \"", "\"===\"",
        ]
    }()

    /// The input with `text` (raw JSON) at `path`, or with that member removed when `text` is nil.
    static func body(_ operation: String, _ changes: [([Step], String?)]) -> [UInt8] {
        var input = JSONValue.object(
            Dictionary(uniqueKeysWithValues: shape(operation).compactMap { name in members[name].map { (name, $0) } }))
        var raws: [(String, String)] = []
        for (index, (path, text)) in changes.enumerated() {
            let marker = "\u{1}FUZZ\(index)\u{1}"
            input = set(input, path[...], to: text == nil ? nil : .string(marker))
            if let text { raws.append(("\"\\u0001FUZZ\(index)\\u0001\"", text)) }
        }
        // The markers are found in the small serialized input, then spliced from the last, so no search runs
        // through a megabyte already put in.
        var serialized = input.bytes
        let splices = raws.compactMap { marker, text -> (Range<Int>, String)? in
            serialized.firstRange(of: Array(marker.utf8)).map { ($0, text) }
        }
        for (range, text) in splices.sorted(by: { $0.0.lowerBound > $1.0.lowerBound }) {
            serialized.replaceSubrange(range, with: text.utf8)
        }
        return serialized
    }

    private static func set(_ value: JSONValue, _ path: ArraySlice<Step>, to new: JSONValue?) -> JSONValue {
        guard let step = path.first else { return new ?? .null }
        switch (step, value) {
        case (.key(let key), .object(var members)):
            let inner = set(members[key] ?? .null, path.dropFirst(), to: new)
            if path.count == 1 && new == nil { members[key] = nil } else { members[key] = inner }
            return .object(members)
        case (.index(let index), .array(var items)) where index < items.count:
            if path.count == 1 && new == nil {
                items.remove(at: index)
            } else {
                items[index] = set(items[index], path.dropFirst(), to: new)
            }
            return .array(items)
        default: return value
        }
    }

    /// Every path of every operation with every oddity, and the path removed; then `randomCount` cases that change
    /// two to four paths at once, drawn from `seed`.
    static func cases(operations: [String], seed: UInt64, everyOddity: Bool, randomCount: Int) -> [(String, [UInt8])] {
        var generator = SplitMix64(seed: seed)
        var cases: [(String, [UInt8])] = []
        let small = oddities.filter { $0.utf8.count < 10_000 }
        for operation in operations {
            for path in paths(operation) {
                cases.append((operation, body(operation, [(path, nil)])))
                let texts = everyOddity ? oddities : (0..<4).map { _ in oddities.randomElement(using: &generator)! }
                for text in texts { cases.append((operation, body(operation, [(path, text)]))) }
            }
        }
        for _ in 0..<randomCount {
            let operation = operations.randomElement(using: &generator)!
            let all = paths(operation)
            let changes = (0..<Int.random(in: 2...4, using: &generator)).map { _ -> ([Step], String?) in
                // The large ones went to every path above; mixes of them would only take time.
                (all.randomElement(using: &generator)!, Bool.random(using: &generator) ? nil : small.randomElement(using: &generator)!)
            }
            cases.append((operation, body(operation, changes)))
        }
        return cases
    }

    /// Error names Cognito's API Reference lists (its operations' Errors and the common errors), and the endpoint's
    /// own 413 and Host refusal: anything else (InternalErrorException included) is a fault here.
    static let cognitoErrors: Set<String> = [
        "AliasExistsException", "CodeDeliveryFailureException", "CodeMismatchException", "ConcurrentModificationException",
        "ExpiredCodeException", "ForbiddenException", "InvalidEmailRoleAccessPolicyException", "InvalidLambdaResponseException",
        "InvalidParameterException", "InvalidPasswordException", "InvalidSmsRoleAccessPolicyException",
        "InvalidSmsRoleTrustRelationshipException", "InvalidUserPoolConfigurationException", "LimitExceededException",
        "MFAMethodNotFoundException", "NotAuthorizedException", "PasswordResetRequiredException", "PreconditionNotMetException",
        "RefreshTokenReuseException", "ResourceNotFoundException", "TooManyFailedAttemptsException", "TooManyRequestsException",
        "UnauthorizedException", "UnexpectedLambdaException", "UnsupportedOperationException", "UnsupportedTokenTypeException",
        "UnsupportedUserStateException", "UserLambdaValidationException", "UserNotConfirmedException", "UserNotFoundException",
        "UserPoolAddOnNotEnabledException", "UsernameExistsException", "SerializationException", "UnknownOperationException",
        "MissingAuthenticationTokenException", "AccessDeniedException", "RequestEntityTooLargeException",
    ]

    /// Why an answer is not Cognito's; nil when it is.
    static func fault(status: Int, headers: [(String, String)], body: [UInt8]) -> String? {
        guard let answer = JSONValue.parse(body), case .object(let members) = answer else {
            return "status \(status), body not a JSON object"
        }
        if status == 200 { return members["__type"] == nil ? nil : "a 200 with __type" }
        guard [400, 413].contains(status) else { return "status \(status)" }
        guard let type = members["__type"]?.string, cognitoErrors.contains(type) else { return "__type \(members["__type"] ?? .null)" }
        guard members["message"]?.string != nil else { return "\(type) without a message" }
        guard headers.contains(where: { $0.0.lowercased() == "x-amzn-errortype" && $0.1 == type }) else {
            return "\(type) without x-amzn-ErrorType"
        }
        return nil
    }

    static func headers(_ operation: String) -> [(String, String)] {
        var headers = [("X-Amz-Target", Router.targetPrefix + operation), ("Content-Type", "application/x-amz-json-1.1")]
        if Router.operations[operation]?.needsCredentials == true { headers.append(("Authorization", "AWS4-HMAC-SHA256 Credential=x")) }
        return headers
    }
}

@Suite("Cognito's operations with generated odd inputs")
struct InputFuzzTests {
    let triggers = TriggerEventTests()

    @Test("in-process through the router: every member of every operation, each oddity and removed, then 1,500 seeded mixes")
    func inProcess() throws {
        let (service, state) = try triggers.service()
        defer { try? FileManager.default.removeItem(atPath: state) }
        let operations = Router.operations.keys.sorted()
        let cases = InputFuzz.cases(operations: operations, seed: 0x5EED_F022, everyOddity: true, randomCount: 1_500)
        var faults: [String] = []
        var statuses: [Int: Int] = [:]
        for (operation, body) in cases {
            let response = service.handle(HTTPRequest(method: "POST", path: "/", headers: InputFuzz.headers(operation), body: body))
            statuses[response.status, default: 0] += 1
            if let fault = InputFuzz.fault(status: response.status, headers: response.headers, body: response.body) {
                faults.append("\(operation) \(String(decoding: body.prefix(300), as: UTF8.self)): \(fault)")
            }
        }
        #expect(faults.isEmpty, "\(faults.count) of \(cases.count): \(faults.prefix(10))")
        #expect(cases.count > 3_000 && statuses[200, default: 0] > 0 && statuses[400, default: 0] > 0, "\(statuses)")
        try signIn(service)
    }

    @Test("the seed decides the cases: the same seed gives the same bodies, another seed others")
    func seeded() {
        let one = InputFuzz.cases(operations: ["InitiateAuth", "ListUsers"], seed: 1, everyOddity: false, randomCount: 50)
        let again = InputFuzz.cases(operations: ["InitiateAuth", "ListUsers"], seed: 1, everyOddity: false, randomCount: 50)
        let other = InputFuzz.cases(operations: ["InitiateAuth", "ListUsers"], seed: 2, everyOddity: false, randomCount: 50)
        #expect(one.map(\.1) == again.map(\.1))
        #expect(one.map(\.1) != other.map(\.1))
        // Each shape member is there, valid, unless changed.
        let plain = InputFuzz.body("ListUsers", [])
        #expect(JSONValue.parse(plain)?["Limit"] == .number(10) && JSONValue.parse(plain)?["UserPoolId"] == InputFuzz.pool)
        let changed = InputFuzz.body("InitiateAuth", [([.key("AuthParameters"), .key("USERNAME")], "1e300")])
        #expect(JSONValue.parse(changed)?["AuthParameters"]?["USERNAME"] == .number(1e300))
        #expect(JSONValue.parse(changed)?["AuthFlow"] == "CUSTOM_AUTH")
    }

    /// A sign-in with the stand-in triggers (code 123456), after whatever the cases did.
    private func signIn(_ service: CognitoService) throws {
        let name = "after-fuzz@example.com"
        _ = triggers.call(
            service, "AdminCreateUser",
            [
                "UserPoolId": InputFuzz.pool, "Username": .string(name), "MessageAction": "SUPPRESS",
                "UserAttributes": [["Name": "email_verified", "Value": "true"]],
            ])
        // As an administrator must (docs/deploy.md), or the sign-in ends in NEW_PASSWORD_REQUIRED.
        _ = triggers.call(
            service, "AdminSetUserPassword",
            ["UserPoolId": InputFuzz.pool, "Username": .string(name), "Password": "Perm4nent!", "Permanent": true])
        let first = triggers.call(
            service, "InitiateAuth", ["ClientId": "client1", "AuthFlow": "CUSTOM_AUTH", "AuthParameters": ["USERNAME": .string(name)]])
        let session = try #require(first["Session"]?.string, "\(first)")
        let userName = try #require(first["ChallengeParameters"]?["USERNAME"]?.string)
        let done = triggers.call(
            service, "RespondToAuthChallenge",
            [
                "ClientId": "client1", "ChallengeName": "CUSTOM_CHALLENGE", "Session": .string(session),
                "ChallengeResponses": ["USERNAME": .string(userName), "ANSWER": "123456"],
            ])
        #expect(done["AuthenticationResult"]?["AccessToken"]?.string != nil, "\(done)")
    }
}

@Suite("passwordless-endpoint with generated odd inputs")
struct BuiltEndpointFuzzTests {
    @Test("the built endpoint and its real triggers: 4 oddities per member path and 300 seeded mixes, then a sign-in")
    func builtEndpoint() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let outbox = work.appendingPathComponent("outbox.jsonl").path
        let endpoint = Process()
        endpoint.executableURL = EndpointClientTests.products.appendingPathComponent("passwordless-endpoint")
        endpoint.arguments = ["--port", "0", "--state", work.appendingPathComponent("state").path, "--outbox", outbox]
        endpoint.environment = ["PATH": "/usr/bin:/bin", "OTP_DELIVERY": "console", "HOME": work.path]
        let output = Pipe()
        endpoint.standardOutput = output
        endpoint.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try endpoint.run()
        defer {
            endpoint.terminate()
            endpoint.waitUntilExit()
        }
        var line: [UInt8] = []
        while let byte = try output.fileHandleForReading.read(upToCount: 1)?.first, byte != 10 { line.append(byte) }
        let printed = String(decoding: line, as: UTF8.self)
        let digits = printed.firstRange(of: "127.0.0.1:").map { printed[$0.upperBound...].prefix { $0.isNumber } } ?? ""
        let port = try #require(UInt16(digits), "\(printed)")
        var client = HTTPClientConnection(host: "127.0.0.1", port: port, hostHeader: "127.0.0.1:\(port)")
        func post(_ operation: String, _ body: [UInt8]) throws -> HTTPResponse {
            try client.send(HTTPRequest(method: "POST", path: "/", headers: InputFuzz.headers(operation), body: body))
        }

        let cases = InputFuzz.cases(operations: Router.operations.keys.sorted(), seed: 0xB0_11E7, everyOddity: false, randomCount: 300)
        var faults: [String] = []
        for (operation, body) in cases {
            do {
                let response = try post(operation, body)
                if let fault = InputFuzz.fault(status: response.status, headers: response.headers, body: response.body) {
                    faults.append("\(operation) \(String(decoding: body.prefix(300), as: UTF8.self)): \(fault)")
                }
            } catch {
                faults.append("\(operation) \(String(decoding: body.prefix(300), as: UTF8.self)): \(error)")
                client = HTTPClientConnection(host: "127.0.0.1", port: port, hostHeader: "127.0.0.1:\(port)")
            }
            #expect(endpoint.isRunning, "the endpoint exited on \(operation)")
            if !endpoint.isRunning { break }
        }
        #expect(faults.isEmpty, "\(faults.count) of \(cases.count): \(faults.prefix(10))")

        // A sign-in by email with the real triggers, its code from the outbox.
        let name = "after-fuzz@example.com"
        let made = try post(
            "AdminCreateUser",
            JSONValue.object([
                "UserPoolId": InputFuzz.pool, "Username": .string(name), "MessageAction": "SUPPRESS",
                "UserAttributes": [["Name": "email_verified", "Value": "true"]],
            ]).bytes)
        #expect(made.status == 200, "\(String(decoding: made.body, as: UTF8.self))")
        // As an administrator must (docs/deploy.md): otherwise the account is FORCE_CHANGE_PASSWORD and the sign-in
        // ends in NEW_PASSWORD_REQUIRED, not tokens.
        let confirmed = try post(
            "AdminSetUserPassword",
            JSONValue.object(["UserPoolId": InputFuzz.pool, "Username": .string(name), "Password": "Perm4nent!", "Permanent": true]).bytes)
        #expect(confirmed.status == 200, "\(String(decoding: confirmed.body, as: UTF8.self))")
        let first = try post(
            "InitiateAuth",
            JSONValue.object([
                "ClientId": "passwordlesslocalclient", "AuthFlow": "CUSTOM_AUTH", "AuthParameters": ["USERNAME": .string(name)],
            ])
            .bytes)
        let opened = try #require(JSONValue.parse(first.body))
        let session = try #require(opened["Session"]?.string, "\(opened)")
        let userName = try #require(opened["ChallengeParameters"]?["USERNAME"]?.string)
        let sent = try String(contentsOfFile: outbox, encoding: .utf8).split(separator: "\n").compactMap { JSONValue.parse(Array($0.utf8)) }
        let message = try #require(sent.last { $0["destination"]?.string == name }?["message"]?.string)
        let code = String(try #require(message.split(separator: " is ").dropFirst().first).filter(\.isNumber).prefix(6))
        let done = try post(
            "RespondToAuthChallenge",
            JSONValue.object([
                "ClientId": "passwordlesslocalclient", "ChallengeName": "CUSTOM_CHALLENGE", "Session": .string(session),
                "ChallengeResponses": ["USERNAME": .string(userName), "ANSWER": .string(code)],
            ]).bytes)
        #expect(
            JSONValue.parse(done.body)?["AuthenticationResult"]?["IdToken"]?.string != nil, "\(String(decoding: done.body, as: UTF8.self))")
    }
}
