import Foundation

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Tokens in one JSON file of the user's own with mode 0600, in a directory made with mode 0700: for Linux, where
/// there is no Keychain.
///
/// The file is written as a new file (`O_EXCL`, `O_NOFOLLOW`, mode 0600 from the start) and renamed over the old one,
/// so it is never readable by others, even for a moment, and never written through a link planted at its name. A
/// file that is a link, belongs to another user or is open to others is refused, not read.
public struct FileTokenStore: TokenStore {
    /// The file's path.
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public func load() throws -> Tokens? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            let error = errno
            if error == ENOENT { return nil }
            throw Failure(path, error == ELOOP ? "is a symbolic link" : "cannot be opened (errno \(error))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Failure(path, "cannot be read (errno \(errno))") }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw Failure(path, "is not a regular file") }
        guard status.st_uid == geteuid() else { throw Failure(path, "belongs to another user") }
        guard (status.st_mode & 0o077) == 0 else { throw Failure(path, "is open to other users (it must be mode 0600)") }
        var bytes = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(path, "cannot be read (errno \(errno))")
            }
            if count == 0 { break }
            bytes += buffer[..<count]
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        do {
            return try decoder.decode(Tokens.self, from: Data(bytes))
        } catch {
            throw Failure(path, "does not hold tokens")
        }
    }

    public func save(_ tokens: Tokens) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let data = try encoder.encode(tokens)
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let temporary = path + ".\(UUID().uuidString).new"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(temporary, "cannot be made (errno \(errno))") }
        var written = 0
        let failure: Failure? = data.withUnsafeBytes { raw in
            // A umask can only take bits away; fchmod makes sure the owner can read it back.
            guard fchmod(descriptor, 0o600) == 0 else { return Failure(temporary, "cannot be made 0600 (errno \(errno))") }
            while written < raw.count {
                let count = write(descriptor, raw.baseAddress! + written, raw.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    return Failure(temporary, "cannot be written (errno \(errno))")
                }
                written += count
            }
            return fsync(descriptor) == 0 ? nil : Failure(temporary, "cannot be synced (errno \(errno))")
        }
        close(descriptor)
        if let failure {
            unlink(temporary)
            throw failure
        }
        guard rename(temporary, path) == 0 else {
            let error = errno
            unlink(temporary)
            throw Failure(path, "cannot be replaced (errno \(error))")
        }
    }

    public func remove() throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw Failure(path, "cannot be removed (errno \(errno))") }
    }

    /// What went wrong with the file, naming it.
    struct Failure: Error, CustomStringConvertible {
        let description: String

        init(_ path: String, _ problem: String) {
            description = "the token file \(path) \(problem)"
        }
    }
}
