import PasswordlessAuth

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads and writes trigger events with one decoder and encoder kept for the life of the process.
struct EventCodec {
    private let decoder = JSONDecoder()

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
        let event: TriggerEvent<Request, Response>
        do {
            event = try decoder.decode(type, from: Data(bytes))
        } catch let error as DecodingError {
            throw .invalidEvent(Self.describe(error))
        } catch {
            throw .invalidEvent("the event is not valid JSON")
        }
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
        // The decoder accepted the document as an object; the splice also refuses what the decoder lets pass.
        guard let answered = ResponseSplice.splice(original, response: Array(event.response.json.utf8)) else {
            throw .invalidEvent("the event is not valid JSON: control characters or invalid UTF-8 in a string")
        }
        return answered
    }

    /// The `response` the event came with, for a trigger that leaves it as it is; empty when absent.
    func response<Response: TriggerResponse>(_ type: Response.Type, of bytes: [UInt8]) throws(TriggerError) -> Response {
        do {
            return try decoder.decode(ResponseOnly<Response>.self, from: Data(bytes)).response ?? Response()
        } catch let error as DecodingError {
            throw .invalidEvent(Self.describe(error))
        } catch {
            throw .invalidEvent("the event is not valid JSON")
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
            if name.hasPrefix("Dictionary") || name.contains("Keyed") { return "an object" }
            if name.hasPrefix("Array") || name.contains("Unkeyed") { return "an array" }
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
