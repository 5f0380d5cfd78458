/// A thread of its own for work that blocks (a connection, a pipe): Dispatch's pool adds a thread only every so often
/// while its threads are blocked, so 30 blocked connections there made the thirtieth wait about 30 s.
package enum DetachedThread {
    /// Starts `body` on a new thread that nobody joins; false if the system would not make one.
    @discardableResult
    package static func start(_ body: @escaping @Sendable () -> Void) -> Bool { System.startDetachedThread(body) }
}
