import PasswordlessAuth

/// SplitMix64 (Steele, Lea, Flood 2014): a small, fast, well-mixed 64-bit generator, seeded for repeatable tests.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Adapts any `RandomNumberGenerator`, such as a seeded one, to the rules' `RandomSource`.
package final class GeneratorRandomSource<Generator: RandomNumberGenerator>: RandomSource {
    package private(set) var generator: Generator

    package init(_ generator: Generator) { self.generator = generator }

    package func next() -> UInt64 { generator.next() }
}

/// A seeded source of words for code generation.
package func seededSource(_ seed: UInt64 = 0x5EED) -> GeneratorRandomSource<SplitMix64> {
    GeneratorRandomSource(SplitMix64(seed: seed))
}
