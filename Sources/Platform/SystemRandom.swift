/// The kernel's cryptographically secure random generator.
package enum SystemRandom {
    /// Fills `bytes` with random bytes; fails rather than give weak ones.
    package static func fill(_ bytes: inout [UInt8]) throws(SystemCallError) {
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { System.randomBytes(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }
            if count < 0 { throw .last("random bytes") }
            filled += count
        }
    }
}
