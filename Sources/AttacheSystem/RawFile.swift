import AttacheModel
import CFTS
#if canImport(Glibc)
import Glibc
#endif

/// Read-only access to single files and folders on raw bytes, for the readers of legacy
/// records (SQLite databases, CSV exports, folders of notes). The walker and the content
/// reader use the same layer (``Posix``), so there is one set of open flags and one
/// `O_NOATIME` for everything attache reads.
///
/// A file is opened `O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC` (a FIFO swapped in is never
/// waited on, a terminal never becomes ours), `O_NOFOLLOW` unless links are followed on
/// purpose, and `O_NOATIME` where the kernel allows it, so reading a legacy file leaves even
/// its access time as it was. `fstat` must then say "regular file".
public enum RawFile {
    /// What `stat` says about `path`, or with `followLinks` false what `lstat` says (a link
    /// is then `.symlink`).
    public static func status(of path: RawPath, followLinks: Bool) -> Result<FileStat, PosixError> {
        var st = stat()
        let rc = Posix.withCString(path.bytes) { followLinks ? stat($0, &st) : lstat($0, &st) }
        guard rc == 0 else { return .failure(PosixError(code: attache_errno())) }
        return .success(Posix.fileStat(st))
    }

    /// What is at `path` (see ``status(of:followLinks:)``).
    public static func kind(of path: RawPath, followLinks: Bool) -> Result<EntryKind, PosixError> {
        status(of: path, followLinks: followLinks).map(\.kind)
    }

    /// Opens a regular file for reading.
    /// - Parameter followLinks: false refuses a final symlink (`ELOOP`).
    /// - Returns: the descriptor (the caller closes it), or the errno: `EISDIR` for a folder,
    ///   `EINVAL` for anything else that is not a regular file.
    public static func openRegular(_ path: RawPath, followLinks: Bool) -> Result<Int32, PosixError> {
        var flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC
        if !followLinks { flags |= O_NOFOLLOW }
        let fd: Int32
        switch Posix.openWithoutAccessTime(path.bytes, flags: flags) {
        case .success(let opened): fd = opened
        case .failure(let e): return .failure(e)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else { let e = attache_errno(); close(fd); return .failure(PosixError(code: e)) }
        let kind = Posix.kind(st.st_mode)
        guard kind == .regular else {
            close(fd)
            return .failure(PosixError(code: kind == .directory ? EISDIR : EINVAL))
        }
        return .success(fd)
    }

    /// Calls `body` with successive chunks of an open file until the end of the file or until
    /// `body` returns false; closes nothing.
    /// - Returns: the errno of a failed read, or nil.
    public static func forEachChunk(_ fd: Int32, size: Int = 1 << 18,
                                    _ body: (UnsafeBufferPointer<UInt8>) throws -> Bool) rethrows -> PosixError? {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, size)
            if n < 0 {
                let e = attache_errno()
                if e == EINTR { continue }
                return PosixError(code: e)
            }
            if n == 0 { return nil }
            let chunk = UnsafeBufferPointer(start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n)
            if try !body(chunk) { return nil }
        }
    }

    /// The rest of an open file, from its current offset.
    public static func readAll(_ fd: Int32) -> Result<[UInt8], PosixError> {
        var bytes: [UInt8] = []
        var st = stat()
        if fstat(fd, &st) == 0 { bytes.reserveCapacity(Int(st.st_size)) }
        if let error = forEachChunk(fd, { bytes.append(contentsOf: $0); return true }) { return .failure(error) }
        return .success(bytes)
    }

    /// The whole content of the regular file at `path` (see ``openRegular(_:followLinks:)``).
    public static func readAll(_ path: RawPath, followLinks: Bool) -> Result<[UInt8], PosixError> {
        switch openRegular(path, followLinks: followLinks) {
        case .failure(let e): return .failure(e)
        case .success(let fd):
            defer { close(fd) }
            return readAll(fd)
        }
    }

    /// Up to `count` bytes from the start of an open file (fewer at its end; a short read is
    /// retried), for headers such as a database's magic.
    public static func readPrefix(_ fd: Int32, count: Int) -> Result<[UInt8], PosixError> {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + filled, count - filled, off_t(filled)) }
            if n < 0 {
                let e = attache_errno()
                if e == EINTR { continue }
                return .failure(PosixError(code: e))
            }
            if n == 0 { break }
            filled += n
        }
        bytes.removeSubrange(filled...)
        return .success(bytes)
    }
}

/// One entry of a folder, as ``RawFile/list(_:)`` gives it.
public struct DirectoryEntry: Sendable, Equatable {
    /// The name, as the file system gave its bytes.
    public var name: RawPath
    /// What it is, not following links (`.other` when it vanished or cannot be stat'ed).
    public var kind: EntryKind
    public init(name: RawPath, kind: EntryKind) { self.name = name; self.kind = kind }
}

extension RawFile {
    /// The entries of the folder at `path` (every name but `.` and `..`), typed with `fstatat`
    /// not following links, in the order `readdir` gives them (callers sort as they need).
    /// The folder is opened with `O_NOATIME` where allowed, so listing it leaves its access
    /// time as it was.
    public static func list(_ path: RawPath) -> Result<[DirectoryEntry], PosixError> {
        let fd: Int32
        switch Posix.openWithoutAccessTime(path.bytes, flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC) {
        case .success(let opened): fd = opened
        case .failure(let e): return .failure(e)
        }
        guard let dir = fdopendir(fd) else { let e = attache_errno(); close(fd); return .failure(PosixError(code: e)) }
        defer { closedir(dir) }
        var entries: [DirectoryEntry] = []
        while let entry = readdir(dir) {
            let name: [UInt8] = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: UInt8.self, capacity: 256) { bytes in
                    Array(UnsafeBufferPointer(start: bytes, count: strlen(UnsafeRawPointer(bytes).assumingMemoryBound(to: CChar.self))))
                }
            }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            var st = stat()
            let stated = Posix.withCString(name) { fstatat(fd, $0, &st, AT_SYMLINK_NOFOLLOW) } == 0
            entries.append(DirectoryEntry(name: RawPath(bytes: name), kind: stated ? Posix.kind(st.st_mode) : .other))
        }
        return .success(entries)
    }
}
