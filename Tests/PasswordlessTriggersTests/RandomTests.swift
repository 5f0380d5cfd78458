import Testing

@testable import PasswordlessAuth
@testable import PasswordlessTriggers

@Suite("Kernel random source (getrandom)")
struct RandomTests {
    /// Chi-square over every 4-digit code: 10,000 bins, 9,999 degrees of freedom. The kernel's generator cannot be
    /// seeded, so the bound is the p = 10^-6 critical value (Wilson–Hilferty: 9999 · (1 − 2/(9·9999) + 4.753 ·
    /// sqrt(2/(9·9999)))³ ≈ 10,686): a sound generator fails it less than once in a million runs, while a gross
    /// bias (the seeded tests in PasswordlessAuthTests show what the statistic catches) lands far above it.
    @Test("codes from getrandom are uniform over all 10^4 values")
    func chiSquare() throws {
        let source = try KernelRandom()
        let bins = 10_000
        let samples = 300_000
        var counts = [Int](repeating: 0, count: bins)
        for _ in 0..<samples {
            counts[Int(try OneTimeCode.generate(length: 4, using: source))!] += 1
        }
        let expected = Double(samples) / Double(bins)
        let chiSquare = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        #expect(chiSquare < 10_686, "chi-square \(chiSquare) over 9,999 degrees of freedom")
        #expect(counts[0] > 0 && counts[7] > 0, "codes with leading zeros occur")
    }

    @Test("words differ across refills of the 64-word buffer")
    func refills() throws {
        let source = try KernelRandom()
        let words = try (0..<200).map { _ in try source.next() }
        #expect(Set(words).count == 200)
    }
}
