import JSON
import PasswordlessAuth
import Settings

/// Reads trigger events into their models and writes the answered events, through the JSON module.
struct EventCodec {
    /// Decodes an event and checks it is for this trigger.
    func decode<Request, Response>(
        _ type: TriggerEvent<Request, Response>.Type, from bytes: [UInt8], triggerSource: String
    ) throws(TriggerError) -> TriggerEvent<Request, Response> {
        try decode(type, from: bytes, triggerSources: [triggerSource])
    }

    /// Decodes an event and checks it is for one of the trigger sources this trigger answers.
    func decode<Request, Response>(
        _ type: TriggerEvent<Request, Response>.Type, from bytes: [UInt8], triggerSources: [String]
    ) throws(TriggerError) -> TriggerEvent<Request, Response> {
        let event = try Self.read(type, from: bytes)
        guard triggerSources.contains(event.triggerSource) else {
            let expected = triggerSources.count == 1 ? triggerSources[0] : "one of " + triggerSources.joined(separator: ", ")
            throw .invalidEvent("triggerSource is \(event.triggerSource), expected \(expected)")
        }
        return event
    }

    /// The answered event: the original document with only `response` replaced.
    func answer<Request, Response: ResponseJSON>(
        _ original: [UInt8], _ event: TriggerEvent<Request, Response>
    ) throws(TriggerError) -> [UInt8] {
        // The reader accepted the whole document, every string in it included; the splice checks again anyway.
        guard let answered = ResponseSplice.splice(original, response: Array(event.response.json.utf8)) else {
            throw .invalidEvent("the event is not valid JSON: control characters or invalid UTF-8 in a string")
        }
        return answered
    }

    /// The `response` the event came with, for a trigger that leaves it as it is; empty when absent.
    func response<Response: TriggerResponse>(_ type: Response.Type, of bytes: [UInt8]) throws(TriggerError) -> Response {
        try Self.read(ResponseOnly<Response>.self, from: bytes).response ?? Response()
    }

    /// Reads the whole document and maps it onto `type`, naming what is wrong when either fails.
    private static func read<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(TriggerError) -> T {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes)
        } catch {
            // The answer repeats every string of the event, so a bad one anywhere is named as such.
            throw .invalidEvent(
                error.isInString
                    ? "the event is not valid JSON: control characters or invalid UTF-8 in a string" : "the event is not valid JSON")
        }
        do {
            return try value.decode(type)
        } catch let error as DecodingError {
            throw .invalidEvent(describe(error))
        } catch {
            throw .invalidEvent("the event could not be read")
        }
    }

    /// Names the place and the problem, without quoting the event's values.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            guard !keys.isEmpty else { return "the event" }
            var text = ""
            for key in keys {
                if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text
        }
        func kind(_ type: Any.Type) -> String {
            let name = String(describing: type)
            if name.hasPrefix("Dictionary") || name.containsText("Keyed") { return "an object" }
            if name.hasPrefix("Array") || name.containsText("Unkeyed") { return "an array" }
            if name == "String" { return "a string" }
            if name == "Bool" { return "true or false" }
            return name
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) must be \(kind(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) must be \(kind(type)), not null"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is missing"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the event is not valid JSON" : "\(path(context.codingPath)) is not valid"
        @unknown default:
            return "the event could not be read"
        }
    }
}

/// The `response` member of an event, alone.
private struct ResponseOnly<Response: Decodable>: Decodable {
    var response: Response?
}
