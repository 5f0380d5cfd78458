import Platform
import Settings
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One account of the local pool.
struct PoolUser: Codable, Sendable {
    var userName: String
    var attributes: [String: String]
    var status: String
    var createdAt: Int64

    /// The attributes as the triggers see them: with `sub`, `cognito:user_status` and, where the pool signs in with
    /// a verified email or phone, `cognito:email_alias` / `cognito:phone_number_alias`.
    func eventAttributes(aliases: Bool) -> [String: String] {
        var all = attributes
        all["cognito:user_status"] = status
        for name in ["email", "phone_number"] where aliases && attributes[name + "_verified"] == "true" {
            all["cognito:\(name)_alias"] = attributes[name]
        }
        return all
    }

    func apiDescription(userNameKey: String, attributesKey: String) -> JSONValue {
        let list = attributes.keys.sorted().map { name -> JSONValue in ["Name": .string(name), "Value": .string(attributes[name]!)] }
        return .object([
            userNameKey: .string(userName), attributesKey: .array(list), "UserStatus": .string(status), "Enabled": true,
            "UserCreateDate": .number(Double(createdAt)), "UserLastModifiedDate": .number(Double(createdAt)),
        ])
    }
}

/// The accounts, kept in `<state>/users.json`, rewritten whole on every change.
final class UserPool: Sendable {
    /// Whether users sign in with their email or phone (`UsernameAttributes`): each account gets a generated user
    /// name, and the name typed at sign-in is looked up in those attributes.
    let signInWithDestination: Bool
    private let path: String
    private let users: Mutex<[String: PoolUser]>

    init(statePath: String, signInWithDestination: Bool) throws(EndpointError) {
        path = statePath
        self.signInWithDestination = signInWithDestination
        var loaded: [String: PoolUser] = [:]
        if case .success(let bytes) = FileIO.readAll(path: statePath) {
            guard let decoded = try? JSONDecoder().decode([String: PoolUser].self, from: Data(bytes)) else {
                throw .state("\(statePath) is not a user list this endpoint wrote")
            }
            loaded = decoded
        }
        users = Mutex(loaded)
    }

    /// The account a typed name signs in as: its user name, or with destination sign-in its email or phone.
    func find(_ typed: String) -> PoolUser? {
        let name = typed.trimmingWhitespace()
        return users.withLock { users in
            if let user = users[name] { return user }
            guard signInWithDestination else { return nil }
            return users.values.first { user in
                user.attributes["phone_number"] == name || user.attributes["email"]?.lowercased() == name.lowercased()
            }
        }
    }

    /// Every account, oldest first (ties by user name, so the order is stable for paging).
    var all: [PoolUser] { users.withLock { Array($0.values).sorted { ($0.createdAt, $0.userName) < ($1.createdAt, $1.userName) } } }

    /// Adds an account; with destination sign-in the typed name must be an email or phone number and becomes that
    /// attribute.
    func create(typedName: String, attributes: [String: String], status: String, now: Int64) throws(CognitoError) -> PoolUser {
        var attributes = attributes
        let typed = typedName.trimmingWhitespace()
        var userName = typed
        if signInWithDestination {
            if typed.contains("@") {
                attributes["email"] = attributes["email"] ?? typed
            } else if typed.hasPrefix("+") {
                attributes["phone_number"] = attributes["phone_number"] ?? typed
            } else {
                throw .invalidParameter("Username should be either an email or a phone number.")
            }
            userName = RandomID.uuid()
        }
        attributes["sub"] = userName == typed ? RandomID.uuid() : userName
        let user = PoolUser(userName: userName, attributes: attributes, status: status, createdAt: now)
        try users.withLock { (users) throws(CognitoError) in
            guard users[userName] == nil else { throw CognitoError("UsernameExistsException", "User account already exists") }
            let aliasTaken =
                signInWithDestination
                && users.values.contains { other in
                    (attributes["email"] != nil && other.attributes["email"]?.lowercased() == attributes["email"]?.lowercased())
                        || (attributes["phone_number"] != nil && other.attributes["phone_number"] == attributes["phone_number"])
                }
            guard !aliasTaken else {
                throw CognitoError(
                    "UsernameExistsException", "An account with the given \(typed.contains("@") ? "email" : "phone_number") already exists."
                )
            }
            users[userName] = user
            save(users)
        }
        return user
    }

    func update(_ userName: String, _ change: (inout PoolUser) -> Void) -> PoolUser? {
        users.withLock { users in
            guard var user = users[userName] else { return nil }
            change(&user)
            users[userName] = user
            save(users)
            return user
        }
    }

    func delete(_ userName: String) -> Bool {
        users.withLock { users in
            guard users.removeValue(forKey: userName) != nil else { return false }
            save(users)
            return true
        }
    }

    private func save(_ users: [String: PoolUser]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        if let data = try? encoder.encode(users) { _ = FileIO.replace(path, with: Array(data)) }
    }
}

/// Random identifiers from the kernel's generator.
enum RandomID {
    static func bytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        try? SystemRandom.fill(&bytes)
        return bytes
    }

    static func uuid() -> String {
        var b = bytes(16)
        b[6] = b[6] & 0x0F | 0x40
        b[8] = b[8] & 0x3F | 0x80
        let hex = b.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        let parts = [
            hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20),
        ]
        return parts.joined(separator: "-")
    }

    /// An opaque token of `count` random bytes, base64url.
    static func token(_ count: Int = 48) -> String { Base64URL.encode(bytes(count)) }
}
