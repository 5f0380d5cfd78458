/// `AdminCreateUser`: a confirmed account, with no invitation sent.
///
/// Input: `UserPoolId`, `Username`, `UserAttributes`. Output: `User`.
enum AdminCreateUser: CognitoOperation {
    static let name = "AdminCreateUser"
    static let needsCredentials = true

    static func perform(_ input: JSONValue, _ pool: UserPoolServices) throws(CognitoError) -> JSONValue {
        let created = try pool.pool.create(
            typedName: try pool.required(input, "Username"), attributes: try pool.attributes(input, "UserAttributes"),
            status: "CONFIRMED", now: pool.now / 1000)
        return ["User": created.apiDescription(userNameKey: "Username", attributesKey: "Attributes")]
    }
}
