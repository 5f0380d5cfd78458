/// A source of uniformly random 64-bit words; injected so tests can be exact.
package protocol RandomSource: AnyObject {
    func next() throws -> UInt64
}
