import PasswordlessAuth
import Platform
import Synchronization

/// A clock stopped at one moment.
package struct FixedClock: WallClock {
    package var seconds: Int64
    package init(seconds: Int64) { self.seconds = seconds }
    package func nowEpochMilliseconds() -> Int64 { seconds * 1000 }
}

/// A clock a test moves forward, to the millisecond; shared by every handler or service given it.
package final class MovableClock: WallClock, Sendable {
    private let milliseconds: Mutex<Int64>
    package init(seconds: Int64) { milliseconds = Mutex(seconds * 1000) }
    package func nowEpochMilliseconds() -> Int64 { milliseconds.withLock { $0 } }
    package func advance(seconds delta: Int64) { advance(milliseconds: delta * 1000) }
    package func advance(milliseconds delta: Int64) { milliseconds.withLock { $0 += delta } }
}
