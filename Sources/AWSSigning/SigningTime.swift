#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The two date forms SigV4 uses, computed in UTC with `gmtime_r`.
package struct SigningTime: Sendable, Equatable {
    /// `YYYYMMDD'T'HHMMSS'Z'`, the `X-Amz-Date` value.
    package let amzDate: String
    /// `YYYYMMDD`, the date part of the credential scope.
    package let dateStamp: String

    /// Creates the date forms for `epochSeconds` (seconds since 1970-01-01 UTC).
    package init(epochSeconds: Int64) {
        var seconds = time_t(epochSeconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let date =
            pad(Int(parts.tm_year) + 1900, 4) + pad(Int(parts.tm_mon) + 1, 2) + pad(Int(parts.tm_mday), 2)
        dateStamp = date
        amzDate = date + "T" + pad(Int(parts.tm_hour), 2) + pad(Int(parts.tm_min), 2) + pad(Int(parts.tm_sec), 2) + "Z"
    }
}

private func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
