import LambdaRuntime
import PasswordlessAWS
import PasswordlessAuth
import PasswordlessTriggers
import Settings

VerifyHandler.main { settings, _ in
    // Only first-sign-in marks destinations verified; only with RATE_LIMIT_TABLE are verified SMS codes counted.
    let marks = try VerifiedRequirement.read(settings) == .firstSignIn
    let policy = try SendLimitPolicy(settings)
    // No closure in here: one passed to the standard library's `map` gets a run-time main-actor check, which links
    // Swift Concurrency and Dispatch (bench/README.md).
    var limits: DynamoDBLimitStore?
    if settings.trimmed("RATE_LIMIT_TABLE") != nil {
        // The same item keys as create's, so under Lambda HASH_KEY is required here too.
        let hashKey = try PasswordlessConfiguration.readHashKey(settings)
        if RuntimeAPI.address(settings) != nil { try PasswordlessConfiguration.requireHashKey(hashKey) }
        limits = try DynamoDBLimitStore(settings, hashKey: hashKey)
    }
    return VerifyHandler(marker: marks ? try CognitoVerificationMarker(settings) : nil, limits: limits, policy: policy)
}
