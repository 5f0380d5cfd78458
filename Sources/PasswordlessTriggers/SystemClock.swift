import LambdaRuntime
import PasswordlessAuth

/// The system's wall clock.
package struct SystemClock: WallClock {
    package init() {}
    package func nowEpochMilliseconds() -> Int64 { SystemTime.epochMilliseconds() }
}
