import JSON
import PasswordlessAuth

/// Every JSON the sign-in reads or writes: the events it sends and the responses it reads back. The one place that
/// knows how, through the package's JSON module.
enum EventJSON {
    /// The event as Cognito sends it: the envelope, the request, and `response` with every member null (or, for
    /// pre-sign-up, false) until the trigger answers.
    static func encode<Request: Codable & Sendable, Response: TriggerResponse>(_ event: TriggerEvent<Request, Response>) -> [UInt8] {
        // The models' own members and the envelope's never fail to encode: strings, booleans and maps of strings.
        (try? JSONValue.encode(Sent(event: event))) ?? []
    }

    /// The `response` of an answered event; nil when the answer is not an event with a response of this shape. An
    /// answer without `response` reads as the empty one, as a function that echoes an event it leaves alone.
    static func response<Response: TriggerResponse>(_ type: Response.Type, from bytes: [UInt8]) -> Response? {
        (try? JSONValue.decode(Answered<Response>.self, from: bytes))?.response
    }

    private struct Answered<Response: TriggerResponse>: Decodable {
        var response: Response

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            response = try container.decodeIfPresent(Response.self, forKey: .response) ?? Response()
        }
    }

    private enum Keys: String, CodingKey {
        case version, triggerSource, region, userPoolId, userName, callerContext, request, response
    }

    private struct Sent<Request: Codable & Sendable, Response: TriggerResponse>: Encodable {
        let event: TriggerEvent<Request, Response>

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(event.version, forKey: .version)
            try container.encode(event.triggerSource, forKey: .triggerSource)
            try container.encode(event.region, forKey: .region)
            try container.encode(event.userPoolId, forKey: .userPoolId)
            try container.encode(event.userName, forKey: .userName)
            try container.encode(event.callerContext, forKey: .callerContext)
            try container.encode(event.request, forKey: .request)
            if let names = (Response.self as? any NullUntilAnswered.Type)?.memberNames {
                var response = container.nestedContainer(keyedBy: Member.self, forKey: .response)
                for name in names { try response.encodeNil(forKey: Member(stringValue: name)) }
            } else {
                try container.encode(event.response, forKey: .response)
            }
        }
    }

    private struct Member: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// A response Cognito sends with every member null, for the trigger to fill in.
protocol NullUntilAnswered {
    static var memberNames: [String] { get }
}

extension DefineAuthChallengeResponse: NullUntilAnswered {
    static var memberNames: [String] { ["challengeName", "issueTokens", "failAuthentication"] }
}

extension CreateAuthChallengeResponse: NullUntilAnswered {
    static var memberNames: [String] { ["publicChallengeParameters", "privateChallengeParameters", "challengeMetadata"] }
}

extension VerifyAuthChallengeResponse: NullUntilAnswered {
    static var memberNames: [String] { ["answerCorrect"] }
}
