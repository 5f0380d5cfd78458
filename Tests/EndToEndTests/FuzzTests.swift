import Foundation
import Testing

@testable import LambdaRuntime
@testable import PasswordlessAuth
@testable import PasswordlessTriggers
@testable import TestSupport

/// Breaks sample events in many ways: at the byte level and in their JSON structure.
struct EventMutator {
    var random: SplitMix64

    mutating func mutate(_ event: [UInt8]) -> [UInt8] {
        switch random.next() % 8 {
        case 0:  // truncate
            return Array(event.prefix(Int(random.next() % UInt64(event.count))))
        case 1:  // flip a byte
            var copy = event
            let index = Int(random.next() % UInt64(copy.count))
            copy[index] ^= UInt8(truncatingIfNeeded: random.next() | 1)
            return copy
        case 2:  // insert junk
            var copy = event
            let junk: [[UInt8]] = [[0], [0xFF, 0xFE], Array("\",".utf8), Array("}}".utf8), Array("\\u12".utf8)]
            copy.insert(contentsOf: junk[Int(random.next() % UInt64(junk.count))], at: Int(random.next() % UInt64(copy.count)))
            return copy
        default:  // change the structure
            guard var object = try? JSONSerialization.jsonObject(with: Data(event)) else { return event }
            object = mutateValue(object, depth: 0)
            return (try? [UInt8](JSONSerialization.data(withJSONObject: object, options: [.fragmentsAllowed]))) ?? event
        }
    }

    private mutating func replacement() -> Any {
        let choices: [Any] = [
            NSNull(), 42, -1.5, true, "", "surprise", [Any](), [String: Any](), ["a": 1], [1, "x"],
            String(repeating: "é", count: 3000),
        ]
        return choices[Int(random.next() % UInt64(choices.count))]
    }

    private mutating func mutateValue(_ value: Any, depth: Int) -> Any {
        if var object = value as? [String: Any], !object.isEmpty {
            let keys = object.keys.sorted()
            let key = keys[Int(random.next() % UInt64(keys.count))]
            switch random.next() % 4 {
            case 0: object[key] = nil
            case 1: object[key] = replacement()
            default: object[key] = mutateValue(object[key]!, depth: depth + 1)
            }
            return object
        }
        if var array = value as? [Any], !array.isEmpty {
            let index = Int(random.next() % UInt64(array.count))
            if random.next() % 2 == 0 { array[index] = replacement() } else { array[index] = mutateValue(array[index], depth: depth + 1) }
            return array
        }
        return depth == 0 ? value : replacement()
    }
}

/// Wraps a handler and checks that no failed invocation sent a message.
struct SendsNothingOnFailure: LambdaHandler {
    let inner: any LambdaHandler
    let spy: SpyDelivery
    let violations: ViolationLog

    func handle(_ event: [UInt8], context: InvocationContext) throws -> [UInt8] {
        let before = spy.messages.count
        do {
            return try inner.handle(event, context: context)
        } catch {
            if spy.messages.count != before { violations.ids.append(context.metadata.requestID) }
            throw error
        }
    }
}

final class ViolationLog: @unchecked Sendable { var ids: [String] = [] }

@Suite("Mutation fuzzing through the real loop over loopback", .serialized)
struct FuzzTests {
    enum FuzzedTrigger: String, CaseIterable, Sendable { case define, create, verify, preSignUp = "pre-sign-up" }

    static let cases: [(FuzzedTrigger, [String])] = [
        (.define, SampleEvents.names(prefix: "define-")),
        (.create, SampleEvents.names(prefix: "create-")),
        (.verify, SampleEvents.names(prefix: "verify-")),
        (.preSignUp, SampleEvents.names(prefix: "pre-sign-up-")),
    ]

    @Test(
        "hundreds of broken events per trigger: every one answered, the loop still alive",
        arguments: [FuzzedTrigger.define, .create, .verify, .preSignUp])
    func fuzz(trigger: FuzzedTrigger) throws {
        let names = try #require(Self.cases.first { $0.0 == trigger }?.1)
        try #require(!names.isEmpty)
        let samples = try names.map(SampleEvents.bytes)
        var mutator = EventMutator(random: SplitMix64(seed: UInt64(trigger.rawValue.count) &* 977))
        let count = 400
        var events: [MockRuntimeAPI.Event] = (0..<count).map { index in
            .init(mutator.mutate(samples[index % samples.count]), id: "fuzz-\(index)")
        }
        events.append(.init(samples[0], id: "final-good"))

        let spy = SpyDelivery()
        let violations = ViolationLog()
        let inner: any LambdaHandler =
            switch trigger {
            case .define: DefineHandler(configuration: PasswordlessConfiguration())
            case .create: CreateHandler(configuration: PasswordlessConfiguration(), delivery: spy, random: try KernelRandom())
            case .verify: VerifyHandler()
            case .preSignUp: PreSignUpHandler(policy: SignUpPolicy())
            }
        let mock = try MockRuntimeAPI(events: events)
        var client = try SocketRuntimeClient(address: mock.address)
        #expect(throws: LambdaRuntimeError.unexpectedStatus(path: RuntimeAPI.nextPath, status: 500)) {
            try LambdaLoop.run(
                client: &client, handler: SendsNothingOnFailure(inner: inner, spy: spy, violations: violations),
                logger: Logger(threshold: .error, sink: MemorySink()))
        }

        let posts = mock.recorded
        #expect(posts.count == count + 1, "every event is answered exactly once")
        #expect(Set(posts.compactMap(\.requestID)).count == count + 1)
        var errors = 0
        for post in posts {
            if post.path.hasSuffix("/error") {
                errors += 1
                let report = try jsonObject(post.body)
                #expect(report.count == 2)
                #expect((report["errorType"] as? String)?.isEmpty == false)
                #expect((report["errorMessage"] as? String)?.isEmpty == false)
                #expect(post.headers["lambda-runtime-function-error-type"] == report["errorType"] as? String)
            } else {
                #expect(post.path.hasSuffix("/response"))
                #expect(try jsonObject(post.body)["response"] is [String: Any])
            }
        }
        #expect(errors > count / 4, "most mutations break the event")
        #expect(posts.last?.path == "/2018-06-01/runtime/invocation/final-good/response", "the loop still serves good events")
        #expect(violations.ids.isEmpty, "a failed invocation sent a message: \(violations.ids)")
    }
}
