import Foundation
import PasswordlessClient
import TestSupport

/// A client of `endpoint`'s sign-in and sign-up app clients, its tokens in a file of the endpoint's directory.
func makeClient(
    _ endpoint: LocalEndpoint, flow: PasswordlessConfiguration.Flow = .discover, tokens name: String = "tokens.json",
    _ adjust: (inout PasswordlessConfiguration) -> Void = { _ in }
) -> PasswordlessClient {
    var configuration = PasswordlessConfiguration(
        endpoint: endpoint.url, clientID: "passwordlesslocalclient", signUpClientID: "passwordlesslocalsignup", flow: flow)
    adjust(&configuration)
    return PasswordlessClient(configuration: configuration, tokenStore: FileTokenStore(path: endpoint.work + "/app/" + name))
}

/// The prompt of a code step.
func prompt(_ step: SignInStep) -> CodePrompt? {
    switch step {
    case .enterCode(let prompt), .wrongCode(let prompt): prompt
    default: nil
    }
}

/// A code that is not `code`.
func wrong(_ code: String) -> String { code == "000000" ? "111111" : "000000" }

/// The prompt this project's triggers give with the template's defaults, for SMS.
func smsPrompt(attemptsLeft: Int = 3, resendsLeft: Int = 2, otherChannels: [Channel] = []) -> CodePrompt {
    CodePrompt(
        channel: .sms, destination: "+**********", codeLength: 6, attemptsLeft: attemptsLeft, resendsLeft: resendsLeft,
        otherChannels: otherChannels)
}

/// The same for email.
func emailPrompt(attemptsLeft: Int = 3, resendsLeft: Int = 2, otherChannels: [Channel] = []) -> CodePrompt {
    CodePrompt(
        channel: .email, destination: "***@***", codeLength: 6, attemptsLeft: attemptsLeft, resendsLeft: resendsLeft,
        otherChannels: otherChannels)
}
