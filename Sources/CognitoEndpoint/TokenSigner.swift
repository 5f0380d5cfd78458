import CCrypto
import CTokenKeys
import JSON
import Platform

/// Signs JSON Web Tokens with RS256 under an RSA-2048 key kept in the state directory, and publishes the key as a
/// JWKS, as a user pool does at `<issuer>/.well-known/jwks.json`.
final class TokenSigner: @unchecked Sendable {
    private let key: OpaquePointer
    /// The key id in each token's header and in the JWKS: from a hash of the modulus, so it survives a restart.
    let keyID: String
    let modulus: [UInt8]
    let exponent: [UInt8]

    /// Loads the key at `path`, or makes one there (mode 0600) on first start.
    init(keyPath path: String) throws(EndpointError) {
        if let loaded = ctokenkeys_read(path) {
            key = loaded
        } else {
            guard let made = ctokenkeys_generate(2048), ctokenkeys_write(made, path) == 1 else {
                throw .state("cannot make the signing key at \(path)")
            }
            key = made
        }
        var buffer = [UInt8](repeating: 0, count: 512)
        modulus = Array(buffer[..<ctokenkeys_public_part(key, "n", &buffer)])
        exponent = Array(buffer[..<ctokenkeys_public_part(key, "e", &buffer)])
        keyID = Base64URL.encode(Array(Self.sha256(modulus).prefix(12)))
    }

    /// `header.payload.signature`, each part base64url without padding.
    func sign(_ claims: JSONValue) -> String {
        let header: JSONValue = ["alg": "RS256", "kid": .string(keyID), "typ": "JWT"]
        let input = Base64URL.encode(header.bytes) + "." + Base64URL.encode(claims.bytes)
        var signature = [UInt8](repeating: 0, count: 512)
        var length = signature.count
        let bytes = Array(input.utf8)
        guard ctokenkeys_sign_sha256(key, bytes, bytes.count, &signature, &length) == 1 else { return input + "." }
        return input + "." + Base64URL.encode(Array(signature[..<length]))
    }

    /// Whether `token` carries a valid signature of this key (for the endpoint's own checks of access tokens).
    func verify(_ token: String) -> JSONValue? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let signature = Base64URL.decode(String(parts[2])),
            let payload = Base64URL.decode(String(parts[1]))
        else { return nil }
        let input = Array((parts[0] + "." + parts[1]).utf8)
        guard ctokenkeys_verify_sha256(key, input, input.count, signature, signature.count) == 1 else { return nil }
        return JSONValue.parse(payload)
    }

    var jwks: JSONValue {
        [
            "keys": [
                [
                    "kty": "RSA", "alg": "RS256", "use": "sig", "kid": .string(keyID),
                    "n": .string(Base64URL.encode(modulus)), "e": .string(Base64URL.encode(exponent)),
                ]
            ]
        ]
    }

    static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = EVP_Digest(bytes, bytes.count, &digest, &length, EVP_sha256(), nil)
        return digest
    }
}

/// Base64 with the URL alphabet and no padding (RFC 4648 §5), as JWTs and JWKS write it.
enum Base64URL {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var word: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { word |= UInt32(byte) << (16 - 8 * offset) }
            for position in 0...chunk.count { out.append(alphabet[Int((word >> (18 - 6 * position)) & 63)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt32] = []
        for byte in text.utf8 {
            guard let value = alphabet.firstIndex(of: byte) else { return nil }
            values.append(UInt32(value))
        }
        guard values.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        var index = 0
        while index < values.count {
            let chunk = values[index..<min(index + 4, values.count)]
            var word: UInt32 = 0
            for (offset, value) in chunk.enumerated() { word |= value << (18 - 6 * offset) }
            for position in 0..<(chunk.count - 1) { out.append(UInt8((word >> (16 - 8 * position)) & 0xFF)) }
            index += 4
        }
        return out
    }
}
