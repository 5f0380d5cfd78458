import HTTP1
import Platform

/// Who may use an instance's Runtime API: only its own process (or one the process started). Any local process can
/// connect to 127.0.0.1, and one that took a define event could answer it with `issueTokens: true`.
///
/// On Linux the client's socket is found exactly: its row in `/proc/net/tcp` (its local end is our peer, its remote
/// end is us) names its inode, and the process holds it when `/proc/PID/fd` has a link to `socket:[INODE]`.
/// Elsewhere (macOS has no `/proc`) every loopback connection is served, as before.
enum RuntimeAPIPeer {
    /// Whether the connection's client socket is held by process `processID` or one of its descendants.
    static func isFrom(_ peer: HTTPServer.Peer, processID: Int32) -> Bool {
        #if os(Linux)
        guard let ends = peer.ends, case .success(let table) = FileIO.readAll(path: "/proc/net/tcp"),
            let inode = clientInode(table, client: ends.remote, server: ends.local)
        else { return false }
        let link = "socket:[\(inode)]"
        if holds(processID, link) { return true }
        // A wrapper (a shell, a profiler) may run the runtime as a child: look through its descendants.
        return descendants(of: processID).contains { holds($0, link) }
        #else
        return true
        #endif
    }

    /// The inode of the socket whose local end is `client` and remote end `server`, from `/proc/net/tcp`'s rows
    /// (`sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...`).
    static func clientInode(_ table: [UInt8], client: String, server: String) -> String? {
        for line in table.split(separator: UInt8(ascii: "\n")).dropFirst() {
            let fields = line.split(separator: UInt8(ascii: " "))
            guard fields.count > 9, fields[1].elementsEqual(client.utf8), fields[2].elementsEqual(server.utf8) else { continue }
            let inode = String(decoding: fields[9], as: UTF8.self)
            return inode == "0" ? nil : inode
        }
        return nil
    }

    private static func holds(_ processID: Int32, _ link: String) -> Bool {
        let directory = "/proc/\(processID)/fd"
        return FileIO.directoryEntries(directory)?.contains { FileIO.linkTarget(directory + "/" + $0) == link } ?? false
    }

    /// Every process whose chain of parents leads to `processID`, from each `/proc/PID/stat`'s parent field.
    private static func descendants(of processID: Int32) -> [Int32] {
        var parents: [Int32: Int32] = [:]
        for name in FileIO.directoryEntries("/proc") ?? [] {
            guard let pid = Int32(name), case .success(let stat) = FileIO.readAll(path: "/proc/\(name)/stat"),
                let close = stat.lastIndex(of: UInt8(ascii: ")"))
            else { continue }
            // After the command's closing parenthesis: " state ppid ...".
            let fields = stat[(close + 1)...].split(separator: UInt8(ascii: " "))
            if fields.count > 1, let parent = Int32(String(decoding: fields[1], as: UTF8.self)) { parents[pid] = parent }
        }
        return parents.keys.filter { pid in
            var current = pid
            for _ in 0..<64 {
                guard let parent = parents[current], parent > 1 else { return false }
                if parent == processID { return true }
                current = parent
            }
            return false
        }
    }
}
