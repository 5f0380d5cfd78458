import CCrypto

/// Returns the SHA-256 digest of `bytes`.
func sha256(_ bytes: [UInt8]) -> [UInt8] {
    var digest = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    let ok = bytes.withUnsafeBufferPointer { input in
        digest.withUnsafeMutableBufferPointer { output in
            EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, EVP_sha256(), nil)
        }
    }
    // EVP_Digest only fails on allocation failure, where nothing sensible can continue.
    precondition(ok == 1 && length == 32, "EVP_Digest(SHA-256) failed")
    return digest
}

/// Returns the SHA-256 digest of the UTF-8 bytes of `string`.
func sha256(_ string: String) -> [UInt8] {
    sha256(Array(string.utf8))
}

/// Returns HMAC-SHA256 of `data` under `key`.
package func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] {
    var mac = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    let result = key.withUnsafeBufferPointer { keyBuffer in
        data.withUnsafeBufferPointer { dataBuffer in
            mac.withUnsafeMutableBufferPointer { output in
                HMAC(
                    EVP_sha256(), keyBuffer.baseAddress, Int32(keyBuffer.count),
                    dataBuffer.baseAddress, dataBuffer.count, output.baseAddress, &length)
            }
        }
    }
    precondition(result != nil && length == 32, "HMAC(SHA-256) failed")
    return mac
}

/// Returns lowercase hexadecimal text for `bytes`.
package func hexEncoded(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}
