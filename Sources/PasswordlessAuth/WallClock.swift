/// Tells the time; injected so the rules can be tested at any moment.
package protocol WallClock {
    func nowEpochMilliseconds() -> Int64
}
