import LambdaRuntime
import PasswordlessAWS
import PasswordlessAuth
import PasswordlessTriggers
import Settings

VerifyHandler.main { settings, _ in
    // Only first-sign-in marks destinations verified; only with RATE_LIMIT_TABLE are verified SMS codes counted.
    let marks = try VerifiedRequirement.read(settings) == .firstSignIn
    let policy = try SendLimitPolicy(settings)
    let limits = try settings.trimmed("RATE_LIMIT_TABLE").map { _ in
        // The same item keys as create's, so under Lambda HASH_KEY is required here too.
        let hashKey = try PasswordlessConfiguration.readHashKey(settings)
        if RuntimeAPI.address(settings) != nil { try PasswordlessConfiguration.requireHashKey(hashKey) }
        return try DynamoDBLimitStore(settings, hashKey: hashKey)
    }
    return VerifyHandler(marker: marks ? try CognitoVerificationMarker(settings) : nil, limits: limits, policy: policy)
}
