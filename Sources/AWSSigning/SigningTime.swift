import Platform

/// The two date forms SigV4 uses, in UTC.
package struct SigningTime: Sendable, Equatable {
    /// `YYYYMMDD'T'HHMMSS'Z'`, the `X-Amz-Date` value.
    let amzDate: String
    /// `YYYYMMDD`, the date part of the credential scope.
    let dateStamp: String

    /// Creates the date forms for `epochSeconds` (seconds since 1970-01-01 UTC).
    package init(epochSeconds: Int64) {
        let time = UTCTime(epochMilliseconds: epochSeconds * 1000)
        dateStamp = time.basicDate
        amzDate = time.basicDateTime
    }
}
