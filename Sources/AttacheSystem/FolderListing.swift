import AttacheModel
import CFTS
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An open folder: its directory stream, closed when the last user lets go of it (the walk
/// that replays the folder, or a listing task of a sub-folder still to be opened from it).
final class FolderHandle: @unchecked Sendable {
    let dir: OpaquePointer
    var fd: Int32 { dirfd(dir) }
    init(_ dir: OpaquePointer) { self.dir = dir }
    deinit { closedir(dir) }
}

/// One name of a listed folder, with what lstat (and, for a symlink, readlink and stat) said:
/// the system calls of the walk, made by whoever lists the folder.
struct ListedEntry {
    var name: [UInt8]
    var path: RawPath
    /// Matched an `exclude` pattern: not stat'ed, not entered.
    var excluded = false
    /// errno of the lstat; 0 when `stat` holds the answer.
    var statError: Int32 = 0
    var stat: FileStat?
    /// For a symlink: its target, and errno of following it (0: it leads somewhere).
    var linkTarget: RawPath?
    var followError: Int32 = 0
    /// For a folder: the task that opens and lists it.
    var folder: FolderTask?
}

/// What listing one folder gave: the open, the listing and every entry's metadata.
struct FolderListing {
    /// errno of opening the folder (a sub-folder; the root is opened before the walk).
    var openError: Int32 = 0
    /// errno of turning the descriptor into a directory stream.
    var listError: Int32 = 0
    /// errno of a listing that stopped early (what was listed is still there).
    var stoppedError: Int32 = 0
    var entries: [ListedEntry] = []
}

/// A folder to list: the root, or a sub-folder opened from its parent's handle (never by path,
/// so nothing is followed). Claimed once, by a scout thread or by the walk itself.
final class FolderTask: @unchecked Sendable {
    enum State {
        case pending, running, done(FolderListing), abandoned
    }
    let parent: FolderHandle?
    let name: [UInt8]
    let relative: RawPath
    /// The root's descriptor (the walk opened it); nil for sub-folders.
    let rootFD: Int32?
    var state: State = .pending
    /// Set when the walk gives up on the folder while a scout lists it.
    var abandonWhenDone = false

    init(parent: FolderHandle?, name: [UInt8], relative: RawPath, rootFD: Int32? = nil) {
        self.parent = parent
        self.name = name
        self.relative = relative
        self.rootFD = rootFD
    }
}

extension Walker {
    /// Opens, lists and stats the folder of `task` (no visitor: only system calls); its
    /// sub-folders come back as new tasks in their entries.
    func list(_ task: FolderTask) -> FolderListing {
        var listing = FolderListing()
        let fd: Int32
        if let root = task.rootFD {
            fd = root
        } else {
            fd = Posix.withCString(task.name) { Walker.openFolder(task.parent!.fd, $0) }
            if fd < 0 { listing.openError = attache_errno(); return listing }
        }
        guard let dir = fdopendir(fd) else {
            listing.listError = attache_errno()
            close(fd)
            return listing
        }
        let handle = FolderHandle(dir)
        let names = readNames(dir, stoppedError: &listing.stoppedError)
        listing.entries.reserveCapacity(names.count)
        for name in names {
            listing.entries.append(describe(name, in: handle, relative: task.relative))
        }
        return listing
    }

    /// The names of an open folder (without `.` and `..`), in byte order.
    private func readNames(_ dir: OpaquePointer, stoppedError: inout Int32) -> [[UInt8]] {
        var names: [[UInt8]] = []
        while true {
            errno = 0
            guard let ent = readdir(dir) else {
                stoppedError = attache_errno()
                break
            }
            let name: [UInt8] = withUnsafeBytes(of: ent.pointee.d_name) { raw in
                let n = raw.firstIndex(of: 0) ?? raw.count
                return Array(raw[..<n])
            }
            if name == [46] || name == [46, 46] { continue }
            names.append(name)
        }
        names.sort(by: Walker.bytesPrecede)
        return names
    }

    /// One name's metadata: lstat (never followed); for a symlink its target and where
    /// following it leads; for a folder the task that will list it.
    private func describe(_ name: [UInt8], in handle: FolderHandle, relative: RawPath) -> ListedEntry {
        let path = relative.appending(RawPath(bytes: name))
        var entry = ListedEntry(name: name, path: path)
        if !exclude.isEmpty && exclude.contains(where: { $0.matches(path) }) {
            entry.excluded = true
            return entry
        }
        let dfd = handle.fd
        var st = stat()
        if Posix.withCString(name, { fstatat(dfd, $0, &st, AT_SYMLINK_NOFOLLOW) }) != 0 {
            entry.statError = attache_errno()
            return entry
        }
        let fs = Posix.fileStat(st)
        entry.stat = fs
        switch fs.kind {
        case .directory:
            entry.folder = FolderTask(parent: handle, name: name, relative: path)
        case .symlink:
            entry.linkTarget = readLink(dfd, name)
            var follow = stat()
            if Posix.withCString(name, { fstatat(dfd, $0, &follow, 0) }) != 0 { entry.followError = attache_errno() }
        default:
            break
        }
        return entry
    }

    private func readLink(_ dfd: Int32, _ name: [UInt8]) -> RawPath? {
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = Posix.withCString(name) { cname in
            buf.withUnsafeMutableBufferPointer { b in
                b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { readlinkat(dfd, cname, $0, b.count) }
            }
        }
        return n >= 0 ? RawPath(bytes: Array(buf[..<n])) : nil
    }
}
