import Platform

/// What an app client may do, as its template declares it (or as the endpoint had it fixed before templates).
struct AppClientSettings: Sendable, Equatable {
    /// The logical ID in the template, for messages.
    var name: String
    /// `ExplicitAuthFlows` without `ALLOW_`: `CUSTOM_AUTH`, `USER_AUTH`, `REFRESH_TOKEN_AUTH`.
    var flows: Set<String>
    var writeAttributes: Set<String>
    /// nil: every attribute (a client without `ReadAttributes`).
    var readAttributes: Set<String>?
}

/// The user pool, app clients and trigger functions a template declares, checked against what the endpoint honours:
/// anything it would deploy that the endpoint cannot do is refused by name.
struct PoolTemplate {
    var signInWithDestination: Bool
    var allowAdminCreateUserOnly: Bool
    var sessionMinutes: Int
    /// `UserPoolTier`, `Policies.SignInPolicy.AllowedFirstAuthFactors` and the texts of their codes.
    var tier: String
    var firstFactors: Set<String>
    var otpMessages: OneTimePasswordMessages
    var signIn: AppClientSettings
    var signUp: AppClientSettings?
    /// The trigger functions wired to the pool, each with its environment (`Globals` merged, values resolved).
    var functions: [Triggers.Kind: [String: String]]

    /// The local stack's ID: the part after the last slash is the state's own key, so `!Select [2, !Split ["/", !Ref
    /// AWS::StackId]]` gives the same key on every start.
    static func pseudoParameters(stackKey: String) -> [String: String] {
        [
            "AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": "passwordless-local",
            "AWS::StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/passwordless-local/" + stackKey,
        ]
    }

    /// Reads the template at `path` with `--parameter` overrides.
    static func load(path: String, overrides: [String], stackKey: String) throws(EndpointError) -> PoolTemplate {
        let bytes: [UInt8]
        switch FileIO.readAll(path: path) {
        case .success(let read): bytes = read
        case .failure(let error): throw .template("cannot read \(path): \(error)")
        }
        let template: CloudFormationTemplate
        do {
            template = try CloudFormationTemplate(
                text: String(decoding: bytes, as: UTF8.self), overrides: overrides, pseudo: pseudoParameters(stackKey: stackKey))
        } catch {
            throw .template("\(path): \(error)")
        }
        do {
            return try PoolTemplate(template)
        } catch {
            throw .template("\(path): \(error)")
        }
    }

    // Properties that mean nothing to a pool on loopback (names, tags, recovery by an administrator, where AWS sends
    // mail): read past. Anything not here and not read below is refused.
    static let poolIgnored: Set = [
        "UserPoolName", "UserPoolTags", "DeletionProtection", "AccountRecoverySetting", "EmailConfiguration",
    ]
    /// `UserPoolTierType`'s values.
    static let tiers: Set = ["LITE", "ESSENTIALS", "PLUS"]
    /// The `AuthFactorType` values the endpoint honours: no passkeys (`WEB_AUTHN`); `PASSWORD` is accepted, as Cognito
    /// wants it among the first factors, and never offered (no password is kept).
    static let firstFactors: Set = ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]
    static let clientIgnored: Set = ["UserPoolId", "ClientName", "EnablePropagateAdditionalUserContextData"]
    static let functionIgnored: Set = [
        "Description", "Runtime", "Handler", "CodeUri", "Architectures", "MemorySize", "Policies", "Events", "FunctionName", "Tags",
        "Role", "Timeout", "LoggingConfig", "Environment",
    ]

    init(_ template: CloudFormationTemplate) throws(EndpointError) {
        let resources = template.resources
        let pools = resources.filter { $0.value["Type"]?.string == "AWS::Cognito::UserPool" }
        guard pools.count == 1, let (poolName, poolResource) = pools.first else {
            throw .template("the endpoint is one user pool: the template declares \(pools.count) (AWS::Cognito::UserPool)")
        }
        for (name, resource) in resources {
            let type = resource["Type"]?.string ?? ""
            if type.hasPrefix("AWS::Cognito::") && !["AWS::Cognito::UserPool", "AWS::Cognito::UserPoolClient"].contains(type) {
                throw .template("\(name): \(type) is not part of the local pool")
            }
        }
        let pool = try Self.properties(template, poolName, poolResource)
        try Self.refuseUnknown(pool, of: poolName, read: Self.poolRead, ignored: Self.poolIgnored)

        // UsernameAttributes: email and phone_number together, or none (user names).
        let usernameAttributes = Set((pool["UsernameAttributes"]?.list ?? []).compactMap(\.string))
        switch usernameAttributes {
        case ["email", "phone_number"]: signInWithDestination = true
        case []: signInWithDestination = false
        default:
            throw .template(
                "\(poolName) UsernameAttributes [\(usernameAttributes.sorted().joined(separator: ", "))]: the endpoint signs in by email"
                    + " and phone number together, or by user name (SignInWith=email-or-phone)")
        }
        if let aliases = pool["AliasAttributes"]?.list, !aliases.isEmpty {
            throw .template("\(poolName) AliasAttributes: the endpoint has no alias sign-in (UsernameAttributes instead)")
        }
        // Emails are matched without case and generated user names are lower case: the endpoint is case-insensitive
        // with destination sign-in, and exact with user names.
        let caseSensitive = pool["UsernameConfiguration"]?["CaseSensitive"]?.string.map { $0 == "true" } ?? true
        try Self.refuseUnknown(pool["UsernameConfiguration"]?.map ?? [:], of: poolName + " UsernameConfiguration", read: ["CaseSensitive"])
        guard caseSensitive != signInWithDestination else {
            throw .template(
                "\(poolName) UsernameConfiguration.CaseSensitive \(caseSensitive): the endpoint matches "
                    + (signInWithDestination ? "emails without case" : "user names exactly"))
        }
        let adminConfig = pool["AdminCreateUserConfig"]?.map ?? [:]
        try Self.refuseUnknown(adminConfig, of: poolName + " AdminCreateUserConfig", read: ["AllowAdminCreateUserOnly"])
        allowAdminCreateUserOnly = adminConfig["AllowAdminCreateUserOnly"]?.string == "true"
        let updates = pool["UserAttributeUpdateSettings"]?["AttributesRequireVerificationBeforeUpdate"]?.list ?? []
        guard updates.isEmpty else {
            throw .template(
                "\(poolName) UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate: the endpoint sends no verification"
                    + " codes for attribute updates")
        }
        for (member, allowed) in [("MfaConfiguration", "OFF")] where pool[member] != nil && pool[member]?.string != allowed {
            throw .template("\(poolName) \(member): only \(allowed) locally")
        }
        for member in ["Schema", "AutoVerifiedAttributes"] where !(pool[member]?.list ?? []).isEmpty {
            throw .template("\(poolName) \(member): not read by the endpoint (standard attributes only, nothing verified by message)")
        }
        (tier, firstFactors, otpMessages) = try Self.signInPolicy(pool, poolName)

        // App clients of this pool: the one with CUSTOM_AUTH or USER_AUTH signs in; at most one other (sign-up) issues
        // no tokens.
        var signIn: AppClientSettings?
        var signUp: AppClientSettings?
        var sessionMinutes = 3
        for (name, resource) in resources.sorted(by: { $0.key < $1.key }) where resource["Type"]?.string == "AWS::Cognito::UserPoolClient" {
            let client = try Self.properties(template, name, resource)
            guard client["UserPoolId"]?.string == poolName else { throw .template("\(name): an app client of another pool") }
            let (settings, minutes) = try Self.client(name, client, tier: tier, firstFactors: firstFactors)
            if !settings.flows.isDisjoint(with: ["CUSTOM_AUTH", "USER_AUTH"]) {
                guard signIn == nil else {
                    throw .template("\(name): a second app client with ALLOW_CUSTOM_AUTH or ALLOW_USER_AUTH (the endpoint has one)")
                }
                signIn = settings
                sessionMinutes = minutes
            } else {
                guard signUp == nil else {
                    throw .template("\(name): a second app client without ALLOW_CUSTOM_AUTH or ALLOW_USER_AUTH (the endpoint has one)")
                }
                signUp = settings
            }
        }
        guard let signIn else { throw .template("no app client with ALLOW_CUSTOM_AUTH or ALLOW_USER_AUTH: nobody could sign in") }
        self.signIn = signIn
        self.signUp = signUp
        self.sessionMinutes = sessionMinutes
        // Define, create and verify are custom auth's: a pool whose sign-in client has only USER_AUTH needs none.
        functions = try Self.triggers(
            template, resources, poolName: poolName, lambdaConfig: pool["LambdaConfig"]?.map ?? [:],
            customAuth: signIn.flows.contains("CUSTOM_AUTH"))
    }

    /// `UserPoolTier` (Cognito's default `ESSENTIALS`), `Policies.SignInPolicy.AllowedFirstAuthFactors` (default
    /// `PASSWORD`), which needs the Essentials tier or higher, and the messages one-time passwords are sent in.
    static func signInPolicy(
        _ pool: [String: YAMLNode], _ poolName: String
    ) throws(EndpointError) -> (String, Set<String>, OneTimePasswordMessages) {
        let tier = pool["UserPoolTier"]?.string ?? "ESSENTIALS"
        guard tiers.contains(tier) else { throw .template("\(poolName) UserPoolTier \(tier): LITE, ESSENTIALS or PLUS") }
        let policies = pool["Policies"]?.map ?? [:]
        try refuseUnknown(policies, of: poolName + " Policies", read: ["SignInPolicy"])
        var factors: Set = ["PASSWORD"]
        if let policy = policies["SignInPolicy"] {
            try refuseUnknown(policy.map ?? [:], of: poolName + " Policies.SignInPolicy", read: ["AllowedFirstAuthFactors"])
            guard tier != "LITE" else {
                throw .template("\(poolName) Policies.SignInPolicy: needs UserPoolTier ESSENTIALS or PLUS (the pool is LITE)")
            }
            let listed = (policy["AllowedFirstAuthFactors"]?.list ?? []).compactMap(\.string)
            if let other = listed.first(where: { !firstFactors.contains($0) }) {
                throw .template(
                    "\(poolName) Policies.SignInPolicy.AllowedFirstAuthFactors \(other): the endpoint has PASSWORD, EMAIL_OTP and SMS_OTP"
                        + (other == "WEB_AUTHN" ? " (no passkeys here)" : ""))
            }
            if !listed.isEmpty { factors = Set(listed) }
        }
        var messages = OneTimePasswordMessages()
        for (member, path) in [
            ("EmailAuthenticationMessage", \OneTimePasswordMessages.email), ("SmsAuthenticationMessage", \OneTimePasswordMessages.sms),
        ] {
            guard let text = pool[member]?.string else { continue }
            guard text.contains("{####}") else { throw .template("\(poolName) \(member): must contain {####}, where the code goes") }
            messages[keyPath: path] = text
        }
        if let subject = pool["EmailAuthenticationSubject"]?.string { messages.emailSubject = subject }
        return (tier, factors, messages)
    }

    static let poolRead: Set = [
        "UsernameAttributes", "AliasAttributes", "UsernameConfiguration", "AdminCreateUserConfig", "UserAttributeUpdateSettings",
        "LambdaConfig", "MfaConfiguration", "Schema", "AutoVerifiedAttributes", "UserPoolTier", "Policies", "EmailAuthenticationMessage",
        "EmailAuthenticationSubject", "SmsAuthenticationMessage",
    ]
    static let clientRead: Set = [
        "ExplicitAuthFlows", "PreventUserExistenceErrors", "AuthSessionValidity", "ReadAttributes", "WriteAttributes", "GenerateSecret",
        "AccessTokenValidity", "IdTokenValidity", "RefreshTokenValidity", "TokenValidityUnits", "EnableTokenRevocation",
        "AllowedOAuthFlowsUserPoolClient",
    ]

    /// A resource's `Properties`, resolved.
    static func properties(
        _ template: CloudFormationTemplate, _ name: String, _ resource: [String: YAMLNode]
    ) throws(EndpointError)
        -> [String: YAMLNode]
    {
        guard let properties = try template.resolve(resource["Properties"] ?? .mapping([:]), name)?.map else {
            throw .template("\(name): Properties is not a mapping")
        }
        return properties
    }

    static func refuseUnknown(
        _ map: [String: YAMLNode], of owner: String, read: Set<String>, ignored: Set<String> = []
    ) throws(EndpointError) {
        if let unknown = map.keys.sorted().first(where: { !read.contains($0) && !ignored.contains($0) }) {
            throw .template("\(owner) \(unknown): not honoured by the endpoint")
        }
    }

    /// One app client's settings and its `AuthSessionValidity`, or the setting it cannot honour.
    static func client(
        _ name: String, _ client: [String: YAMLNode], tier: String = "ESSENTIALS", firstFactors: Set<String> = ["PASSWORD"]
    ) throws(EndpointError) -> (AppClientSettings, Int) {
        try refuseUnknown(client, of: name, read: clientRead, ignored: clientIgnored)
        // Without ExplicitAuthFlows Cognito allows SRP, custom auth and refresh; the endpoint has no SRP.
        guard let flows = client["ExplicitAuthFlows"]?.list?.compactMap(\.string) else {
            throw .template(
                "\(name) ExplicitAuthFlows: give them (left out, Cognito allows ALLOW_USER_SRP_AUTH, which the endpoint has not)")
        }
        if let other = flows.first(where: { !["ALLOW_CUSTOM_AUTH", "ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"].contains($0) }) {
            throw .template(
                "\(name) ExplicitAuthFlows \(other): the endpoint has ALLOW_CUSTOM_AUTH, ALLOW_USER_AUTH and ALLOW_REFRESH_TOKEN_AUTH only")
        }
        if flows.contains("ALLOW_USER_AUTH") {
            guard tier != "LITE" else {
                throw .template("\(name) ExplicitAuthFlows ALLOW_USER_AUTH: needs UserPoolTier ESSENTIALS or PLUS")
            }
            // No password is kept here: choice-based sign-in needs a one-time password to offer.
            guard !firstFactors.isDisjoint(with: UserPoolServices.passwordlessFactors) else {
                throw .template(
                    "\(name) ExplicitAuthFlows ALLOW_USER_AUTH: the pool's AllowedFirstAuthFactors need EMAIL_OTP or SMS_OTP"
                        + " (the endpoint signs in with no password)")
            }
        }
        // Left out, CloudFormation's default is LEGACY, which the endpoint does not imitate.
        guard client["PreventUserExistenceErrors"]?.string == "ENABLED" else {
            throw .template(
                "\(name) PreventUserExistenceErrors \(client["PreventUserExistenceErrors"]?.string ?? "(LEGACY)"): the endpoint answers as ENABLED"
            )
        }
        let minutes = Int(client["AuthSessionValidity"]?.string ?? "3") ?? 0
        guard (3...15).contains(minutes) else { throw .template("\(name) AuthSessionValidity must be 3-15 minutes") }
        if client["GenerateSecret"]?.string == "true" { throw .template("\(name) GenerateSecret: the endpoint has no client secrets") }
        if client["AllowedOAuthFlowsUserPoolClient"]?.string == "true" {
            throw .template("\(name) AllowedOAuthFlowsUserPoolClient: no OAuth")
        }
        if client["EnableTokenRevocation"]?.string == "false" {
            throw .template("\(name) EnableTokenRevocation false: the endpoint always revokes")
        }
        try tokenValidities(name, client)
        let attributes = { (member: String) -> Set<String>? in client[member]?.list.map { Set($0.compactMap(\.string)) } }
        let settings = AppClientSettings(
            name: name, flows: Set(flows.map { String($0.dropFirst("ALLOW_".count)) }),
            writeAttributes: attributes("WriteAttributes") ?? allWritable, readAttributes: attributes("ReadAttributes"))
        return (settings, minutes)
    }

    /// What a client without `WriteAttributes` may write: the standard attributes, never `sub` or the `_verified` ones.
    static let allWritable: Set = UserPoolServices.profileAttributes.union(["email", "phone_number", "preferred_username", "updated_at"])

    /// The endpoint issues ID and access tokens for an hour and refresh tokens for 30 days (Cognito's defaults):
    /// other validities are refused.
    static func tokenValidities(_ name: String, _ client: [String: YAMLNode]) throws(EndpointError) {
        let units = client["TokenValidityUnits"]?.map ?? [:]
        try refuseUnknown(units, of: name + " TokenValidityUnits", read: ["AccessToken", "IdToken", "RefreshToken"])
        let seconds: [String: Double] = ["seconds": 1, "minutes": 60, "hours": 3600, "days": 86_400]
        for (member, unitKey, defaultUnit, expected) in [
            ("AccessTokenValidity", "AccessToken", "hours", Double(Tokens.lifetime)),
            ("IdTokenValidity", "IdToken", "hours", Double(Tokens.lifetime)),
            ("RefreshTokenValidity", "RefreshToken", "days", Double(UserPoolServices.refreshTokenLifetime)),
        ] {
            let unit = units[unitKey]?.string ?? defaultUnit
            guard let scale = seconds[unit] else { throw .template("\(name) TokenValidityUnits.\(unitKey) \(unit) is not a unit") }
            guard let given = client[member]?.string else { continue }
            guard let value = Double(given), value * scale == expected else {
                throw .template(
                    "\(name) \(member) \(given) \(unit): the endpoint issues these for \(Int(expected)) seconds (Cognito's default)")
            }
        }
    }

    /// The trigger each function is wired as (`LambdaConfig` or the function's `Cognito` event), with its environment.
    static func triggers(
        _ template: CloudFormationTemplate, _ resources: [String: [String: YAMLNode]], poolName: String,
        lambdaConfig: [String: YAMLNode], customAuth: Bool = true
    ) throws(EndpointError) -> [Triggers.Kind: [String: String]] {
        let kinds: [String: Triggers.Kind] = [
            "DefineAuthChallenge": .define, "CreateAuthChallenge": .create, "VerifyAuthChallengeResponse": .verify, "PreSignUp": .preSignUp,
        ]
        var wired: [Triggers.Kind: String] = [:]
        func wire(_ trigger: String, _ function: String, _ owner: String) throws(EndpointError) {
            guard let kind = kinds[trigger] else { throw .template("\(owner): the \(trigger) trigger is not run by the endpoint") }
            guard wired[kind] == nil || wired[kind] == function else { throw .template("\(owner): \(trigger) wired twice") }
            wired[kind] = function
        }
        for (trigger, value) in lambdaConfig {
            let prefix = "arn:aws:lambda:us-east-1:123456789012:function:"
            guard let arn = value.string, arn.hasPrefix(prefix), resources[String(arn.dropFirst(prefix.count))] != nil else {
                throw .template("\(poolName) LambdaConfig.\(trigger): not a function of this template")
            }
            try wire(trigger, String(arn.dropFirst(prefix.count)), poolName + " LambdaConfig")
        }
        let globals = template.root["Globals"]?["Function"]?.map ?? [:]
        var environments: [Triggers.Kind: [String: String]] = [:]
        for (name, resource) in resources.sorted(by: { $0.key < $1.key }) where resource["Type"]?.string == "AWS::Serverless::Function" {
            let function = try properties(template, name, resource)
            for (_, event) in function["Events"]?.map ?? [:] where event["Type"]?.string == "Cognito" {
                guard event["Properties"]?["UserPool"]?.string == poolName, let trigger = event["Properties"]?["Trigger"] else {
                    throw .template("\(name): a Cognito event of another pool")
                }
                for item in trigger.list ?? [trigger] { try wire(item.string ?? "", name, name + " Events") }
            }
        }
        for kind in [Triggers.Kind.define, .create, .verify] where customAuth && wired[kind] == nil {
            throw .template("no function is wired as \(kinds.first { $0.value == kind }!.key): custom auth needs it")
        }
        for (kind, name) in wired {
            guard let resource = resources[name] else { throw .template("\(name) is wired as a trigger but does not exist") }
            let function = try properties(template, name, resource)
            try refuseUnknown(function, of: name, read: [], ignored: functionIgnored)
            let globalTimeout = try template.resolve(globals["Timeout"] ?? .scalar("3"), "Globals")?.string
            if let timeout = function["Timeout"]?.string ?? globalTimeout, (Double(timeout) ?? 0) < 5 {
                throw .template(
                    "\(name) Timeout \(timeout): the endpoint waits Cognito's 5 s for a trigger; a shorter Timeout is not imitated")
            }
            var environment: [String: String] = [:]
            for source in [globals["Environment"], resource["Properties"]?["Environment"]] {
                guard let source, let variables = try template.resolve(source, name)?["Variables"]?.map else { continue }
                for (variable, value) in variables {
                    guard let text = value.string else { throw .template("\(name) Environment \(variable): not a single value") }
                    environment[variable] = text
                }
            }
            // Lambda gives a JSON-logging function its ApplicationLogLevel as AWS_LAMBDA_LOG_LEVEL.
            let logging = (try template.resolve(globals["LoggingConfig"] ?? .mapping([:]), "Globals")?.map ?? [:]).merging(
                function["LoggingConfig"]?.map ?? [:]
            ) { $1 }
            if let level = logging["ApplicationLogLevel"]?.string { environment["AWS_LAMBDA_LOG_LEVEL"] = level }
            environments[kind] = environment
        }
        return environments
    }
}
