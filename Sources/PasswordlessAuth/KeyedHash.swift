/// SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed hash, so values derived from a user name (a made-up
/// destination for an unknown user) cannot be predicted without the key. Pure Swift, so the rules need no OpenSSL.
package struct KeyedHash: Sendable, Equatable {
    private let k0: UInt64
    private let k1: UInt64

    init(k0: UInt64, k1: UInt64) {
        self.k0 = k0
        self.k1 = k1
    }

    /// A key derived from a secret text of any length.
    init(secret: String) {
        let bytes = Array(secret.utf8)
        let first = KeyedHash(k0: 0x736f_6d65_7073_6575, k1: 0x646f_7261_6e64_6f6d)
        let second = KeyedHash(k0: 0x6c79_6765_6e65_7261, k1: 0x7465_6462_7974_6573)
        self.init(k0: first.hash(bytes), k1: second.hash(bytes))
    }

    package func hash(_ text: String) -> UInt64 { hash(Array(text.utf8)) }

    package func hash(_ bytes: [UInt8]) -> UInt64 {
        var v0: UInt64 = 0x736f_6d65_7073_6575 ^ k0
        var v1: UInt64 = 0x646f_7261_6e64_6f6d ^ k1
        var v2: UInt64 = 0x6c79_6765_6e65_7261 ^ k0
        var v3: UInt64 = 0x7465_6462_7974_6573 ^ k1
        func round() {
            v0 &+= v1
            v1 = (v1 << 13) | (v1 >> 51)
            v1 ^= v0
            v0 = (v0 << 32) | (v0 >> 32)
            v2 &+= v3
            v3 = (v3 << 16) | (v3 >> 48)
            v3 ^= v2
            v0 &+= v3
            v3 = (v3 << 21) | (v3 >> 43)
            v3 ^= v0
            v2 &+= v1
            v1 = (v1 << 17) | (v1 >> 47)
            v1 ^= v2
            v2 = (v2 << 32) | (v2 >> 32)
        }
        let whole = bytes.count / 8 * 8
        var index = 0
        while index < whole {
            var m: UInt64 = 0
            for offset in 0..<8 { m |= UInt64(bytes[index + offset]) << (8 * offset) }
            v3 ^= m
            round()
            round()
            v0 ^= m
            index += 8
        }
        var last = UInt64(truncatingIfNeeded: bytes.count) << 56
        for offset in 0..<(bytes.count - whole) { last |= UInt64(bytes[whole + offset]) << (8 * offset) }
        v3 ^= last
        round()
        round()
        v0 ^= last
        v2 ^= 0xff
        round()
        round()
        round()
        round()
        return v0 ^ v1 ^ v2 ^ v3
    }
}
