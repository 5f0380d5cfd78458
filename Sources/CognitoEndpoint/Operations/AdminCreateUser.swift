import JSON

/// `AdminCreateUser`, as its API Reference page describes it: "if the user has a password", the account is in
/// FORCE_CHANGE_PASSWORD "until they sign in and set their password"; a password is made when none is given "unless you
/// have passwordless options active for your user pool", so with `EMAIL_OTP` or `SMS_OTP` among its first factors an
/// account made without `TemporaryPassword` has none and is CONFIRMED, and needs an email or phone number to sign in
/// with. `TemporaryPassword` must meet the pool's policy. `MessageAction` `SUPPRESS` sends nothing; `RESEND`
/// "resend[s] the invitation message to a user that already exists" in FORCE_CHANGE_PASSWORD. No invitation is ever
/// sent from here (the endpoint sends only what the triggers send), so the three differ only in what they refuse.
/// An administrator may set `email_verified` and `phone_number_verified`; a malformed email or phone number is
/// `InvalidParameterException` as at SignUp.
///
/// Input: `UserPoolId`, `Username`, `UserAttributes`, `TemporaryPassword`, `MessageAction`; `ValidationData`,
/// `ForceAliasCreation`, `DesiredDeliveryMediums` and `ClientMetadata` are accepted and unused. Output: `User`.
enum AdminCreateUser: CognitoOperation {
    static let name = "AdminCreateUser"
    static let needsCredentials = true
    static let input = InputShape(
        [
            "UserPoolId": .poolID, "Username": .username, "UserAttributes": .attributes, "ValidationData": .attributes,
            "TemporaryPassword": .password, "ForceAliasCreation": .boolean, "MessageAction": .oneOf(["RESEND", "SUPPRESS"]),
            "ClientMetadata": .stringMap,
        ], required: ["UserPoolId", "Username"])

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        if let password = input["TemporaryPassword"]?.string, !password.isEmpty { try PasswordPolicy.check(password) }
        if input["MessageAction"]?.string == "RESEND" {
            let user = try pool.user(input)
            guard user.status == "FORCE_CHANGE_PASSWORD" else {
                throw CognitoError(
                    "UnsupportedUserStateException", "Resend not possible. \(user.userName) status is not FORCE_CHANGE_PASSWORD.")
            }
            return ["User": user.apiDescription(userNameKey: "Username", attributesKey: "Attributes")]
        }
        let typed = try pool.required(input, "Username")
        let attributes = try pool.attributes(input, "UserAttributes")
        try pool.checkSignInName(typed)
        try AttributeFormat.check(attributes)
        let passwordless = pool.options.passwordless && (input["TemporaryPassword"]?.string ?? "").isEmpty
        if passwordless, !pool.pool.signInWithDestination, attributes["email"] == nil, attributes["phone_number"] == nil {
            throw .invalidParameter("A user without a password needs an email address or a phone number to sign in with.")
        }
        let created = try pool.pool.create(
            typedName: typed, attributes: attributes, status: passwordless ? "CONFIRMED" : "FORCE_CHANGE_PASSWORD", now: pool.now / 1000)
        return ["User": created.apiDescription(userNameKey: "Username", attributesKey: "Attributes")]
    }
}
