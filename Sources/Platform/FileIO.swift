/// Whole-file reads, unbuffered writes to standard output and error, and leaving the process.
package enum FileIO {
    /// The bytes of the file at `path`, or of standard input for `-`.
    package static func readAll(path: String) -> Result<[UInt8], SystemCallError> {
        if path == "-" { return readToEnd(0) }
        let fd = System.openForReading(path)
        guard fd >= 0 else { return .failure(.last("open")) }
        let file = FileDescriptor(owning: fd)
        return readToEnd(file.rawValue)
    }

    /// Reads `fd` to its end (standard input is not ours to close, so this takes a number, not an owner).
    private static func readToEnd(_ fd: Int32) -> Result<[UInt8], SystemCallError> {
        var bytes: [UInt8] = []
        // 4 KB first, which holds a /proc file or an event; 64 KB once more comes. A start reads /proc/self/stat,
        // and clearing 64 KB for it cost 16 page faults.
        var chunk = [UInt8](repeating: 0, count: 4 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { System.read(fd, into: $0) }
            if count < 0 { return .failure(.last("read")) }
            if count == 0 { return .success(bytes) }
            bytes += chunk[..<count]
            if count == chunk.count && chunk.count < 64 * 1024 { chunk = [UInt8](repeating: 0, count: 64 * 1024) }
        }
    }

    /// Whether a file exists at `path` and this process may read it.
    package static func isReadable(_ path: String) -> Bool { System.isReadable(path) }

    /// Writes all of `text` to standard error in as few `write` calls as it takes, so lines never interleave.
    package static func writeToStandardError(_ text: String) { writeAll(2, text) }

    /// Writes all of `text` to standard output.
    package static func writeToStandardOutput(_ text: String) { writeAll(1, text) }

    /// Flushes the C library's buffered streams, before a prompt waits for input.
    package static func flushBufferedOutput() { System.flushBufferedOutput() }

    /// Ends the process with `status`.
    package static func exitProcess(_ status: Int32) -> Never { System.exitProcess(status) }

    static func writeAll(_ fd: Int32, _ text: String) {
        var text = text
        _ = text.withUTF8 { writeAll(fd, UnsafeRawBufferPointer($0)) }
    }

    /// Writes all of `bytes` to `fd`, resuming after short writes; false when a write fails first.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = System.write(fd, from: UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            if written <= 0 { return false }
            offset += written
        }
        return true
    }
}

extension FileIO {
    /// Appends `text` to the file at `path`, creating it (mode 0600) if needed.
    package static func append(_ text: String, to path: String) {
        let fd = System.openForAppending(path)
        guard fd >= 0 else { return }
        let file = FileDescriptor(owning: fd)
        writeAll(file.rawValue, text)
    }

    /// Replaces the file at `path` with `bytes` through a temporary file and a rename, so a reader never sees half
    /// of it; false on failure. The temporary file is a new one of this process's (mode 0600): whatever was at its
    /// name, a leftover or a symbolic link someone planted, is removed first and never followed.
    package static func replace(_ path: String, with bytes: [UInt8]) -> Bool {
        let temporary = path + ".tmp"
        _ = System.removeFile(temporary)
        let fd = System.createNew(temporary)
        guard fd >= 0 else { return false }
        let file = FileDescriptor(owning: fd)
        let synced = bytes.withUnsafeBytes { writeAll(file.rawValue, $0) } && System.synchronize(file.rawValue)
        // close reports what the file system could not write until then.
        let closed = (try? file.close()) != nil
        guard closed, synced, System.rename(temporary, to: path) else {
            _ = System.removeFile(temporary)
            return false
        }
        return true
    }

    /// Whether `path` is a directory of this process's user that no one else may write to or read
    /// (no group or other permissions), so that what it holds (keys, accounts) is this user's alone.
    package static func isPrivateDirectory(_ path: String) -> Bool {
        guard let status = System.fileStatus(path, followingLinks: false) else { return false }
        return status.isDirectory && status.isOwnedByThisUser && status.permissions & 0o077 == 0
    }

    /// Makes a directory (mode 0700) and its parents; true if it exists afterwards.
    package static func makeDirectory(_ path: String) -> Bool {
        var partial = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            partial += "/" + component
            _ = System.makeDirectory(partial)
        }
        return System.fileStatus(path, followingLinks: true) != nil
    }

    /// The names in a directory, without `.` and `..`; nil when it cannot be read.
    package static func directoryEntries(_ path: String) -> [String]? { System.directoryEntries(path) }

    /// Where the symbolic link at `path` points; nil when it is no link or cannot be read.
    package static func linkTarget(_ path: String) -> String? { System.linkTarget(path) }

    /// Whether `path` is a directory.
    package static func isDirectory(_ path: String) -> Bool {
        System.fileStatus(path, followingLinks: true)?.isDirectory == true
    }
}
