import AttacheModel
import CFTS
import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// How ``TargetFolder/link(from:to:expecting:existing:)`` placed a file without copying it.
public enum LinkMethod: String, Sendable, Equatable {
    /// A copy-on-write clone (`FICLONE`): a file of its own sharing the source's blocks.
    case reflink
    /// A hard link: the target file IS the source's inode.
    case hardlink
}

/// What a finished link placed.
public struct LinkOutcome: Sendable, Equatable {
    public var method: LinkMethod
    /// The source's size in bytes.
    public var size: Int64
    /// The SHA-256 of the source's bytes, read to verify them (equal to the expected one).
    public var sha256: ContentHash
    /// The source's modification time (the placed file's too).
    public var mtime: Timestamp
}

extension TargetFolder {
    /// Places the regular file at `source` at `path` below the root without copying its
    /// bytes, when both are on one file system: a reflink where the file system can clone
    /// (Btrfs, XFS…), else a hard link.
    ///
    /// Linking skips the write, not the verification: the source's size and modification time
    /// are checked against `expecting` first, then it is read whole and its SHA-256 compared
    /// (``TargetError/Reason/changedSinceScan(_:)`` when anything differs, nothing placed).
    /// The clone or link is made under a temporary name in the destination's folder, then
    /// named like ``copy(from:to:expecting:existing:faults:)`` names a copy (contained,
    /// never replacing anything unless `existing` is `.overwrite`), and the folder fsynced.
    ///
    /// - Important: with a hard link the target file and the source are one file (one
    ///   inode): editing either edits both, and its times and mode are the source's. A
    ///   reflink is independent once made.
    /// - Returns: how it was placed, or nil when neither a reflink nor a hard link is possible
    ///   here (another file system, links not supported or not permitted, too many links): the
    ///   caller then copies. Nothing is left in the target in that case.
    public func link(from source: RawPath, to path: RawPath, expecting: CopyExpectation,
                     existing: ExistingFilePolicy = .refuse) throws(TargetError) -> LinkOutcome? {
        let parts = try TargetFolder.components(of: path)
        let (sourceFD, before) = try TargetFolder.openSource(source)
        defer { close(sourceFD) }
        let mtime = Timestamp(seconds: Int(before.st_mtim.tv_sec), nanoseconds: Int(before.st_mtim.tv_nsec))
        try TargetFolder.verify(sourceFD, before, source: source, expecting: expecting)

        var st = stat()
        // Another file system: decided before any folder is made, so nothing is left behind.
        guard fstat(rootFD, &st) == 0, st.st_dev == before.st_dev else { return nil }
        let folderParts = parts.dropLast()
        let folder = try openFolder(folderParts, create: true, for: path)
        defer { close(folder) }
        let name = parts[parts.count - 1]
        try checkFinalName(name, in: folder, path: path, existing: existing)
        guard fstat(folder, &st) == 0, st.st_dev == before.st_dev else { return nil }  // a mount point on the way

        let method: LinkMethod
        let temp: [UInt8]
        if let cloned = try reflink(sourceFD, before, in: folder, path: path) {
            (method, temp) = (.reflink, cloned)
        } else if let linked = try hardLink(source, sourceFD, in: folder, path: path) {
            (method, temp) = (.hardlink, linked)
        } else {
            return nil
        }
        do {
            try ensureStillContained(folder, folderParts, for: path)
            try place(temp, as: name, in: folder, path: path, existing: existing)
        } catch {
            _ = Posix.withCString(temp) { unlinkat(folder, $0, 0) }
            throw error.during("link")
        }
        try syncFolder(folder, path: path)
        return LinkOutcome(method: method, size: expecting.size, sha256: expecting.sha256, mtime: mtime)
    }

    /// Checks the open source against the scan: size and mtime, then its bytes' SHA-256, then
    /// that its size and mtime did not move while it was read.
    static func verify(_ fd: Int32, _ before: stat, source: RawPath, expecting: CopyExpectation) throws(TargetError) {
        func changed(_ what: String) -> TargetError { TargetError(path: source, reason: .changedSinceScan(what), action: "link") }
        if Int64(before.st_size) != expecting.size { throw changed("its size is \(before.st_size) bytes, the scan saw \(expecting.size)") }
        let mtime = Timestamp(seconds: Int(before.st_mtim.tv_sec), nanoseconds: Int(before.st_mtim.tv_nsec))
        if let expected = expecting.mtime, expected != mtime { throw changed("its modification time is not the one the scan saw") }
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        var hasher = SHA256()
        var total: Int64 = 0
        let error = RawFile.forEachChunk(fd, size: 1 << 20) { chunk in
            hasher.update(bufferPointer: UnsafeRawBufferPointer(chunk))
            total += Int64(chunk.count)
            return true
        }
        if let error { throw TargetError(path: source, reason: .system(step: "read the source", error: error), action: "link") }
        if total != expecting.size { throw changed("\(total) bytes were read, the scan saw \(expecting.size)") }
        if ContentHash(bytes: hasher.finalize()) != expecting.sha256 { throw changed("its SHA-256 is not the one the scan recorded") }
        var after = stat()
        if fstat(fd, &after) != 0 || after.st_size != before.st_size || after.st_mtim.tv_sec != before.st_mtim.tv_sec
            || after.st_mtim.tv_nsec != before.st_mtim.tv_nsec {
            throw changed("it was modified while it was read")
        }
    }

    /// `ioctl(FICLONE)` into a new temporary file of `folder`, given the source's times and
    /// fsynced. - Returns: the temporary name, or nil when the file system cannot clone.
    private func reflink(_ sourceFD: Int32, _ st: stat, in folder: Int32, path: RawPath) throws(TargetError) -> [UInt8]? {
        let (fd, temp) = try createTemporary(in: folder, path: path)
        defer { close(fd) }
        // FICLONE = _IOW(0x94, 9, int): Swift does not import the macro.
        if ioctl(fd, 0x4004_9409, sourceFD) != 0 {
            let e = attache_errno()
            _ = Posix.withCString(temp) { unlinkat(folder, $0, 0) }
            if [EOPNOTSUPP, ENOTTY, EXDEV, EINVAL, ENOSYS, EPERM, EBADF].contains(e) { return nil }
            throw TargetError(path: path, reason: .system(step: "clone the source (reflink)", error: PosixError(code: e)), action: "link")
        }
        var times = [st.st_atim, st.st_mtim]
        if futimens(fd, &times) != 0 || fsync(fd) != 0 {
            let e = attache_errno()
            _ = Posix.withCString(temp) { unlinkat(folder, $0, 0) }
            throw TargetError(path: path, reason: .system(step: "set the clone's times and flush it", error: PosixError(code: e)), action: "link")
        }
        return temp
    }

    /// A hard link to `source` under a new temporary name of `folder`, checked to be the very
    /// inode open as `sourceFD` (the source path swapped meanwhile is refused).
    /// - Returns: the temporary name, or nil when a hard link is not possible here.
    private func hardLink(_ source: RawPath, _ sourceFD: Int32, in folder: Int32, path: RawPath) throws(TargetError) -> [UInt8]? {
        var opened = stat()
        guard fstat(sourceFD, &opened) == 0 else { return nil }
        for _ in 0..<8 {
            let temp = TargetFolder.temporaryPrefix + Array("\(getpid())-\(UInt64.random(in: 0...UInt64.max))".utf8)
            // No AT_SYMLINK_FOLLOW: a link swapped in at the source's name is linked as a link, and refused below.
            let rc = Posix.withCString(source.bytes) { s in Posix.withCString(temp) { t in linkat(AT_FDCWD, s, folder, t, 0) } }
            if rc != 0 {
                let e = attache_errno()
                if e == EEXIST { continue }
                if [EXDEV, EPERM, EOPNOTSUPP, EMLINK, ENOSYS, EACCES].contains(e) { return nil }
                throw TargetError(path: path, reason: .system(step: "hard-link the source", error: PosixError(code: e)), action: "link")
            }
            var linked = stat()
            let same = Posix.withCString(temp) { fstatat(folder, $0, &linked, AT_SYMLINK_NOFOLLOW) } == 0
                && linked.st_dev == opened.st_dev && linked.st_ino == opened.st_ino
            if !same {
                _ = Posix.withCString(temp) { unlinkat(folder, $0, 0) }
                throw TargetError(path: source, reason: .changedSinceScan("another file took its name while it was linked"), action: "link")
            }
            return temp
        }
        throw TargetError(path: path, reason: .system(step: "hard-link the source", error: PosixError(code: EEXIST)), action: "link")
    }
}
