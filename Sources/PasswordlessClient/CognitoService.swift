import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The user pools API's public operations over HTTPS: JSON 1.1, `POST /` with `X-Amz-Target`, no signature.
///
/// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/Welcome.html (the protocol);
/// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/CommonErrors.html (errors).
struct CognitoService: Sendable {
    let endpoint: URL
    let session: URLSession

    init(endpoint: URL, timeout: TimeInterval) {
        self.endpoint = endpoint
        // Ephemeral, with no cache and no cookies: nothing of an answer, which may hold tokens, is kept on disk.
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        session = URLSession(configuration: configuration)
    }

    /// What a call can end in besides its answer.
    enum Failure: Error, Sendable {
        /// No HTTP answer.
        case network(String)
        /// Cognito's error: its type (without any namespace) and message.
        case cognito(type: String, message: String)
        /// An answer that is not the operation's JSON.
        case unreadable(String)
        /// An HTTP error that names no error type (a proxy's, a load balancer's).
        case status(Int)
    }

    /// Calls `operation` with `body` (a JSON object's bytes) and decodes its answer.
    func call<Answer: Decodable & Sendable>(_ operation: String, _ body: Data) async throws(Failure) -> Answer {
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/x-amz-json-1.1", forHTTPHeaderField: "Content-Type")
        request.setValue("AWSCognitoIdentityProviderService.\(operation)", forHTTPHeaderField: "X-Amz-Target")
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw .network(Self.describe(error))
        }
        guard let http = response as? HTTPURLResponse else { throw .unreadable("\(operation): not an HTTP answer") }
        guard http.statusCode == 200 else { throw Self.failure(http, data, operation) }
        do {
            return try JSONDecoder().decode(Answer.self, from: data.isEmpty ? Data("{}".utf8) : data)
        } catch {
            throw .unreadable("\(operation): the answer is not what the API Reference describes")
        }
    }

    /// A JSON object's bytes.
    static func body(_ object: [String: Any]) -> Data {
        // Only strings, arrays and dictionaries of strings go in: serialization cannot fail.
        (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8)
    }

    /// The error of a non-200 answer: `__type` (or `x-amzn-ErrorType`) without its namespace, and `message`.
    private static func failure(_ http: HTTPURLResponse, _ data: Data, _ operation: String) -> Failure {
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        let header = http.value(forHTTPHeaderField: "x-amzn-ErrorType")?.split(separator: ":").first.map(String.init)
        guard let type = (object?["__type"] as? String) ?? header, !type.isEmpty else { return .status(http.statusCode) }
        let message = (object?["message"] as? String) ?? (object?["Message"] as? String) ?? ""
        return .cognito(type: type.split(separator: "#").last.map(String.init) ?? type, message: message)
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? URLError { return "URLError \(error.code.rawValue): \(error.localizedDescription)" }
        return String(describing: error)
    }
}

/// `InitiateAuth` and `RespondToAuthChallenge`'s answer.
struct AuthAnswer: Decodable, Sendable {
    var challengeName: String?
    var session: String?
    var challengeParameters: [String: String]?
    var authenticationResult: AuthenticationResult?
    var availableChallenges: [String]?

    enum CodingKeys: String, CodingKey {
        case challengeName = "ChallengeName"
        case session = "Session"
        case challengeParameters = "ChallengeParameters"
        case authenticationResult = "AuthenticationResult"
        case availableChallenges = "AvailableChallenges"
    }
}

/// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AuthenticationResultType.html
struct AuthenticationResult: Decodable, Sendable {
    var accessToken: String?
    var idToken: String?
    var refreshToken: String?
    var expiresIn: Int?

    enum CodingKeys: String, CodingKey {
        case accessToken = "AccessToken"
        case idToken = "IdToken"
        case refreshToken = "RefreshToken"
        case expiresIn = "ExpiresIn"
    }
}

/// `SignUp`'s answer.
struct SignUpAnswer: Decodable, Sendable {
    var userConfirmed: Bool?

    enum CodingKeys: String, CodingKey {
        case userConfirmed = "UserConfirmed"
    }
}

/// An answer whose members are not read.
struct EmptyAnswer: Decodable, Sendable {}
