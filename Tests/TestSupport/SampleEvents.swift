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
