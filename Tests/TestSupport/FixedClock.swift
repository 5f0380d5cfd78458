import PasswordlessAuth
import Platform
import Synchronization

/// A clock stopped at one moment.
package struct FixedClock: WallClock {
    package var seconds: Int64
    package init(seconds: Int64) { self.seconds = seconds }
    package func nowEpochMilliseconds() -> Int64 { seconds * 1000 }
}

/// A clock a test moves forward; shared by every handler given it.
package final class MovableClock: WallClock, @unchecked Sendable {
    private let seconds: Mutex<Int64>
    package init(seconds: Int64) { self.seconds = Mutex(seconds) }
    package func nowEpochMilliseconds() -> Int64 { seconds.withLock { $0 } * 1000 }
    package func advance(seconds delta: Int64) { seconds.withLock { $0 += delta } }
}
