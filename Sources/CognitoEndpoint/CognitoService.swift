import JSON
import PasswordlessAuth
import Platform

/// The endpoint's answer to every request: the emulator's own routes (the Host check, CORS, the JWKS) around
/// Cognito's operations, which the router maps.
final class CognitoService: Sendable {
    let services: UserPoolServices
    let router: Router
    let signer: TokenSigner

    init(
        options: UserPoolServices.Options, pool: UserPool, signer: TokenSigner, triggers: Triggers,
        clock: any WallClock = SystemClock(), outbox: Outbox = Outbox(path: nil), random: sending any RandomSource = KernelCodeSource()
    ) {
        services = UserPoolServices(
            options: options, pool: pool, signer: signer, triggers: triggers, clock: clock, outbox: outbox, random: random)
        router = Router(services: services)
        self.signer = signer
    }

    /// Answers one HTTP request, with the headers a browser needs to let a web app read the answer.
    func handle(_ request: HTTPRequest) -> HTTPResponse {
        var response = EmulatorRoutes.hostRefusal(request, services.options) ?? answer(request)
        EmulatorRoutes.addCORSHeaders(&response, requestID: RandomID.uuid())
        if request.method == "OPTIONS" { EmulatorRoutes.addPreflightHeaders(&response) }
        return response
    }

    /// A browser's preflight, the JWKS on GET, Cognito's operations on POST.
    private func answer(_ request: HTTPRequest) -> HTTPResponse {
        switch request.method {
        case "OPTIONS": HTTPResponse(status: 200)
        case "GET": EmulatorRoutes.jwks(request, poolID: services.options.poolID, signer: signer)
        default: router.route(request)
        }
    }
}
