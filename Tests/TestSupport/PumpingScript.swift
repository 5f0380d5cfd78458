import Foundation
import LambdaRuntime
import PasswordlessTriggers

/// The scripted SMS pumping run: new accounts (an unverified phone number, as a self sign-up under first-sign-in
/// makes them) that each ask for a code and then for more codes in the same sign-in, and never answer; and a real
/// user who answers. Driven through create's and verify's handlers with events as Cognito sends them.
package enum PumpingScript {
    /// `each` numbers in every block: the block's digits (calling code included, the number less its last 4
    /// digits) followed by 4 more.
    package static func numbers(blocks: [String], each: Int) -> [String] {
        blocks.flatMap { block in (0..<each).map { block + String(1000 + $0) } }
    }

    /// The attributes Cognito passes for an account that signed up with `phone` and has not verified it.
    package static func newAccount(_ phone: String) -> [String: String] {
        ["sub": "sub-" + phone.filter(\.isNumber), "phone_number": phone, "phone_number_verified": "false"]
    }

    /// Asks `create` for a first code and `resends` more for each number. Returns the rounds that failed, as text:
    /// a refusal of the pumping guard is no failure (it looks like a send).
    package static func ask(
        _ create: CreateHandler, numbers: [String], resends: Int, sink: MemorySink = MemorySink()
    ) throws -> [String] {
        var failures: [String] = []
        for phone in numbers {
            var session: [[String: Any]] = []
            for round in 0...resends {
                let event = try SampleEvents.create(
                    userName: "sub-" + phone.filter(\.isNumber), attributes: newAccount(phone), session: session,
                    clientMetadata: round == 0 ? nil : ["action": "resend"])
                do {
                    let answer = try jsonObject(try create.handle(event, context: testContext(sink)))
                    let metadata = (answer["response"] as? [String: Any])?["challengeMetadata"] as? String
                    session.append(["challengeName": "CUSTOM_CHALLENGE", "challengeResult": false, "challengeMetadata": metadata ?? ""])
                } catch {
                    failures.append("\(phone) round \(round): \(error)")
                    break
                }
            }
        }
        return failures
    }

    /// A real user's sign-in: a first code to `phone` (verified), then the right answer, through the handlers.
    /// `code` reads the code that was sent. Returns whether verify took it.
    package static func signIn(
        _ create: CreateHandler, _ verify: VerifyHandler, phone: String, sink: MemorySink = MemorySink(), code: () throws -> String
    ) throws -> Bool {
        let attributes = ["sub": "sub-" + phone.filter(\.isNumber), "phone_number": phone, "phone_number_verified": "true"]
        let answer = try jsonObject(
            try create.handle(try SampleEvents.create(userName: attributes["sub"]!, attributes: attributes), context: testContext(sink)))
        let privateParameters = ((answer["response"] as? [String: Any])?["privateChallengeParameters"] as? [String: String]) ?? [:]
        var event = try jsonObject(try SampleEvents.bytes("verify-correct-code"))
        event["userName"] = attributes["sub"]
        var request = (event["request"] as? [String: Any]) ?? [:]
        request["userAttributes"] = attributes
        request["privateChallengeParameters"] = privateParameters
        request["challengeAnswer"] = try code()
        event["request"] = request
        let verified = try jsonObject(
            try verify.handle([UInt8](try JSONSerialization.data(withJSONObject: event)), context: testContext(sink)))
        return (verified["response"] as? [String: Any])?["answerCorrect"] as? Bool == true
    }
}
