import PasswordlessAuth
import SignInDriver

/// The pool's trigger functions, as the sign-in driver runs them: each in its own processes behind a Runtime API.
struct Triggers: TriggerRunner, Sendable {
    /// The trigger executables, by the name they are built under.
    enum Kind: String, CaseIterable, Sendable {
        case define = "define-auth-challenge"
        case create = "create-auth-challenge"
        case verify = "verify-auth-challenge"
        case preSignUp = "pre-sign-up"

        init(_ source: TriggerSource) {
            switch source {
            case .defineAuthChallenge: self = .define
            case .createAuthChallenge: self = .create
            case .verifyAuthChallenge: self = .verify
            case .preSignUp, .preSignUpAdminCreateUser, .preSignUpExternalProvider: self = .preSignUp
            }
        }
    }

    let functions: [Kind: any Invocable]

    func stop() { functions.values.forEach { $0.stop() } }

    /// Invokes the trigger's function; with none (a pool without pre-sign-up), the event comes back as sent.
    func run(_ source: TriggerSource, event: [UInt8]) -> TriggerOutcome {
        guard let function = functions[Kind(source)] else { return .answered(event) }
        switch function.invoke(event) {
        case .response(let bytes): return .answered(bytes)
        case .error(let type, let message): return .failed(type: type, message: message)
        case .timedOut: return .failed(type: "Sandbox.Timedout", message: TriggerSource.timedOutMessage)
        }
    }
}
