#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
#error("Platform supports Darwin, Glibc and Musl")
#endif

/// A thread of its own for work that blocks (a connection, a pipe): Dispatch's pool adds a thread only every so often
/// while its threads are blocked, so 30 blocked connections there made the thirtieth wait about 30 s.
package enum DetachedThread {
    private final class Work {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Starts `body` on a new thread that nobody joins; false if the system would not make one.
    @discardableResult
    package static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        let work = Unmanaged.passRetained(Work(body)).toOpaque()
        #if canImport(Darwin)
        var thread: pthread_t? = nil
        let status = pthread_create(
            &thread, nil,
            { raw in
                Unmanaged<Work>.fromOpaque(raw).takeRetainedValue().body()
                return nil
            }, work)
        if status == 0, let thread { pthread_detach(thread) }
        #else
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { raw in
                Unmanaged<Work>.fromOpaque(raw!).takeRetainedValue().body()
                return nil
            }, work)
        if status == 0 { pthread_detach(thread) }
        #endif
        if status != 0 { Unmanaged<Work>.fromOpaque(work).release() }
        return status == 0
    }
}
