import Foundation
import PasswordlessClient

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes to standard output at once (prompts have no newline, and a script reads them as they come).
func say(_ text: String, newline: Bool = true) {
    FileHandle.standardOutput.write(Data((newline ? text + "\n" : text + " ").utf8))
}

let usage = """
    usage: passwordless-demo [options] sign-up PHONE_OR_EMAIL
           passwordless-demo [options] sign-in PHONE_OR_EMAIL
           passwordless-demo [options] tokens [--refresh]
           passwordless-demo [options] sign-out [--everywhere]

    Signs up, in and out of a Cognito user pool as an app would, through PasswordlessClient. At the code prompt type
    the code, `resend` (or `resend sms`, `resend email`), or at a channel prompt `sms` or `email`.

    options:
      --endpoint URL           the user pools API (default http://127.0.0.1:9229, passwordless-endpoint)
      --region REGION          a deployed pool: https://cognito-idp.REGION.amazonaws.com/
      --client-id ID           the sign-in app client (default passwordlesslocalclient)
      --sign-up-client-id ID   the sign-up app client (default passwordlesslocalsignup)
      --flow custom|user|discover   which sign-in the pool speaks (default discover)
      --tokens FILE            where the tokens are kept, mode 0600 (default ~/.passwordless-demo/tokens.json)
      --outbox FILE            passwordless-endpoint's --outbox: read each code from it instead of the terminal
    """

/// The options and the command.
struct Arguments {
    var endpoint = URL(string: "http://127.0.0.1:9229/")!
    var clientID = "passwordlesslocalclient"
    var signUpClientID = "passwordlesslocalsignup"
    var flow = PasswordlessConfiguration.Flow.discover
    var tokens = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".passwordless-demo/tokens.json").path
    var outbox: String?
    var command: [String] = []

    init(_ list: [String]) throws {
        var rest = list[...]
        while let argument = rest.popFirst() {
            guard argument.hasPrefix("--"), command.isEmpty else {
                command.append(argument)
                continue
            }
            guard let value = rest.popFirst() else { throw UsageError("\(argument) needs a value") }
            switch argument {
            case "--endpoint":
                guard let url = URL(string: value), url.scheme == "http" || url.scheme == "https" else {
                    throw UsageError("--endpoint needs an http or https URL")
                }
                endpoint = url
            case "--region": endpoint = URL(string: "https://cognito-idp.\(value).amazonaws.com/")!
            case "--client-id": clientID = value
            case "--sign-up-client-id": signUpClientID = value
            case "--tokens": tokens = value
            case "--outbox": outbox = value
            case "--flow":
                switch value {
                case "custom": flow = .customAuth
                case "user": flow = .userAuth
                case "discover": flow = .discover
                default: throw UsageError("--flow is custom, user or discover")
                }
            default: throw UsageError("unknown option \(argument)")
            }
        }
    }
}

struct UsageError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Where the next code comes from: the terminal, or the local endpoint's outbox.
struct CodeSource {
    let outbox: String?
    /// How much of the outbox was there before the last call.
    var mark = 0

    mutating func markNow() {
        mark = outbox.flatMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int } ?? 0
    }

    /// A line from the user, or the code of the newest message written to the outbox since `markNow()`.
    func next(_ prompt: String, codeLength: Int?) -> String? {
        guard let outbox else {
            say(prompt, newline: false)
            return readLine()
        }
        guard let handle = FileHandle(forReadingAtPath: outbox) else { return nil }
        defer { try? handle.close() }
        try? handle.seek(toOffset: UInt64(mark))
        let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        for line in text.split(separator: "\n").reversed() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let message = object["message"] as? String
            else { continue }
            let runs = message.split(whereSeparator: { !$0.isASCII || !$0.isNumber }).map(String.init)
            if let code = runs.first(where: { run in codeLength.map { run.count == $0 } ?? (run.count >= 4) }) {
                say("\(prompt) (from the outbox)")
                return code
            }
        }
        return nil
    }
}

func describe(_ prompt: CodePrompt) -> String {
    var text = "A code was sent by \(prompt.channel.rawValue)"
    if let destination = prompt.destination { text += " to \(destination)" }
    if let length = prompt.codeLength { text += " (\(length) digits)" }
    if let left = prompt.attemptsLeft { text += "; \(left) attempt\(left == 1 ? "" : "s") left" }
    if prompt.canResend {
        text +=
            "; resend"
            + (prompt.otherChannels.isEmpty ? "" : " or switch to \(prompt.otherChannels.map(\.rawValue).joined(separator: "/"))")
    }
    return text + "."
}

/// Answers each step until the sign-in ends; true when signed in.
func signIn(_ client: PasswordlessClient, _ typed: String, codes: inout CodeSource) async throws -> Bool {
    codes.markNow()
    var step = try await client.signIn(typed)
    while true {
        switch step {
        case .signedIn:
            say("Signed in.")
            return true
        case .ended(let end):
            say("The sign-in ended: \(end). Start again.")
            return false
        case .chooseChannel(let options):
            let list = options.map { option in option.channel.rawValue + (option.destination.map { " (\($0))" } ?? "") }
            let choice: String?
            if codes.outbox != nil {
                choice = options[0].channel.rawValue
                say("Send the code by \(list.joined(separator: " or "))? \(choice!)")
            } else {
                say("Send the code by \(list.joined(separator: " or "))?", newline: false)
                choice = readLine()
            }
            guard let choice, let channel = Channel(rawValue: choice.trimmingCharacters(in: .whitespaces).lowercased()) else {
                say("Type one of: \(options.map(\.channel.rawValue).joined(separator: ", "))")
                continue
            }
            codes.markNow()
            step = try await client.choose(channel)
        case .enterCode(let prompt), .wrongCode(let prompt):
            if case .wrongCode = step { say("That code is wrong.") }
            say(describe(prompt))
            guard let line = codes.next("Code:", codeLength: prompt.codeLength) else {
                say("No code to answer with.")
                return false
            }
            let words = line.lowercased().split(separator: " ").map(String.init)
            if words.first == "resend" {
                codes.markNow()
                step = try await client.resend(channel: words.count > 1 ? Channel(rawValue: words[1]) : nil)
            } else {
                step = try await client.answer(line)
            }
        }
    }
}

func run(_ arguments: Arguments) async throws -> Int32 {
    var configuration = PasswordlessConfiguration(
        endpoint: arguments.endpoint, clientID: arguments.clientID, signUpClientID: arguments.signUpClientID, flow: arguments.flow)
    configuration.maxAttempts = 3
    let client = PasswordlessClient(configuration: configuration, tokenStore: FileTokenStore(path: arguments.tokens))
    var codes = CodeSource(outbox: arguments.outbox)
    switch (arguments.command.first, arguments.command.count) {
    case ("sign-up", 2):
        switch try await client.signUp(arguments.command[1]) {
        case .created: say("Signed up. Now sign in.")
        case .alreadyExists: say("Already signed up. Signing in.")
        case .awaitingConfirmation:
            say("Signed up, but the pool has not confirmed the account.")
            return 1
        }
        return try await signIn(client, arguments.command[1], codes: &codes) ? 0 : 1
    case ("sign-in", 2):
        return try await signIn(client, arguments.command[1], codes: &codes) ? 0 : 1
    case ("tokens", let count) where count == 1 || (count == 2 && arguments.command[1] == "--refresh"):
        let tokens = try await client.tokens(forceRefresh: arguments.command.count == 2)
        say("Signed in; the tokens expire at \(tokens.expiresAt).")
        return 0
    case ("sign-out", let count) where count == 1 || (count == 2 && arguments.command[1] == "--everywhere"):
        try await client.signOut(everywhere: arguments.command.count == 2)
        say("Signed out.")
        return 0
    default:
        throw UsageError("unknown command")
    }
}

do {
    exit(try await run(Arguments(Array(CommandLine.arguments.dropFirst()))))
} catch let error as UsageError {
    FileHandle.standardError.write(Data("passwordless-demo: \(error.message)\n\(usage)\n".utf8))
    exit(2)
} catch let error as PasswordlessError {
    FileHandle.standardError.write(Data("passwordless-demo: \(error.userMessage ?? String(describing: error))\n".utf8))
    exit(1)
}
