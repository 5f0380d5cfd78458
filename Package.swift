// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "swift-cognito-passwordless",
    // Synchronization's Mutex and Atomic (Platform's descriptor owners, the endpoint), which macOS has from 15; iOS for
    // the PasswordlessClient library alone (URLSession's async calls).
    platforms: [.macOS(.v15), .iOS(.v16)],
    products: [
        .executable(name: "define-auth-challenge", targets: ["define-auth-challenge"]),
        .executable(name: "create-auth-challenge", targets: ["create-auth-challenge"]),
        .executable(name: "verify-auth-challenge", targets: ["verify-auth-challenge"]),
        .executable(name: "pre-sign-up", targets: ["pre-sign-up"]),
        .executable(name: "passwordless-local", targets: ["passwordless-local"]),
        .executable(name: "passwordless-endpoint", targets: ["passwordless-endpoint"]),
        .executable(name: "local-lambda", targets: ["local-lambda"]),
        // For apps: passwordless sign-up, sign-in, tokens and sign-out, over the toolchain's Foundation alone.
        .library(name: "PasswordlessClient", targets: ["PasswordlessClient"]),
        .executable(name: "passwordless-demo", targets: ["passwordless-demo"]),
    ],
    targets: [
        // C headers: OpenSSL's libcrypto (libssl-dev), libcurl (libcurl4-openssl-dev), and glibc's getrandom(2).
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CKernelRandom", path: "Sources/CKernelRandom"),
        // accept4(2) and pipe2(2), which Swift's Glibc module does not show: descriptors closed on exec from the start;
        // and the arguments as glibc hands them to constructors, for the static runtime (arguments.c).
        .target(name: "CPlatform"),
        // The C that ships with what sends: how libcurl and OpenSSL start, the CA bundle read one certificate at a
        // time, and OpenSSL's default provider narrowed to what HTTPS to AWS uses (in the static Lambda build).
        .target(name: "CCurlSupport", dependencies: ["CCurl"]),

        // The few system calls (sockets, files, processes, threads, time, randomness, environment): all of them in
        // System.swift, the one file with the Darwin, Glibc and Musl branches; descriptors owned by non-copyable values.
        .target(name: "Platform", dependencies: ["CKernelRandom", "CPlatform"]),
        // JSON: one reader (RFC 8259, bounded), one writer with the one string escaper, and the bridges between
        // JSON values and Codable models. No dependencies, no Foundation.
        .target(name: "JSON"),
        // One reader for environment variables and one error that names the variable.
        .target(name: "Settings", dependencies: ["Platform"]),
        // HTTP/1.1 on blocking sockets: messages, Content-Length and chunked bodies, limits and timeouts, a small
        // server and a kept-alive client connection. No API's error format.
        .target(name: "HTTP1", dependencies: ["Platform"]),
        // The Lambda Runtime API client, run loop, local invocation and JSON logs and metrics. Knows no Cognito.
        .target(name: "LambdaRuntime", dependencies: ["Platform", "Settings", "HTTP1", "JSON"]),
        // SigV4 (pure), credentials and region from the settings, OpenSSL's SHA-256 and HMAC.
        .target(name: "AWSSigning", dependencies: ["Platform", "Settings", "CCrypto"]),
        // The signed connection to AWS over libcurl: transport, request executor, retries within the deadline,
        // endpoints, and the one error type of an AWS call.
        .target(name: "AWSHTTP", dependencies: ["Platform", "Settings", "AWSSigning", "CCurl", "CCurlSupport"]),
        // The service clients over AWSHTTP: SNS Publish, SES v2 SendEmail, DynamoDB counters, Cognito's admin update.
        .target(name: "AWSClients", dependencies: ["Settings", "AWSSigning", "AWSHTTP", "JSON"]),
        // The passwordless rules: event models, decisions, codes, masking, configuration. No I/O.
        .target(name: "PasswordlessAuth", dependencies: ["Settings"]),
        // The four handlers, console delivery, kernel randomness and the answer splice. No libcurl, no libcrypto.
        .target(
            name: "PasswordlessTriggers", dependencies: ["Platform", "Settings", "JSON", "LambdaRuntime", "PasswordlessAuth"]),
        // The rules' AWS parts: codes sent through SNS and SES, the shared limits in DynamoDB, destinations marked
        // verified in Cognito. The only module that brings libcurl and libcrypto to a trigger.
        .target(
            name: "PasswordlessAWS",
            dependencies: [
                "Settings", "LambdaRuntime", "PasswordlessAuth", "PasswordlessTriggers", "AWSSigning", "AWSHTTP", "AWSClients",
            ]),

        // Cognito's part in a custom-auth sign-in and a sign-up, over the typed events, shared by passwordless-local and
        // the endpoint; who runs the triggers is theirs (in process, or the functions' own processes).
        .target(name: "SignInDriver", dependencies: ["PasswordlessAuth", "JSON"]),

        .executableTarget(name: "define-auth-challenge", dependencies: ["PasswordlessAuth", "PasswordlessTriggers"]),
        .executableTarget(
            name: "create-auth-challenge", dependencies: ["PasswordlessAuth", "PasswordlessTriggers", "PasswordlessAWS"]),
        .executableTarget(
            name: "verify-auth-challenge",
            dependencies: ["Settings", "LambdaRuntime", "PasswordlessAuth", "PasswordlessTriggers", "PasswordlessAWS"]),
        .executableTarget(name: "pre-sign-up", dependencies: ["PasswordlessAuth", "PasswordlessTriggers"]),
        // The whole sign-in on this machine, codes on the console; builds with nothing but a Swift toolchain.
        .executableTarget(
            name: "passwordless-local",
            dependencies: ["Platform", "Settings", "LambdaRuntime", "PasswordlessAuth", "PasswordlessTriggers", "SignInDriver", "JSON"]),

        // RS256 for the endpoint's tokens: key generation, the key file, signatures (OpenSSL's libcrypto).
        .target(name: "CTokenKeys", dependencies: ["CCrypto"]),
        // Cognito's JSON API on loopback in front of the real trigger executables, with RS256 tokens (libcrypto).
        .target(
            name: "CognitoEndpoint",
            dependencies: [
                "Platform", "Settings", "HTTP1", "JSON", "LocalLambda", "CCrypto", "CTokenKeys", "PasswordlessAuth", "SignInDriver",
            ]),
        .executableTarget(name: "passwordless-endpoint", dependencies: ["CognitoEndpoint", "Platform"]),
        // The Lambda service on this machine: functions' processes, each polling a Runtime API served here, their
        // pool, timeouts, exits and init errors, on LambdaRuntime's definitions of the API.
        .target(name: "LocalLambda", dependencies: ["Platform", "HTTP1", "JSON", "LambdaRuntime"]),
        // Runs a function under LocalLambda with sample events and reports what it measured, as one JSON document.
        .executableTarget(name: "local-lambda", dependencies: ["LocalLambda", "Platform"]),

        // The app side: Cognito's public API over URLSession (FoundationNetworking on Linux), both flows, the tokens
        // behind a store. Imports no module of this package: apps depend on it alone.
        .target(name: "PasswordlessClient"),
        // The example command-line app: signs up, in and out through PasswordlessClient, as an app would.
        .executableTarget(name: "passwordless-demo", dependencies: ["PasswordlessClient"]),
        // bench/client-cpu's Swift side: warm sign-ins through PasswordlessClient, and its own CPU per sign-in.
        .executableTarget(name: "passwordless-client-bench", dependencies: ["PasswordlessClient"], path: "bench/client-bench"),

        // What several test targets share: seeded randomness, clocks, a log sink, the sample events, and a
        // Runtime API on 127.0.0.1.
        .target(
            name: "TestSupport", dependencies: ["Platform", "HTTP1", "LambdaRuntime", "PasswordlessAuth", "PasswordlessTriggers"],
            path: "Tests/TestSupport"),
        // moto's server, a fault-injecting proxy and a TLS relay on 127.0.0.1, for the AWS tests.
        .target(
            name: "MotoSupport", dependencies: ["Platform", "AWSHTTP", "AWSClients", "LambdaRuntime", "Settings", "TestSupport"],
            path: "Tests/MotoSupport",
            exclude: ["moto_harness.py"]),

        .testTarget(name: "PlatformTests", dependencies: ["Platform"]),
        // JSONTestSuite's parsing cases, Foundation's JSONDecoder as a reference, the bounds and the escaper.
        .testTarget(name: "JSONTests", dependencies: ["JSON", "TestSupport"]),
        .testTarget(name: "HTTP1Tests", dependencies: ["HTTP1", "Platform"]),
        // LocalLambda and the local-lambda executable against a fake runtime.
        .testTarget(
            name: "LocalLambdaTests", dependencies: ["LocalLambda", "Platform", "TestSupport", "local-lambda"],
            exclude: ["fake_runtime.py"]),
        .testTarget(name: "SettingsTests", dependencies: ["Settings", "TestSupport"]),
        .testTarget(name: "LambdaRuntimeTests", dependencies: ["Platform", "LambdaRuntime", "TestSupport"]),
        .testTarget(name: "AWSSigningTests", dependencies: ["AWSSigning", "TestSupport"]),
        .testTarget(name: "AWSClientsTests", dependencies: ["AWSHTTP", "AWSClients", "AWSSigning", "MotoSupport", "TestSupport"]),
        .testTarget(name: "PasswordlessAuthTests", dependencies: ["PasswordlessAuth", "TestSupport"]),
        .testTarget(
            name: "PasswordlessTriggersTests",
            dependencies: ["PasswordlessTriggers", "LambdaRuntime", "PasswordlessAuth", "TestSupport"]),
        .testTarget(
            name: "PasswordlessAWSTests",
            dependencies: ["Platform", "PasswordlessAWS", "PasswordlessTriggers", "MotoSupport", "TestSupport", "passwordless-local"]),
        // The endpoint and its tokens; the built endpoint and functions driven by boto3, the AWS CLI and PyJWT.
        .testTarget(
            name: "EndpointTests",
            dependencies: [
                "CognitoEndpoint", "JSON", "TestSupport", "passwordless-endpoint", "define-auth-challenge", "create-auth-challenge",
                "verify-auth-challenge", "pre-sign-up",
            ],
            exclude: ["client_test.py", "failing_function.py", "essentials-pool.yaml", "sdk-go-v1", "sdk-go-v2"]),
        // The sign-in driver through passwordless-local's in-process runner and the endpoint's functions.
        .testTarget(
            name: "SignInDriverTests",
            dependencies: [
                "SignInDriver", "JSON", "PasswordlessAuth", "LambdaRuntime", "CognitoEndpoint", "TestSupport", "passwordless-local",
            ]),
        // PasswordlessClient's public API against the built endpoint and functions, both flows; the demo app run.
        .testTarget(
            name: "PasswordlessClientTests",
            dependencies: [
                "PasswordlessClient", "TestSupport", "passwordless-endpoint", "define-auth-challenge", "create-auth-challenge",
                "verify-auth-challenge", "pre-sign-up", "passwordless-demo",
            ]),
        // Spawned executables against the mock Runtime API and moto, the fuzz test, the local sign-in.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "TestSupport", "MotoSupport", "LambdaRuntime", "PasswordlessAuth", "PasswordlessTriggers",
                // The executables themselves, so `swift test` builds them for the tests that run them.
                "define-auth-challenge", "create-auth-challenge", "verify-auth-challenge", "pre-sign-up", "passwordless-local",
            ]),
    ]
)
