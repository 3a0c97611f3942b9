import AttacheModel
import CFTS
#if canImport(Glibc)
import Glibc
#endif

/// Small wrappers over the POSIX calls the walker and the reader share.
enum Posix {
    static func errnoDescription(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// Converts a `stat` into attache's value type.
    static func fileStat(_ st: stat) -> FileStat {
        FileStat(
            kind: kind(st.st_mode), size: Int64(st.st_size),
            mtime: Timestamp(seconds: Int(st.st_mtim.tv_sec), nanoseconds: Int(st.st_mtim.tv_nsec)),
            ctime: Timestamp(seconds: Int(st.st_ctim.tv_sec), nanoseconds: Int(st.st_ctim.tv_nsec)),
            key: FileKey(device: UInt64(st.st_dev), inode: UInt64(st.st_ino)),
            mode: UInt32(st.st_mode), uid: UInt32(st.st_uid), gid: UInt32(st.st_gid))
    }

    /// The kind of entry a `stat` mode describes.
    static func kind(_ mode: mode_t) -> EntryKind {
        switch mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        case S_IFIFO: return .fifo
        case S_IFSOCK: return .socket
        case S_IFCHR: return .charDevice
        case S_IFBLK: return .blockDevice
        default: return .other
        }
    }

    /// Calls `body` with a NUL-terminated copy of `bytes`.
    static func withCString<T>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        var z = bytes
        z.append(0)
        return z.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { body($0) }
        }
    }

    /// Raises the soft limit of open files to the hard limit: a deep tree holds one
    /// descriptor per level while it is walked.
    static func raiseOpenFileLimit() {
        var lim = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &lim) == 0, lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &lim)
        }
    }

    /// The longest path open(2) accepts in one piece.
    static let pathMax = Int(PATH_MAX)

    /// Opens `path` (absolute, raw bytes) with `flags`. Paths longer than PATH_MAX are opened
    /// component by component with openat, so very deep trees are still read.
    /// - Returns: the descriptor, or the errno.
    static func open(_ path: [UInt8], flags: Int32) -> Result<Int32, PosixError> {
        if path.count < pathMax {
            let fd = withCString(path) { Glibc.open($0, flags) }
            return fd >= 0 ? .success(fd) : .failure(PosixError(code: attache_errno()))
        }
        // Walk the folders with openat; never follow a symlink on the way.
        let parts = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        var dirFD = Glibc.open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirFD >= 0 else { return .failure(PosixError(code: attache_errno())) }
        for (i, part) in parts.enumerated() {
            let last = i == parts.count - 1
            let f = last ? flags : (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let next = withCString(Array(part)) { openat(dirFD, $0, f) }
            let err = attache_errno()
            close(dirFD)
            guard next >= 0 else { return .failure(PosixError(code: err)) }
            dirFD = next
        }
        return .success(dirFD)
    }
}

extension Posix {
    /// Opens `path` like ``open(_:flags:)``, adding `O_NOATIME` so reading leaves the access
    /// time as it was; the kernel allows that flag only to the file's owner (or
    /// `CAP_FOWNER`), so on `EPERM` it opens again without it.
    static func openWithoutAccessTime(_ path: [UInt8], flags: Int32) -> Result<Int32, PosixError> {
        let opened = open(path, flags: flags | ATTACHE_O_NOATIME)
        if case .failure(let e) = opened, e.code == EPERM { return open(path, flags: flags) }
        return opened
    }
}

/// An errno with its message.
public struct PosixError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: Int32
    public init(code: Int32) { self.code = code }
    public var description: String { Posix.errnoDescription(code) }
}

/// The C library's standard output stream (Swift's `print` writes through it).
public enum StandardOutput {
    /// Writes out what `print` has buffered.
    public static func flush() { attache_stdout_flush() }
    /// One write per line, whatever file descriptor 1 is now (a pipe would be fully buffered).
    public static func lineBuffered() { attache_stdout_line_buffered() }
}
