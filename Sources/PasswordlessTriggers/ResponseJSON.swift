import JSON
import PasswordlessAuth

/// Writes a trigger's response object. The responses are a few fixed members, so they are written directly,
/// with sorted keys, instead of going through an encoder on every invocation.
protocol ResponseJSON {
    /// The response as a JSON object.
    var json: String { get }
}

private func member(_ name: String, _ value: String?) -> String {
    "\"\(name)\":" + (value.map(JSONValue.quoted) ?? "null")
}

private func member(_ name: String, _ value: Bool?) -> String {
    "\"\(name)\":" + (value.map { $0 ? "true" : "false" } ?? "null")
}

private func member(_ name: String, _ value: [String: String]?) -> String {
    guard let value else { return "\"\(name)\":null" }
    let members = value.sorted { $0.key < $1.key }.map { "\(JSONValue.quoted($0.key)):\(JSONValue.quoted($0.value))" }
    return "\"\(name)\":{" + members.joined(separator: ",") + "}"
}

extension DefineAuthChallengeResponse: ResponseJSON {
    var json: String {
        "{"
            + [
                member("challengeName", challengeName), member("failAuthentication", failAuthentication),
                member("issueTokens", issueTokens),
            ].joined(separator: ",") + "}"
    }
}

extension CreateAuthChallengeResponse: ResponseJSON {
    var json: String {
        "{"
            + [
                member("challengeMetadata", challengeMetadata),
                member("privateChallengeParameters", privateChallengeParameters),
                member("publicChallengeParameters", publicChallengeParameters),
            ].joined(separator: ",") + "}"
    }
}

extension VerifyAuthChallengeResponse: ResponseJSON {
    var json: String { "{" + member("answerCorrect", answerCorrect) + "}" }
}

extension PreSignUpResponse: ResponseJSON {
    var json: String {
        "{"
            + [
                member("autoConfirmUser", autoConfirmUser), member("autoVerifyEmail", autoVerifyEmail),
                member("autoVerifyPhone", autoVerifyPhone),
            ].joined(separator: ",") + "}"
    }
}
