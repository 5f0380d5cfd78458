/// A source of uniformly random 64-bit words; injected so tests can be exact.
package protocol RandomSource: AnyObject {
    func next() throws -> UInt64
}

/// Adapts any `RandomNumberGenerator`, such as a seeded one in tests, to a `RandomSource`.
package final class GeneratorRandomSource<Generator: RandomNumberGenerator>: RandomSource {
    package private(set) var generator: Generator

    /// Wraps a generator.
    package init(_ generator: Generator) { self.generator = generator }

    package func next() -> UInt64 { generator.next() }
}
