#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import CKernelRandom
import Glibc
#elseif canImport(Musl)
import CKernelRandom
import Musl
#else
#error("Platform supports Darwin, Glibc and Musl")
#endif

/// The kernel's cryptographically secure random generator.
package enum SystemRandom {
    /// Fills `bytes` with random bytes; fails rather than give weak ones.
    package static func fill(_ bytes: inout [UInt8]) throws(SystemCallError) {
        var filled = 0
        while filled < bytes.count {
            let count = retryingOnInterrupt { bytes.withUnsafeMutableBytes { read(into: $0, from: filled) } }
            if count < 0 { throw .last("random bytes") }
            filled += count
        }
    }

    /// One read from the kernel's generator into `buffer` after `offset`: the count, or -1 with `errno` set.
    private static func read(into buffer: UnsafeMutableRawBufferPointer, from offset: Int) -> Int {
        #if canImport(Darwin)
        // getentropy(2) gives at most 256 bytes a call.
        let size = min(256, buffer.count - offset)
        return getentropy(buffer.baseAddress! + offset, size) == 0 ? size : -1
        #else
        // getrandom(2) without GRND_NONBLOCK waits only until the kernel's pool is first initialised, at boot.
        return getrandom(buffer.baseAddress! + offset, buffer.count - offset, 0)
        #endif
    }
}
