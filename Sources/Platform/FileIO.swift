#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whole-file reads, unbuffered writes to standard output and error, and leaving the process.
package enum FileIO {
    /// The bytes of the file at `path`, or of standard input for `-`.
    package static func readAll(path: String) -> Result<[UInt8], SystemCallError> {
        let fd = path == "-" ? 0 : open(path, O_RDONLY)
        guard fd >= 0 else { return .failure(.last("open")) }
        defer { if fd != 0 { close(fd) } }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(.last("read"))
            }
            if count == 0 { return .success(bytes) }
            bytes += chunk[..<count]
        }
    }

    /// Whether a file exists at `path` and this process may read it.
    package static func isReadable(_ path: String) -> Bool { access(path, R_OK) == 0 }

    /// Writes all of `text` to standard error in as few `write` calls as it takes, so lines never interleave.
    package static func writeToStandardError(_ text: String) { writeFully(2, text) }

    /// Writes all of `text` to standard output.
    package static func writeToStandardOutput(_ text: String) { writeFully(1, text) }

    /// Flushes the C library's buffered streams, before a prompt waits for input.
    package static func flushBufferedOutput() { fflush(nil) }

    /// Ends the process with `status`.
    package static func exitProcess(_ status: Int32) -> Never { exit(status) }

    private static func writeFully(_ fd: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
