import JSON
import Settings

/// `ListUsers`, with the rules of Cognito's API Reference.
///
/// Input: `UserPoolId`, `Limit`, `Filter`, `PaginationToken`, `AttributesToGet`. Output: `Users`, `PaginationToken`.
enum ListUsers: CognitoOperation {
    static let name = "ListUsers"
    static let needsCredentials = true
    static let input = InputShape(
        ["UserPoolId": .poolID, "Filter": .string, "PaginationToken": .string],
        required: ["UserPoolId"])

    /// Users in the order they were made, `Limit` (1-60, default 60) at a time, filtered by `Filter`
    /// (`name = "value"` or `name ^= "prefix"`), with only `AttributesToGet` when given.
    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        // A whole number in 1-60; anything else (1e300 included, which Int(_:) would trap on) is refused.
        let given: Double? = input["Limit"].flatMap { if case .number(let n) = $0 { n } else { nil } }
        let limit = given.flatMap { $0.rounded() == $0 && (1...60).contains($0) ? Int($0) : nil } ?? (given == nil ? 60 : 0)
        guard limit > 0 else {
            throw .invalidParameter(
                "1 validation error detected: Value '\(given.map { String($0) } ?? "")' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60"
            )
        }
        let filter = try input["Filter"]?.string.flatMap { text throws(CognitoError) in text.isEmpty ? nil : try UserFilter(text) }
        var users = pool.pool.all.filter { filter?.matches($0) ?? true }
        if let token = input["PaginationToken"]?.string {
            guard let after = Base64URL.decode(token).map({ String(decoding: $0, as: UTF8.self) }) else {
                throw .invalidParameter("Invalid pagination token.")
            }
            users = users.filter { PoolUser.listKey($0) > after }
        }
        let page = users.prefix(limit)
        var wanted: Set<String>?
        if case .array(let names)? = input["AttributesToGet"] { wanted = Set(names.compactMap(\.string)) }
        var answer: [String: JSONValue] = [
            "Users": .array(
                page.map { user in
                    var shown = user
                    if let wanted { shown.attributes = user.attributes.filter { wanted.contains($0.key) } }
                    return shown.apiDescription(userNameKey: "Username", attributesKey: "Attributes")
                })
        ]
        if users.count > limit, let last = page.last {
            answer["PaginationToken"] = .string(Base64URL.encode(Array(PoolUser.listKey(last).utf8)))
        }
        return .object(answer)
    }
}

extension PoolUser {
    /// The order `ListUsers` pages in: by creation, then by user name; a page token is the last key shown.
    static func listKey(_ user: PoolUser) -> String {
        let seconds = String(user.createdAt)
        return String(repeating: "0", count: max(0, 12 - seconds.count)) + seconds + ":" + user.userName
    }
}

/// A `ListUsers` filter: `attribute = "value"` (exact) or `attribute ^= "value"` (starts with).
struct UserFilter {
    /// The attributes Cognito lets a filter search.
    static let searchable: Set = [
        "username", "email", "phone_number", "name", "given_name", "family_name", "preferred_username", "cognito:user_status",
        "status", "sub",
    ]
    let attribute: String
    let prefix: Bool
    let value: String

    init(_ text: String) throws(CognitoError) {
        // The value is everything between the first and the last double quote.
        let parts = text.split(separator: "\"", maxSplits: 1, omittingEmptySubsequences: false)
        let head = String(parts[0]).trimmingWhitespace()
        let operation = head.hasSuffix("^=") ? "^=" : "="
        let name = String(head.dropLast(head.hasSuffix(operation) ? operation.count : 0)).trimmingWhitespace()
        guard parts.count == 2, parts[1].hasSuffix("\""), head.hasSuffix(operation), !name.isEmpty else {
            throw .invalidParameter("Error while parsing filter.")
        }
        guard Self.searchable.contains(name) else { throw .invalidParameter("Invalid search attribute: \(name)") }
        attribute = name
        prefix = operation == "^="
        value = String(parts[1].dropLast())
    }

    func matches(_ user: PoolUser) -> Bool {
        let actual: String? =
            switch attribute {
            case "username": user.userName
            case "cognito:user_status": user.status
            case "status": "Enabled"
            default: user.attributes[attribute]
            }
        guard let actual else { return false }
        return prefix ? actual.hasPrefix(value) : actual == value
    }
}
