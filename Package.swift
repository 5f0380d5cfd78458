// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "swift-cognito-passwordless",
    products: [
        .executable(name: "define-auth-challenge", targets: ["define-auth-challenge"]),
        .executable(name: "create-auth-challenge", targets: ["create-auth-challenge"]),
        .executable(name: "verify-auth-challenge", targets: ["verify-auth-challenge"]),
        .executable(name: "passwordless-local", targets: ["passwordless-local"]),
    ],
    targets: [
        // C libraries from Debian's libssl-dev.
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto"),

        // The Lambda Runtime API client, run loop, local invocation and JSON logging.
        .target(name: "LambdaRuntime"),
        // The passwordless rules: event models, decisions, codes, masking, configuration. No I/O.
        .target(name: "PasswordlessAuth"),
        // The three triggers wired together: handlers, delivery, start-up.
        .target(
            name: "PasswordlessTriggers",
            dependencies: ["LambdaRuntime", "PasswordlessAuth", "CCrypto"]
        ),

        .executableTarget(name: "define-auth-challenge", dependencies: ["PasswordlessTriggers"]),
        .executableTarget(name: "create-auth-challenge", dependencies: ["PasswordlessTriggers"]),
        .executableTarget(name: "verify-auth-challenge", dependencies: ["PasswordlessTriggers"]),
        .executableTarget(name: "passwordless-local", dependencies: ["PasswordlessTriggers"]),

        // A Runtime API on 127.0.0.1 that the runtime and trigger tests run against.
        .target(name: "RuntimeAPIMock", path: "Tests/RuntimeAPIMock"),
        .testTarget(name: "LambdaRuntimeTests", dependencies: ["LambdaRuntime", "RuntimeAPIMock"]),
        .testTarget(name: "PasswordlessAuthTests", dependencies: ["PasswordlessAuth"]),
        .testTarget(name: "PasswordlessTriggersTests", dependencies: ["PasswordlessTriggers", "LambdaRuntime", "PasswordlessAuth", "RuntimeAPIMock"]),
    ]
)
