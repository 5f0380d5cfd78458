extension JSONValue {
    /// The value an `Encodable` writes: members left out for nil optionals (as `encodeIfPresent` does), numbers
    /// as `Double`s. Throws `EncodingError` for what JSON cannot hold (an infinity or NaN) or a value that
    /// encodes nothing.
    package init(encoding value: some Encodable) throws {
        let encoder = ValueEncoder(codingPath: [])
        try value.encode(to: encoder)
        guard let result = encoder.node.value else {
            throw EncodingError.invalidValue(
                value, EncodingError.Context(codingPath: [], debugDescription: "\(type(of: value)) encoded no value"))
        }
        self = result
    }

    /// Compact JSON of an `Encodable`, object members in key order.
    package static func encode(_ value: some Encodable) throws -> [UInt8] {
        try JSONValue(encoding: value).bytes
    }
}

/// A value being built: a finished value, or an object or array whose members may still change.
private final class Node {
    enum State {
        case empty
        case value(JSONValue)
        case object([String: Node])
        case array([Node])
    }

    var state = State.empty

    var value: JSONValue? {
        switch state {
        case .empty: nil
        case .value(let value): value
        case .object(let members): .object(members.compactMapValues(\.value))
        case .array(let items): .array(items.compactMap(\.value))
        }
    }

    func set(_ key: String, _ node: Node) {
        if case .object(var members) = state {
            state = .empty  // drop the reference, so the dictionary is changed in place
            members[key] = node
            state = .object(members)
        }
    }

    func append(_ node: Node) {
        if case .array(var items) = state {
            state = .empty
            items.append(node)
            state = .array(items)
        }
    }

    var count: Int {
        if case .array(let items) = state { return items.count }
        return 0
    }
}

private final class ValueEncoder: Encoder, SingleValueEncodingContainer {
    let node = Node()
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(codingPath: [any CodingKey]) { self.codingPath = codingPath }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .empty = node.state { node.state = .object([:]) }
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .empty = node.state { node.state = .array([]) }
        return UnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    func encodeNil() { node.state = .value(.null) }
    func encode(_ value: Bool) { node.state = .value(.bool(value)) }
    func encode(_ value: String) { node.state = .value(.string(value)) }
    func encode(_ value: Double) throws { node.state = .value(try number(value)) }
    func encode(_ value: Float) throws { node.state = .value(try number(Double(value))) }
    func encode(_ value: Int) { node.state = .value(.number(Double(value))) }
    func encode(_ value: Int8) { node.state = .value(.number(Double(value))) }
    func encode(_ value: Int16) { node.state = .value(.number(Double(value))) }
    func encode(_ value: Int32) { node.state = .value(.number(Double(value))) }
    func encode(_ value: Int64) { node.state = .value(.number(Double(value))) }
    func encode(_ value: UInt) { node.state = .value(.number(Double(value))) }
    func encode(_ value: UInt8) { node.state = .value(.number(Double(value))) }
    func encode(_ value: UInt16) { node.state = .value(.number(Double(value))) }
    func encode(_ value: UInt32) { node.state = .value(.number(Double(value))) }
    func encode(_ value: UInt64) { node.state = .value(.number(Double(value))) }

    func encode<T: Encodable>(_ value: T) throws {
        if let text = value as? String { return encode(text) }
        try value.encode(to: self)
    }

    private func number(_ value: Double) throws -> JSONValue {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, EncodingError.Context(codingPath: codingPath, debugDescription: "\(value) is not a JSON number"))
        }
        return .number(value)
    }

    /// Encodes `value` into a new node at `codingPath`.
    static func node(for value: some Encodable, at codingPath: [any CodingKey]) throws -> Node {
        let encoder = ValueEncoder(codingPath: codingPath)
        try encoder.encode(value)
        return encoder.node
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) { set(key, .null) }
    mutating func encode(_ value: Bool, forKey key: Key) { set(key, .bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) { set(key, .string(value)) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        node.set(key.stringValue, try ValueEncoder.node(for: value, at: codingPath + [key]))
    }

    private func set(_ key: Key, _ value: JSONValue) {
        let child = Node()
        child.state = .value(value)
        node.set(key.stringValue, child)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let child = Node()
        child.state = .object([:])
        node.set(key.stringValue, child)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = Node()
        child.state = .array([])
        node.set(key.stringValue, child)
        return UnkeyedContainer(node: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { superEncoder(key: IndexKey(stringValue: "super")) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(key: key) }

    private func superEncoder(key: any CodingKey) -> any Encoder {
        let encoder = ValueEncoder(codingPath: codingPath + [key])
        node.set(key.stringValue, encoder.node)
        return encoder
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]
    var count: Int { node.count }

    private var nextKey: IndexKey { IndexKey(intValue: node.count) }

    mutating func encodeNil() { append(.null) }
    mutating func encode(_ value: Bool) { append(.bool(value)) }
    mutating func encode(_ value: String) { append(.string(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        node.append(try ValueEncoder.node(for: value, at: codingPath + [nextKey]))
    }

    private func append(_ value: JSONValue) {
        let child = Node()
        child.state = .value(value)
        node.append(child)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let key = nextKey
        let child = Node()
        child.state = .object([:])
        node.append(child)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let key = nextKey
        let child = Node()
        child.state = .array([])
        node.append(child)
        return UnkeyedContainer(node: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = ValueEncoder(codingPath: codingPath + [nextKey])
        node.append(encoder.node)
        return encoder
    }
}
