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
        // C libraries: OpenSSL's libcrypto (libssl-dev) and libcurl (libcurl4-openssl-dev).
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // The Lambda Runtime API client, run loop, local invocation and JSON logging.
        .target(name: "LambdaRuntime"),
        // SigV4 (pure), credentials, and OpenSSL's SHA-256, HMAC and random bytes.
        .target(name: "AWSSigning", dependencies: ["CCrypto"]),
        // SNS Publish and SES v2 SendEmail over libcurl, with retries inside the deadline.
        .target(name: "AWSMessaging", dependencies: ["AWSSigning", "CCurl"]),
        // The passwordless rules: event models, decisions, codes, masking, configuration. No I/O.
        .target(name: "PasswordlessAuth"),
        // The three triggers wired together: handlers, console delivery, start-up, the local sign-in.
        .target(name: "PasswordlessTriggers", dependencies: ["LambdaRuntime", "PasswordlessAuth"]),
        // What only create needs: OpenSSL's randomness and AWS delivery. define and verify link none of it.
        .target(
            name: "PasswordlessDelivery",
            dependencies: ["PasswordlessTriggers", "LambdaRuntime", "PasswordlessAuth", "AWSSigning", "AWSMessaging"]
        ),

        .executableTarget(name: "define-auth-challenge", dependencies: ["PasswordlessTriggers"]),
        .executableTarget(name: "create-auth-challenge", dependencies: ["PasswordlessDelivery", "PasswordlessTriggers"]),
        .executableTarget(name: "verify-auth-challenge", dependencies: ["PasswordlessTriggers"]),
        .executableTarget(name: "passwordless-local", dependencies: ["PasswordlessDelivery"]),

        // A Runtime API on 127.0.0.1 that the runtime and trigger tests run against.
        .target(name: "RuntimeAPIMock", path: "Tests/RuntimeAPIMock"),
        .testTarget(name: "LambdaRuntimeTests", dependencies: ["LambdaRuntime", "RuntimeAPIMock"]),
        .testTarget(name: "AWSSigningTests", dependencies: ["AWSSigning"]),
        // moto's server and a fault-injecting proxy on 127.0.0.1, started by the AWS and sign-in tests.
        .target(name: "MotoSupport", dependencies: ["AWSMessaging"], path: "Tests/MotoSupport", exclude: ["moto_harness.py"]),
        .testTarget(name: "AWSMessagingTests", dependencies: ["AWSMessaging", "AWSSigning", "MotoSupport"]),
        .testTarget(name: "PasswordlessAuthTests", dependencies: ["PasswordlessAuth"]),
        .testTarget(
            name: "PasswordlessTriggersTests",
            dependencies: [
                "PasswordlessTriggers", "PasswordlessDelivery", "LambdaRuntime", "PasswordlessAuth", "RuntimeAPIMock", "MotoSupport",
                // The executables themselves, so `swift test` builds them for the tests that run them.
                "define-auth-challenge", "create-auth-challenge", "verify-auth-challenge", "passwordless-local",
            ]),
    ]
)
