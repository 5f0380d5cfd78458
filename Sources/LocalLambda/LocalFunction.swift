import Dispatch
import Synchronization

/// One function as Lambda runs it: instances (each its own process) take one invocation at a time. As on Lambda,
/// invocations that overlap run on more instances (up to `maxInstances`; past that they wait their turn), an instance
/// that runs out of time is ended, one whose process exits fails the invocation in flight, and a new one starts when
/// needed.
package final class LocalFunction: Sendable {
    /// Cognito waits 5 s for a trigger, whatever the function's own timeout.
    package static let cognitoWaitMs: Int64 = 5_000

    let configuration: FunctionConfiguration
    private let slots: DispatchSemaphore
    /// Instances waiting for an invocation, the most recently used last; and every instance started, for `stop`.
    private let instances: Mutex<(idle: [FunctionInstance], all: [FunctionInstance])>

    /// Starts the first instance, so an executable that cannot start is reported at once.
    package init(_ configuration: FunctionConfiguration, maxInstances: Int = 4) throws(LocalLambdaError) {
        self.configuration = configuration
        slots = DispatchSemaphore(value: maxInstances)
        let first = try FunctionInstance(configuration)
        instances = Mutex(([first], [first]))
    }

    /// The function's name.
    var name: String { configuration.name }

    /// Ends every instance.
    package func stop() { instances.withLock { $0.all }.forEach { $0.stop() } }

    /// Sends one event to an idle instance, starting one if none is idle, and waits at most the configured time.
    package func invoke(_ event: [UInt8]) -> Answer {
        slots.wait()
        defer { slots.signal() }
        // An instance that ended while idle is passed over once; a second that ends before it takes the event (one
        // that exits at start) fails the invocation rather than start processes without end.
        for _ in 0..<2 {
            let instance: FunctionInstance
            do { instance = try idleOrNewInstance() } catch { return .error(type: "Runtime.StartError", message: error.description) }
            if let answer = instance.invoke(event) {
                instances.withLock { $0.idle.append(instance) }
                return answer
            }
        }
        return .error(type: "Runtime.ExitError", message: "Runtime exited before it took the event")
    }

    /// The warmest idle instance, as Lambda reuses one, or a new one; those that have ended are dropped.
    private func idleOrNewInstance() throws(LocalLambdaError) -> FunctionInstance {
        let idle = instances.withLock { pool -> FunctionInstance? in
            pool.all.removeAll { $0.isRetired }
            pool.idle.removeAll { $0.isRetired }
            return pool.idle.popLast()
        }
        if let idle { return idle }
        let made = try FunctionInstance(configuration)
        instances.withLock { $0.all.append(made) }
        return made
    }
}
