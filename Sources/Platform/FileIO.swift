#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
#error("Platform supports Darwin, Glibc and Musl")
#endif

/// Whole-file reads, unbuffered writes to standard output and error, and leaving the process.
package enum FileIO {
    /// The bytes of the file at `path`, or of standard input for `-`.
    package static func readAll(path: String) -> Result<[UInt8], SystemCallError> {
        let fd = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.last("open")) }
        defer { if fd != 0 { close(fd) } }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = retryingOnInterrupt { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) } }
            if count < 0 { return .failure(.last("read")) }
            if count == 0 { return .success(bytes) }
            bytes += chunk[..<count]
        }
    }

    /// Whether a file exists at `path` and this process may read it.
    package static func isReadable(_ path: String) -> Bool { access(path, R_OK) == 0 }

    /// Writes all of `text` to standard error in as few `write` calls as it takes, so lines never interleave.
    package static func writeToStandardError(_ text: String) { writeAll(2, text) }

    /// Writes all of `text` to standard output.
    package static func writeToStandardOutput(_ text: String) { writeAll(1, text) }

    /// Flushes the C library's buffered streams, before a prompt waits for input.
    package static func flushBufferedOutput() { fflush(nil) }

    /// Ends the process with `status`.
    package static func exitProcess(_ status: Int32) -> Never { exit(status) }

    static func writeAll(_ fd: Int32, _ text: String) {
        var text = text
        _ = text.withUTF8 { writeAll(fd, UnsafeRawBufferPointer($0)) }
    }

    /// Writes all of `bytes` to `fd`, resuming after signals and short writes; false when a write fails first.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = retryingOnInterrupt { write(fd, bytes.baseAddress! + offset, bytes.count - offset) }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }
}

extension FileIO {
    /// Appends `text` to the file at `path`, creating it (mode 0600) if needed.
    package static func append(_ text: String, to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        writeAll(fd, text)
    }

    /// Replaces the file at `path` with `bytes` through a temporary file and a rename, so a reader never sees half
    /// of it; false on failure. The temporary file is a new one of this process's (mode 0600): whatever was at its
    /// name, a leftover or a symbolic link someone planted, is removed first and never followed.
    package static func replace(_ path: String, with bytes: [UInt8]) -> Bool {
        let temporary = path + ".tmp"
        _ = unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        let synced = bytes.withUnsafeBytes { writeAll(fd, $0) } && fsync(fd) == 0
        guard close(fd) == 0, synced, rename(temporary, path) == 0 else {
            _ = unlink(temporary)
            return false
        }
        return true
    }

    /// Whether `path` is a directory of this process's user that no one else may write to or read
    /// (no group or other permissions), so that what it holds (keys, accounts) is this user's alone.
    package static func isPrivateDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR && info.st_uid == geteuid()
            && (info.st_mode & 0o077) == 0
    }

    /// Makes a directory (mode 0700) and its parents; true if it exists afterwards.
    package static func makeDirectory(_ path: String) -> Bool {
        var partial = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            partial += "/" + component
            mkdir(partial, 0o700)
        }
        var info = stat()
        return stat(path, &info) == 0
    }
}

extension FileIO {
    /// Whether `path` is a directory.
    package static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
