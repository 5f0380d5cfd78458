import Foundation

/// Whether this run is CI's (`CI` set and not `false`): there, tools and files the tests need must be present,
/// and a missing one fails the run instead of skipping the tests that need it.
package enum ContinuousIntegration {
    package static let isRunning: Bool = {
        guard let value = ProcessInfo.processInfo.environment["CI"]?.lowercased() else { return false }
        return !value.isEmpty && value != "false" && value != "0"
    }()
}
