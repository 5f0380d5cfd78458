import Synchronization

@testable import AWSClients
@testable import AWSHTTP
@testable import AWSSigning
@testable import Settings

/// A clock that only moves when told: sends and sleeps advance it, so deadline logic is exact.
final class FakeClock: Sendable {
    private struct State {
        var now: Int64
        var sleeps: [Int64] = []
        var jitterCeilings: [Int64] = []
    }

    private let state: Mutex<State>
    /// Which part of the ceiling the jitter returns, in percent, so tests can pick a draw.
    let jitterPercent: Int64

    init(now: Int64 = 1_700_000_000_000, jitterPercent: Int64 = 50) {
        state = Mutex(State(now: now))
        self.jitterPercent = jitterPercent
    }

    var now: Int64 { state.withLock { $0.now } }
    var sleeps: [Int64] { state.withLock { $0.sleeps } }
    var jitterCeilings: [Int64] { state.withLock { $0.jitterCeilings } }

    func advance(_ milliseconds: Int64) {
        state.withLock { $0.now += milliseconds }
    }

    var scheduling: RetryScheduling {
        RetryScheduling(
            nowEpochMs: { self.now },
            sleepMs: { ms in
                self.state.withLock {
                    $0.now += ms; $0.sleeps.append(ms)
                }
            },
            jitterMs: { ceiling in
                self.state.withLock { $0.jitterCeilings.append(ceiling) }
                return ceiling * self.jitterPercent / 100
            })
    }
}

/// One scripted outcome of a fake send.
enum FakeOutcome: Sendable {
    case respond(HTTPResponse)
    case fail(AWSCallError)
    /// Consumes the whole timeout, as a hanging server would.
    case hang
}

/// A transport that answers from a script and records what was sent and with which timeouts.
final class FakeTransport: HTTPTransport {
    struct Sent: Sendable {
        var request: HTTPRequest
        var connectTimeoutMs: Int64
        var timeoutMs: Int64
    }

    private let script: Mutex<[FakeOutcome]>
    private let log = Mutex<[Sent]>([])
    let clock: FakeClock
    let latencyMs: Int64

    /// `script` is consumed in order; its last entry repeats.
    init(_ script: [FakeOutcome], clock: FakeClock, latencyMs: Int64 = 20) {
        self.script = Mutex(script)
        self.clock = clock
        self.latencyMs = latencyMs
    }

    var sent: [Sent] { log.withLock { $0 } }

    func send(_ request: HTTPRequest, connectTimeoutMs: Int64, timeoutMs: Int64) throws(AWSCallError) -> HTTPResponse {
        log.withLock { $0.append(Sent(request: request, connectTimeoutMs: connectTimeoutMs, timeoutMs: timeoutMs)) }
        let outcome = script.withLock { steps in steps.count > 1 ? steps.removeFirst() : steps[0] }
        switch outcome {
        case .respond(let response):
            clock.advance(latencyMs)
            return response
        case .fail(let error):
            clock.advance(latencyMs)
            throw error
        case .hang:
            clock.advance(timeoutMs)
            throw AWSCallError.transport(.timedOut, "Operation timed out after \(timeoutMs) milliseconds")
        }
    }
}

enum AWSSamples {
    static let credentials = Credentials(
        accessKeyId: "ASIAFIXTUREKEY000001", secretAccessKey: "fixture/secret+key", sessionToken: "FIXTURE//TOKEN+==")

    static let baseEnv: [String: String] = [
        "AWS_ACCESS_KEY_ID": credentials.accessKeyId,
        "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey,
        "AWS_SESSION_TOKEN": credentials.sessionToken!,
        "AWS_REGION": "eu-west-1",
        "EMAIL_FROM": "Sign-in <no-reply@example.com>",
    ]

    static func snsSuccess(_ id: String = "11111111-2222-3333-4444-555555555555") -> HTTPResponse {
        let xml = """
            <PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>\
            <MessageId>\(id)</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId>\
            </ResponseMetadata></PublishResponse>
            """
        return HTTPResponse(status: 200, headers: [("Content-Type", "text/xml")], body: Array(xml.utf8))
    }

    static func snsError(_ status: Int, code: String, message: String) -> HTTPResponse {
        let xml = """
            <ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type>\
            <Code>\(code)</Code><Message>\(message)</Message></Error><RequestId>r</RequestId></ErrorResponse>
            """
        return HTTPResponse(status: status, headers: [("Content-Type", "text/xml")], body: Array(xml.utf8))
    }

    static func sesSuccess(_ id: String = "0100018c-ses-message-id") -> HTTPResponse {
        HTTPResponse(status: 200, body: Array(#"{"MessageId":"\#(id)"}"#.utf8))
    }

    static func sesError(_ status: Int, type: String, message: String) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: [("x-amzn-ErrorType", "\(type):http://internal.amazon.com/coral/")],
            body: Array(#"{"message":"\#(message)"}"#.utf8))
    }

    static func snsClient(
        _ transport: FakeTransport, policy: RetryPolicy = RetryPolicy(), env: [String: String] = baseEnv
    ) throws -> SNSClient {
        try AWSClientFactory(SettingsReader(env), transport: transport, retryPolicy: policy, scheduling: transport.clock.scheduling).sns()
    }

    static func sesClient(
        _ transport: FakeTransport, policy: RetryPolicy = RetryPolicy(), env: [String: String] = baseEnv
    ) throws -> SESClient {
        try AWSClientFactory(SettingsReader(env), transport: transport, retryPolicy: policy, scheduling: transport.clock.scheduling).ses()
    }
}

extension HTTPRequest {
    var bodyText: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
