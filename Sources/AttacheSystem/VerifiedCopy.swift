import AttacheModel
import CFTS
import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// What the scan recorded about a source file: a copy whose bytes differ is refused.
public struct CopyExpectation: Sendable, Equatable {
    public var size: Int64
    public var sha256: ContentHash
    /// When set, a source whose modification time differs is refused before it is read.
    public var mtime: Timestamp?
    public init(size: Int64, sha256: ContentHash, mtime: Timestamp? = nil) {
        self.size = size
        self.sha256 = sha256
        self.mtime = mtime
    }
}

/// What to do when something is already at the final name.
public enum ExistingFilePolicy: Sendable, Equatable {
    /// Leave it and fail with ``TargetError/Reason/alreadyExists`` (attache never replaces
    /// what it did not write).
    case refuse
    /// Replace it (the caller knows, from its journal, that attache wrote it).
    case overwrite
}

/// What a finished copy wrote.
public struct CopyOutcome: Sendable, Equatable {
    /// Bytes copied.
    public var size: Int64
    /// The SHA-256 of the bytes copied (equal to the expected one).
    public var sha256: ContentHash
    /// The source's modification time, given to the copy.
    public var mtime: Timestamp
}

/// Test seam: faults and hooks inside a copy, to prove what it leaves behind.
public struct VerifiedCopyFaults: Sendable {
    /// Bytes read and written per step (small values make many chunks in a test).
    public var chunkSize: Int
    /// When set, writing fails with ``injectedErrno`` once this many bytes are written (the
    /// bytes before it are written, as with a disk that fills up).
    public var failAfterBytes: Int64?
    /// The errno of the injected failure.
    public var injectedErrno: Int32
    /// Called after each chunk is written, with the bytes written so far (to change the
    /// source or plant a link in the target mid-way).
    public var betweenChunks: (@Sendable (Int64) -> Void)?

    public init(chunkSize: Int = 1 << 20, failAfterBytes: Int64? = nil, injectedErrno: Int32 = ENOSPC,
                betweenChunks: (@Sendable (Int64) -> Void)? = nil) {
        self.chunkSize = max(1, chunkSize)
        self.failAfterBytes = failAfterBytes
        self.injectedErrno = injectedErrno
        self.betweenChunks = betweenChunks
    }
}

extension TargetFolder {
    /// Copies the regular file at `source` to `path` below the root, verifying its bytes.
    ///
    /// The source is opened read-only, `O_NOFOLLOW`, `O_NONBLOCK` (a FIFO is refused, never
    /// waited on) and `O_NOATIME` where allowed. The bytes go to a temporary name (exclusive
    /// create, 0644) in the destination's folder and are hashed on the way; a size or hash that
    /// differs from `expecting` means the source changed since the scan and nothing is kept.
    /// Then the file gets the source's access and modification times, is fsynced, moved to its
    /// final name and the folder fsynced. No partial file is ever under the final name; on any
    /// error the temporary file is removed.
    /// - Parameter existing: what to do when something is already at the final name.
    public func copy(from source: RawPath, to path: RawPath, expecting: CopyExpectation,
                     existing: ExistingFilePolicy = .refuse,
                     faults: VerifiedCopyFaults = VerifiedCopyFaults()) throws(TargetError) -> CopyOutcome {
        let staged = try stageCopy(from: source, to: path, expecting: expecting, existing: existing, faults: faults)
        // Durable before it is named: fsync the temporary file (reopened by name in its folder).
        let fd = Posix.withCString(staged.tempName) { openat(staged.folder, $0, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
        guard fd >= 0 else { throw systemError(path, "reopen the temporary file") }
        let synced = fsync(fd) == 0
        let e = attache_errno()
        close(fd)
        if !synced { throw TargetError(path: path, reason: .system(step: "flush it to disk (fsync)", error: PosixError(code: e))) }
        try commit(staged)
        // The rename is durable once the folder is; when it cannot be, the name is taken back
        // (the caller will not own the file: a later run must not find it under that name).
        do { try syncFolder(staged.folder, path: path) } catch {
            uncommit(staged)
            throw error
        }
        return staged.outcome
    }

    /// Opens the source read-only without following a link and checks it is a regular file.
    static func openSource(_ source: RawPath) throws(TargetError) -> (Int32, stat) {
        let flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW
        let fd: Int32
        switch Posix.openWithoutAccessTime(source.bytes, flags: flags) {
        case .success(let opened): fd = opened
        case .failure(let e) where e.code == ELOOP: throw TargetError(path: source, reason: .sourceNotRegular(.symlink))
        case .failure(let e): throw TargetError(path: source, reason: .system(step: "open the source", error: e))
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = attache_errno()
            close(fd)
            throw TargetError(path: source, reason: .system(step: "stat the source", error: PosixError(code: e)))
        }
        let kind = Posix.kind(st.st_mode)
        guard kind == .regular else {
            close(fd)
            throw TargetError(path: source, reason: .sourceNotRegular(kind))
        }
        return (fd, st)
    }

    /// Refuses a name too long for the target's file system, and something already at the
    /// final name unless `existing` allows replacing it — before any byte is copied.
    func checkFinalName(_ name: [UInt8], in folder: Int32, path: RawPath, existing: ExistingFilePolicy) throws(TargetError) {
        let nameMax = fpathconf(folder, Int32(_PC_NAME_MAX))
        if nameMax > 0, name.count > nameMax {
            throw TargetError(path: path, reason: .system(step: "check the name's length", error: PosixError(code: ENAMETOOLONG)))
        }
        var st = stat()
        let found = Posix.withCString(name) { fstatat(folder, $0, &st, AT_SYMLINK_NOFOLLOW) } == 0
        if found && existing == .refuse { throw TargetError(path: path, reason: .alreadyExists) }
        if found && Posix.kind(st.st_mode) == .directory {
            throw TargetError(path: path, reason: .system(step: "replace the file", error: PosixError(code: EISDIR)))
        }
    }

    /// Creates a temporary file (exclusive, exactly 0644) in `folder`.
    func createTemporary(in folder: Int32, path: RawPath) throws(TargetError) -> (Int32, [UInt8]) {
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC
        for _ in 0..<8 {
            let name = TargetFolder.temporaryPrefix + Array("\(getpid())-\(UInt64.random(in: 0...UInt64.max))".utf8)
            let fd = Posix.withCString(name) { openat(folder, $0, flags, 0o644) }
            if fd < 0 {
                if attache_errno() == EEXIST { continue }
                throw systemError(path, "create a temporary file beside it")
            }
            if fchmod(fd, 0o644) != 0 {
                let e = attache_errno()
                close(fd)
                _ = Posix.withCString(name) { unlinkat(folder, $0, 0) }
                throw TargetError(path: path, reason: .system(step: "set the file's mode", error: PosixError(code: e)))
            }
            return (fd, name)
        }
        throw TargetError(path: path, reason: .system(step: "create a temporary file beside it", error: PosixError(code: EEXIST)))
    }

    /// Gives the temporary file its final name. When replacing is not allowed, a hard link
    /// makes the name atomically only if it is free (`EEXIST` otherwise), then the temporary
    /// name goes; file systems without hard links fall back to a checked rename.
    func place(_ temp: [UInt8], as name: [UInt8], in folder: Int32, path: RawPath,
                       existing: ExistingFilePolicy) throws(TargetError) {
        if existing == .refuse {
            let linked = Posix.withCString(temp) { t in Posix.withCString(name) { n in linkat(folder, t, folder, n, 0) } }
            if linked == 0 {
                _ = Posix.withCString(temp) { unlinkat(folder, $0, 0) }
                return
            }
            let e = attache_errno()
            if e == EEXIST { throw TargetError(path: path, reason: .alreadyExists) }
            guard e == EPERM || e == EOPNOTSUPP || e == EMLINK || e == ENOSYS else {
                throw TargetError(path: path, reason: .system(step: "give it its final name", error: PosixError(code: e)))
            }
            var st = stat()
            if Posix.withCString(name, { fstatat(folder, $0, &st, AT_SYMLINK_NOFOLLOW) }) == 0 {
                throw TargetError(path: path, reason: .alreadyExists)
            }
        }
        let renamed = Posix.withCString(temp) { t in Posix.withCString(name) { n in renameat(folder, t, folder, n) } }
        if renamed != 0 { throw systemError(path, "rename it into place") }
        // rename(2) does nothing when both names are links to one inode (a hard link placed
        // again over itself): the temporary name would stay.
        _ = Posix.withCString(temp) { unlinkat(folder, $0, 0) }
    }

    /// Makes renames in `folder` durable; some file systems cannot fsync a folder (EINVAL, ENOTSUP).
    func syncFolder(_ folder: Int32, path: RawPath) throws(TargetError) {
        if fsync(folder) != 0 {
            let e = attache_errno()
            if e != EINVAL && e != ENOTSUP {
                throw TargetError(path: path, reason: .system(step: "flush its folder to disk (fsync)", error: PosixError(code: e)))
            }
        }
    }

    /// Copies `from` to `to` chunk by chunk, hashing the bytes.
    /// - Returns: the bytes copied and their SHA-256.
    static func stream(_ from: Int32, to: Int32, path: RawPath, faults: VerifiedCopyFaults) throws(TargetError) -> (Int64, ContentHash) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: faults.chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        _ = posix_fadvise(from, 0, 0, POSIX_FADV_SEQUENTIAL)
        var hasher = SHA256()
        var total: Int64 = 0
        while true {
            let n = Glibc.read(from, buffer.baseAddress, buffer.count)
            if n < 0 {
                if attache_errno() == EINTR { continue }
                throw TargetError(path: path, reason: .system(step: "read the source", error: PosixError(code: attache_errno())))
            }
            if n == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            hasher.update(bufferPointer: chunk)
            try writeAll(chunk, to: to, written: total, path: path, faults: faults)
            total += Int64(n)
            faults.betweenChunks?(total)
        }
        return (total, ContentHash(bytes: hasher.finalize()))
    }

    /// Writes all of `chunk` (a short write is continued), or fails as `faults` says.
    private static func writeAll(_ chunk: UnsafeRawBufferPointer, to fd: Int32, written: Int64, path: RawPath,
                                 faults: VerifiedCopyFaults) throws(TargetError) {
        var offset = 0
        while offset < chunk.count {
            var length = chunk.count - offset
            if let limit = faults.failAfterBytes {
                let room = limit - written - Int64(offset)
                if room <= 0 {
                    throw TargetError(path: path, reason: .system(step: "write", error: PosixError(code: faults.injectedErrno)))
                }
                length = min(length, Int(room))
            }
            let n = Glibc.write(fd, chunk.baseAddress! + offset, length)
            if n < 0 {
                if attache_errno() == EINTR { continue }
                throw TargetError(path: path, reason: .system(step: "write", error: PosixError(code: attache_errno())))
            }
            offset += n
        }
    }

    /// A failed system call's error, from the current errno.
    private func systemError(_ path: RawPath, _ step: String) -> TargetError {
        TargetError(path: path, reason: .system(step: step, error: PosixError(code: attache_errno())))
    }
}
