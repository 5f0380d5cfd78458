import Foundation

/// The sample Cognito events in the repository's `events/` folder, which are also the tests' fixtures.
package enum SampleEvents {
    /// `<package>/events`, found from this file's place in `Tests/TestSupport`.
    package static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Tests/TestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // <package>
        .appendingPathComponent("events")

    /// The file of an event, named with or without `.json`.
    package static func url(_ name: String) -> URL {
        directory.appendingPathComponent(name.hasSuffix(".json") ? name : name + ".json")
    }

    package static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(name)))
    }

    /// File names (with `.json`) of the events whose names start with `prefix`, sorted.
    package static func names(prefix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }.sorted()
    }
}

extension SampleEvents {
    /// A CreateAuthChallenge event for `userName`, as Cognito sends it for a real user with `attributes`, or for
    /// an unknown user when `attributes` is nil; built from `create-sms-first-round`.
    package static func create(
        userName: String, attributes: [String: String]?, session: [[String: Any]] = [], clientMetadata: [String: String]? = nil
    ) throws -> [UInt8] {
        var object = try jsonObject(try bytes("create-sms-first-round"))
        object["userName"] = userName
        var request = (object["request"] as? [String: Any]) ?? [:]
        request["userAttributes"] = attributes ?? [:]
        request["userNotFound"] = attributes == nil
        request["session"] = session
        request["clientMetadata"] = clientMetadata
        object["request"] = request
        return [UInt8](try JSONSerialization.data(withJSONObject: object))
    }

    /// A verified phone number's attributes.
    package static func phoneUser(_ phone: String) -> [String: String] {
        ["sub": "sub-" + phone.filter(\.isNumber), "phone_number": phone, "phone_number_verified": "true"]
    }
}
