/// RFC 3986 unreserved characters: the only bytes SigV4 and AWS query bodies leave unencoded.
func isUnreserved(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
        UInt8(ascii: "_"), UInt8(ascii: "~"):
        return true
    default:
        return false
    }
}

/// Percent-encodes every byte except unreserved ones (and `/` when `keepSlash`), with uppercase hex.
func percentEncode(_ bytes: some Sequence<UInt8>, keepSlash: Bool = false) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var out = [UInt8]()
    for byte in bytes {
        if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
            out.append(byte)
        } else {
            out.append(UInt8(ascii: "%"))
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0F)])
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// Percent-encodes the UTF-8 bytes of `string`.
package func percentEncode(_ string: String, keepSlash: Bool = false) -> String {
    percentEncode(string.utf8, keepSlash: keepSlash)
}

/// Decodes `%XX` escapes; a malformed escape is kept as literal text. `+` stays `+`.
func percentDecode(_ string: Substring) -> [UInt8] {
    let bytes = Array(string.utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
        if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
            let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
        {
            out.append(high << 4 | low)
            index += 3
        } else {
            out.append(bytes[index])
            index += 1
        }
    }
    return out
}

private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
}
