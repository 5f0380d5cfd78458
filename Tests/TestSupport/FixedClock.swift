import PasswordlessAuth
import Platform

/// A clock stopped at one moment.
package struct FixedClock: WallClock {
    package var seconds: Int64
    package init(seconds: Int64) { self.seconds = seconds }
    package func nowEpochMilliseconds() -> Int64 { seconds * 1000 }
}
