/// Any JSON value, used to carry fields of an event that the triggers do not read, so the answer keeps them.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue: Codable {
    /// Decodes any JSON value.
    public init(from decoder: any Decoder) throws {
        // Objects and strings are by far the most common unknown fields, so they are tried first.
        if let keyed = try? decoder.container(keyedBy: AnyCodingKey.self) {
            var object: [String: JSONValue] = [:]
            object.reserveCapacity(keyed.allKeys.count)
            for key in keyed.allKeys {
                object[key.stringValue] = try keyed.decode(JSONValue.self, forKey: key)
            }
            self = .object(object)
            return
        }
        if var unkeyed = try? decoder.unkeyedContainer() {
            var array: [JSONValue] = []
            while !unkeyed.isAtEnd {
                array.append(try unkeyed.decode(JSONValue.self))
            }
            self = .array(array)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let string = try? single.decode(String.self) {
            self = .string(string)
        } else if let bool = try? single.decode(Bool.self) {
            self = .bool(bool)
        } else {
            self = .number(try single.decode(Double.self))
        }
    }

    /// Encodes the value as it was read.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .bool(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .number(let value):
            var single = encoder.singleValueContainer()
            if value.rounded() == value, abs(value) < 1e15 {
                try single.encode(Int64(value))
            } else {
                try single.encode(value)
            }
        case .string(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .array(let values):
            var unkeyed = encoder.unkeyedContainer()
            for value in values { try unkeyed.encode(value) }
        case .object(let members):
            var keyed = encoder.container(keyedBy: AnyCodingKey.self)
            for (key, value) in members { try keyed.encode(value, forKey: AnyCodingKey(key)) }
        }
    }
}

/// A coding key for any string, so models can read and keep fields they do not know.
struct AnyCodingKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}

extension KeyedDecodingContainer where K == AnyCodingKey {
    /// Every member whose name is not in `known`, so it can be written back unchanged.
    func unknownMembers(excluding known: Set<String>) throws -> [String: JSONValue] {
        var extra: [String: JSONValue] = [:]
        for key in allKeys where !known.contains(key.stringValue) {
            extra[key.stringValue] = try decode(JSONValue.self, forKey: key)
        }
        return extra
    }

    func required<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try decode(type, forKey: AnyCodingKey(name))
    }

    func optional<T: Decodable>(_ type: T.Type, _ name: String) throws -> T? {
        try decodeIfPresent(type, forKey: AnyCodingKey(name))
    }
}

extension KeyedEncodingContainer where K == AnyCodingKey {
    mutating func put<T: Encodable>(_ value: T, _ name: String) throws {
        try encode(value, forKey: AnyCodingKey(name))
    }

    /// Writes a value, or JSON null when there is none, as Cognito's own events do.
    mutating func putOrNull<T: Encodable>(_ value: T?, _ name: String) throws {
        if let value {
            try encode(value, forKey: AnyCodingKey(name))
        } else {
            try encodeNil(forKey: AnyCodingKey(name))
        }
    }

    mutating func putUnknown(_ members: [String: JSONValue]) throws {
        for (key, value) in members { try encode(value, forKey: AnyCodingKey(key)) }
    }
}
