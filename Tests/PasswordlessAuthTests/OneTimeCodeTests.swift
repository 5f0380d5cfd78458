import Testing

@testable import PasswordlessAuth
@testable import TestSupport

@Suite("OneTimeCode.generate")
struct OneTimeCodeTests {
    @Test("codes have exactly the requested number of digits", arguments: 4...10)
    func lengthAndDigits(length: Int) throws {
        let random = seededSource(UInt64(length))
        for _ in 0..<500 {
            let code = try OneTimeCode.generate(length: length, using: random)
            #expect(code.count == length)
            #expect(code.utf8.count == length)
            #expect(code.allSatisfy { $0 >= "0" && $0 <= "9" }, "\(code)")
        }
    }

    @Test("small values are padded with leading zeros")
    func padding() throws {
        // Each word is at or above its threshold (2^64 mod 10^n), so it is used as it is.
        #expect(try OneTimeCode.generate(length: 6, using: ScriptedRandomSource([1_000_042])) == "000042")
        #expect(try OneTimeCode.generate(length: 4, using: ScriptedRandomSource([1_616 + 10_000 * 3])) == "1616")
        #expect(try OneTimeCode.generate(length: 10, using: ScriptedRandomSource([10_000_000_000 * 1_000_000 + 7])) == "0000000007")
    }

    @Test("leading zeros occur about a tenth of the time")
    func leadingZeros() throws {
        let random = seededSource(2024)
        var leadingZero = 0
        let count = 10_000
        for _ in 0..<count where try OneTimeCode.generate(length: 6, using: random).first == "0" {
            leadingZero += 1
        }
        // Binomial(10 000, 0.1): mean 1 000, standard deviation 30; the bounds are over 6 deviations wide.
        #expect((800...1_200).contains(leadingZero), "\(leadingZero) of \(count) codes start with 0")
    }

    @Test("the same seed gives the same codes, a different seed different ones")
    func deterministic() throws {
        let a = seededSource(99), b = seededSource(99), c = seededSource(100)
        let codesA = try (0..<20).map { _ in try OneTimeCode.generate(length: 6, using: a) }
        let codesB = try (0..<20).map { _ in try OneTimeCode.generate(length: 6, using: b) }
        let codesC = try (0..<20).map { _ in try OneTimeCode.generate(length: 6, using: c) }
        #expect(codesA == codesB)
        #expect(codesA != codesC)
    }

    @Test("a failing source gives randomSourceFailed")
    func failingSource() {
        let random = FailingRandomSource()
        #expect(throws: PasswordlessError.randomSourceFailed) { try OneTimeCode.generate(length: 6, using: random) }
        #expect(random.calls == 1)
        #expect(PasswordlessError.randomSourceFailed.errorType == "RandomSourceFailed")
    }

    @Suite("Rejection of biased words")
    struct Rejection {
        // 2^64 = 18 446 744 073 709 551 616, so 2^64 mod 10^n is the last n digits of it.
        static let thresholds: [(length: Int, threshold: UInt64)] = [(4, 1_616), (6, 551_616), (10, 3_709_551_616)]

        static func modulus(_ length: Int) -> UInt64 { (0..<length).reduce(1) { value, _ in value * 10 } }

        @Test("words below 2^64 mod 10^n are drawn again; the code comes from the next word", arguments: thresholds)
        func belowThreshold(length: Int, threshold: UInt64) throws {
            let next: UInt64 = 0xDEAD_BEEF_CAFE_F00D
            let random = ScriptedRandomSource([0, 1, threshold / 2, threshold - 1, next])
            let code = try OneTimeCode.generate(length: length, using: random)
            #expect(random.taken == 5)
            let expected = String(next % Self.modulus(length))
            #expect(code == String(repeating: "0", count: length - expected.count) + expected)
        }

        @Test("a word equal to the threshold is accepted", arguments: thresholds)
        func atThreshold(length: Int, threshold: UInt64) throws {
            let random = ScriptedRandomSource([threshold])
            // The threshold is below 10^n, so it is its own code.
            #expect(try OneTimeCode.generate(length: length, using: random) == String(threshold))
            #expect(random.taken == 1)
        }

        @Test("the largest word is accepted")
        func largestWord() throws {
            // 2^64 - 1 = ...551 615.
            #expect(try OneTimeCode.generate(length: 4, using: ScriptedRandomSource([.max])) == "1615")
            #expect(try OneTimeCode.generate(length: 6, using: ScriptedRandomSource([.max])) == "551615")
        }
    }

    @Suite("Uniformity")
    struct Uniformity {
        static func chiSquare(_ counts: [Int], expected: Double) -> Double {
            counts.reduce(0) { sum, count in
                let d = Double(count) - expected
                return sum + d * d / expected
            }
        }

        @Test("100 000 four-digit codes spread evenly over all 10 000 values")
        func allValues() throws {
            let random = seededSource(0xC0DE)
            let draws = 100_000
            var counts = [Int](repeating: 0, count: 10_000)
            for _ in 0..<draws {
                counts[try #require(Int(try OneTimeCode.generate(length: 4, using: random)))] += 1
            }
            let statistic = Self.chiSquare(counts, expected: Double(draws) / 10_000)
            // 10 000 bins give 9 999 degrees of freedom; the chi-square critical value at p = 0.001 is 10 441.71.
            #expect(statistic < 10_441.71, "chi-square \(statistic)")
            // Every value, including 0000, is reachable.
            #expect(counts[0] > 0)
            #expect(counts.filter { $0 == 0 }.count < 10)
        }

        @Test("each digit position of six-digit codes is uniform over 0–9")
        func digitPositions() throws {
            let random = seededSource(0xFACE)
            let draws = 60_000
            var counts = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 6)
            for _ in 0..<draws {
                for (position, digit) in try OneTimeCode.generate(length: 6, using: random).utf8.enumerated() {
                    counts[position][Int(digit - UInt8(ascii: "0"))] += 1
                }
            }
            for (position, row) in counts.enumerated() {
                let statistic = Self.chiSquare(row, expected: Double(draws) / 10)
                // 10 bins give 9 degrees of freedom; the chi-square critical value at p = 0.001 is 27.877.
                #expect(statistic < 27.877, "position \(position): chi-square \(statistic), counts \(row)")
            }
        }

        /// Words whose low 4 bits are zero: only multiples of 16 modulo 10 000 can come out.
        final class LowBitsCleared: RandomSource {
            var inner = SplitMix64(seed: 1)
            func next() -> UInt64 { inner.next() & ~0xF }
        }

        @Test("the same statistic catches a biased source, so the checks above have teeth")
        func detectsBias() throws {
            let random = LowBitsCleared()
            let draws = 100_000
            var counts = [Int](repeating: 0, count: 10_000)
            for _ in 0..<draws {
                counts[try #require(Int(try OneTimeCode.generate(length: 4, using: random)))] += 1
            }
            #expect(Self.chiSquare(counts, expected: Double(draws) / 10_000) > 10_441.71)
        }
    }
}
