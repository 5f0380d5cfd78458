import JSON
import Platform
import Settings
import Synchronization

/// One account of the local pool.
struct PoolUser: Codable, Sendable {
    var userName: String
    var attributes: [String: String]
    var status: String
    var createdAt: Int64
    /// When an administrator last changed the account; absent in a users.json from before it (then `createdAt`).
    var modifiedAt: Int64?
    /// False once `AdminDisableUser` disabled the account; absent is enabled.
    var disabled: Bool?
    /// The refresh tokens issued to this account (RefreshTokens.swift); absent in a users.json from before them.
    var refreshGrants: [RefreshGrant]?

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

    var enabled: Bool { disabled != true }

    /// The attributes as an `AttributeListType`, by name.
    var attributeList: JSONValue {
        .array(attributes.keys.sorted().map { name -> JSONValue in ["Name": .string(name), "Value": .string(attributes[name]!)] })
    }

    /// A `UserType` (`AdminCreateUser`, `ListUsers`) or `AdminGetUser`'s answer: the account with its status and dates.
    func apiDescription(userNameKey: String, attributesKey: String) -> JSONValue {
        .object([
            userNameKey: .string(userName), attributesKey: attributeList, "UserStatus": .string(status), "Enabled": .bool(enabled),
            "UserCreateDate": .number(Double(createdAt)), "UserLastModifiedDate": .number(Double(modifiedAt ?? createdAt)),
        ])
    }
}

/// The accounts by user name, and by email (in lower case) and phone number for sign-in by destination.
struct Accounts {
    private(set) var byName: [String: PoolUser] = [:]
    private var byAlias: [String: String] = [:]
    /// Account by the hash of a refresh token issued to it.
    private var byGrant: [String: String] = [:]

    init(_ users: [String: PoolUser]) { users.values.forEach { put($0) } }

    static func aliases(_ attributes: [String: String]) -> [String] {
        [attributes["email"].map { "email:" + $0.lowercased() }, attributes["phone_number"].map { "phone:" + $0 }].compactMap { $0 }
    }

    /// The account with this alias (`email:…` or `phone:…`).
    func owner(of alias: String) -> PoolUser? { byAlias[alias].flatMap { byName[$0] } }

    /// The account a refresh token was issued to, by the token's hash.
    func holder(ofGrant hash: String) -> PoolUser? { byGrant[hash].flatMap { byName[$0] } }

    mutating func put(_ user: PoolUser) {
        remove(user.userName)
        byName[user.userName] = user
        // The oldest account keeps an alias that two share (as before the index, the first found).
        for alias in Self.aliases(user.attributes) where byAlias[alias] == nil { byAlias[alias] = user.userName }
        for grant in user.refreshGrants ?? [] { byGrant[grant.tokenHash] = user.userName }
    }

    @discardableResult
    mutating func remove(_ userName: String) -> PoolUser? {
        guard let user = byName.removeValue(forKey: userName) else { return nil }
        for alias in Self.aliases(user.attributes) where byAlias[alias] == userName { byAlias[alias] = nil }
        for grant in user.refreshGrants ?? [] where byGrant[grant.tokenHash] == userName { byGrant[grant.tokenHash] = nil }
        return user
    }
}

/// The accounts, kept in `<state>/users.json`, rewritten whole on every change.
final class UserPool: Sendable {
    /// Whether users sign in with their email or phone (`UsernameAttributes`): each account gets a generated user
    /// name, and the name typed at sign-in is looked up in those attributes.
    let signInWithDestination: Bool
    private let path: String
    private let accounts: Mutex<Accounts>

    init(statePath: String, signInWithDestination: Bool) throws(EndpointError) {
        path = statePath
        self.signInWithDestination = signInWithDestination
        var loaded: [String: PoolUser] = [:]
        if case .success(let bytes) = FileIO.readAll(path: statePath) {
            guard let decoded = try? JSONValue.decode([String: PoolUser].self, from: bytes) else {
                throw .state("\(statePath) is not a user list this endpoint wrote")
            }
            loaded = decoded
        }
        accounts = Mutex(Accounts(loaded))
    }

    /// The account a typed name signs in as: its user name, or with destination sign-in its email or phone.
    func find(_ typed: String) -> PoolUser? {
        let name = typed.trimmingWhitespace()
        return accounts.withLock { accounts in
            if let user = accounts.byName[name] { return user }
            guard signInWithDestination else { return nil }
            return accounts.owner(of: "phone:" + name) ?? accounts.owner(of: "email:" + name.lowercased())
        }
    }

    /// Every account, oldest first (ties by user name, so the order is stable for paging).
    var all: [PoolUser] {
        accounts.withLock { Array($0.byName.values).sorted { ($0.createdAt, $0.userName) < ($1.createdAt, $1.userName) } }
    }

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
        try accounts.withLock { (accounts) throws(CognitoError) in
            guard accounts.byName[userName] == nil else { throw CognitoError("UsernameExistsException", "User account already exists") }
            guard !signInWithDestination || Accounts.aliases(attributes).allSatisfy({ accounts.owner(of: $0) == nil }) else {
                throw CognitoError(
                    "UsernameExistsException", "An account with the given \(typed.contains("@") ? "email" : "phone_number") already exists."
                )
            }
            accounts.put(user)
            save(accounts.byName)
        }
        return user
    }

    /// The account a refresh token was issued to, by the token's hash (RefreshGrant.hash).
    func holder(ofGrant hash: String) -> PoolUser? { accounts.withLock { $0.holder(ofGrant: hash) } }

    func update(_ userName: String, _ change: (inout PoolUser) -> Void) -> PoolUser? {
        accounts.withLock { accounts in
            guard var user = accounts.byName[userName] else { return nil }
            change(&user)
            accounts.put(user)
            save(accounts.byName)
            return user
        }
    }

    func delete(_ userName: String) -> Bool {
        accounts.withLock { accounts in
            guard accounts.remove(userName) != nil else { return false }
            save(accounts.byName)
            return true
        }
    }

    private func save(_ users: [String: PoolUser]) {
        if let value = try? JSONValue(encoding: users) { _ = FileIO.replace(path, with: value.prettyBytes) }
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
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in b.enumerated() {
            if [4, 6, 8, 10].contains(index) { text.append(UInt8(ascii: "-")) }
            text += [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// An opaque token of `count` random bytes, base64url.
    static func token(_ count: Int = 48) -> String { Base64URL.encode(bytes(count)) }
}
