import PasswordlessAuth
import Platform

/// Random words from the kernel's CSPRNG (`SystemRandom`), read 64 words at a time; a failure is an error,
/// never a weak code.
package final class KernelRandom: RandomSource {
    private var bytes = [UInt8](repeating: 0, count: 512)
    private var position = 0

    /// Draws the first bytes now, so a broken source is an init error rather than a failed sign-in.
    package init() throws(PasswordlessError) {
        try refill()
    }

    package func next() throws(PasswordlessError) -> UInt64 {
        if position == bytes.count { try refill() }
        var word: UInt64 = 0
        for offset in 0..<8 { word |= UInt64(bytes[position + offset]) << (8 * offset) }
        position += 8
        return word
    }

    private func refill() throws(PasswordlessError) {
        do {
            try SystemRandom.fill(&bytes)
        } catch {
            throw .randomSourceFailed
        }
        position = 0
    }
}
