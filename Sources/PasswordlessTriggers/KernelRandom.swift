import CKernelRandom
import PasswordlessAuth

#if canImport(Glibc)
import Glibc
#endif

/// Random words from the kernel's CSPRNG (`getrandom(2)`), read 64 words at a time; a failure is an error,
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
        var filled = 0
        while filled < bytes.count {
            // Without GRND_NONBLOCK this waits only until the kernel's pool is first initialised, at boot.
            let count = bytes.withUnsafeMutableBytes { getrandom($0.baseAddress! + filled, $0.count - filled, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .randomSourceFailed
            }
            filled += count
        }
        position = 0
    }
}
