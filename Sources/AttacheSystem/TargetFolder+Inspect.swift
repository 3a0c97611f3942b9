import AttacheModel
import CFTS
import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// What is at a path below a target root (links not followed).
public struct TargetEntry: Sendable, Equatable {
    public var kind: EntryKind
    public var size: Int64
    public var mtime: Timestamp
    public init(kind: EntryKind, size: Int64, mtime: Timestamp) {
        self.kind = kind
        self.size = size
        self.mtime = mtime
    }
}

extension TargetFolder {
    /// Removes the regular file (a placed file or an archive) at `path` below the root, then
    /// its parent folders that became empty, up to but not including the root. Nothing is
    /// followed: a link at any folder component is refused
    /// (``TargetError/Reason/notContained(component:)``), and anything at `path` but a regular
    /// file is left (``TargetError/Reason/notAFile(_:)``).
    /// - Returns: false when nothing was at `path` (already removed: a resumed run).
    @discardableResult
    public func remove(_ path: RawPath) throws(TargetError) -> Bool {
        let parts = try TargetFolder.components(of: path)
        let folderParts = parts.dropLast()
        guard let folder = try openFolderIfPresent(folderParts, for: path, action: "remove") else { return false }
        defer { close(folder) }
        let name = parts[parts.count - 1]
        var st = stat()
        guard Posix.withCString(name, { fstatat(folder, $0, &st, AT_SYMLINK_NOFOLLOW) }) == 0 else {
            let e = attache_errno()
            if e == ENOENT { return false }
            throw TargetError(path: path, reason: .system(step: "stat it", error: PosixError(code: e)), action: "remove")
        }
        let kind = Posix.kind(st.st_mode)
        guard kind == .regular else { throw TargetError(path: path, reason: .notAFile(kind), action: "remove") }
        do { try ensureStillContained(folder, folderParts, for: path) } catch { throw error.during("remove") }
        if Posix.withCString(name, { unlinkat(folder, $0, 0) }) != 0 {
            let e = attache_errno()
            if e == ENOENT { return false }
            throw TargetError(path: path, reason: .system(step: "unlink it", error: PosixError(code: e)), action: "remove")
        }
        try syncFolder(folder, path: path)
        try pruneEmptyFolders(folderParts, for: path)
        return true
    }

    /// Removes the folders of `parts` that are empty, deepest first, stopping at the first
    /// that is not (or is gone, or is no longer a folder).
    private func pruneEmptyFolders(_ parts: ArraySlice<[UInt8]>, for path: RawPath) throws(TargetError) {
        var depth = parts.count
        while depth > 0 {
            let parentParts = parts.prefix(depth - 1)
            guard let parent = try openFolderIfPresent(parentParts, for: path, action: "remove") else { return }
            defer { close(parent) }
            if Posix.withCString(parts[parts.startIndex + depth - 1], { unlinkat(parent, $0, AT_REMOVEDIR) }) != 0 {
                let e = attache_errno()
                if [ENOTEMPTY, EEXIST, ENOENT, ENOTDIR, EBUSY].contains(e) { return }
                let folder = RawPath(bytes: Array(parts.prefix(depth).joined(separator: [UInt8(ascii: "/")])))
                throw TargetError(path: path, reason: .system(step: "remove its empty folder \(folder.display)", error: PosixError(code: e)),
                                  action: "remove")
            }
            try syncFolder(parent, path: path)
            depth -= 1
        }
    }

    /// Opens a folder below the root without creating or following anything.
    /// - Returns: nil when a component is missing.
    private func openFolderIfPresent(_ parts: ArraySlice<[UInt8]>, for path: RawPath, action: String) throws(TargetError) -> Int32? {
        do { return try openFolder(parts, create: false, for: path) } catch {
            if error.errno == ENOENT { return nil }
            throw error.during(action)
        }
    }

    /// What is at `path` below the root, not following links (a link there is reported as
    /// `.symlink`; a link at a folder component is refused).
    /// - Returns: nil when nothing is there.
    public func entry(at path: RawPath) throws(TargetError) -> TargetEntry? {
        let parts = try TargetFolder.components(of: path)
        guard let folder = try openFolderIfPresent(parts.dropLast(), for: path, action: "read") else { return nil }
        defer { close(folder) }
        var st = stat()
        guard Posix.withCString(parts[parts.count - 1], { fstatat(folder, $0, &st, AT_SYMLINK_NOFOLLOW) }) == 0 else {
            let e = attache_errno()
            if e == ENOENT { return nil }
            throw TargetError(path: path, reason: .system(step: "stat it", error: PosixError(code: e)), action: "read")
        }
        return TargetEntry(kind: Posix.kind(st.st_mode), size: Int64(st.st_size),
                           mtime: Timestamp(seconds: Int(st.st_mtim.tv_sec), nanoseconds: Int(st.st_mtim.tv_nsec)))
    }

    /// Reads the regular file at `path` below the root whole (`O_NOFOLLOW` at every
    /// component, `O_NOATIME` where allowed) and returns its size and SHA-256.
    public func hash(at path: RawPath) throws(TargetError) -> (size: Int64, sha256: ContentHash) {
        let fd = try openFile(path)
        defer { close(fd) }
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        var hasher = SHA256()
        var total: Int64 = 0
        if let error = RawFile.forEachChunk(fd, size: 1 << 20, { chunk in
            hasher.update(bufferPointer: UnsafeRawBufferPointer(chunk))
            total += Int64(chunk.count)
            return true
        }) {
            throw TargetError(path: path, reason: .system(step: "read it", error: error), action: "read")
        }
        return (total, ContentHash(bytes: hasher.finalize()))
    }

    /// The space left for an ordinary user on the target's file system (`f_bavail ×
    /// f_frsize`), or nil when it cannot be told.
    public func freeSpace() -> Int64? {
        var s = statvfs()
        guard fstatvfs(rootFD, &s) == 0 else { return nil }
        return Int64(s.f_bavail) * Int64(s.f_frsize)
    }

    /// The longest name (in bytes) one path component may have on the target's file system
    /// (`_PC_NAME_MAX` of the root), or nil when there is no limit or it cannot be told.
    public func nameLimit() -> Int? {
        let limit = fpathconf(rootFD, Int32(_PC_NAME_MAX))
        return limit > 0 ? limit : nil
    }
}
