#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Read-only access to legacy files: `lstat`, and reading with `O_RDONLY | O_NOFOLLOW |
/// O_NONBLOCK` (a FIFO swapped in is never waited on), `O_NOATIME` where permitted.
enum SourceFiles {
    enum Kind { case regular, directory, symlink, other }

    /// What is at `path` (not following a final symlink), or the `errno` of `lstat`.
    static func kind(of path: String) -> Result<Kind, SourceErrno> {
        var st = stat()
        guard lstat(path, &st) == 0 else { return .failure(SourceErrno(errno)) }
        return .success(kind(st.st_mode))
    }

    /// What is at `path`, following symlinks (for the source's own file or folder, which may
    /// legitimately be a link).
    static func followedKind(of path: String) -> Result<Kind, SourceErrno> {
        var st = stat()
        guard stat(path, &st) == 0 else { return .failure(SourceErrno(errno)) }
        return .success(kind(st.st_mode))
    }

    static func kind(_ mode: mode_t) -> Kind {
        switch mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// Opens a regular file for reading; `followLinks` false refuses a symlink (ELOOP).
    static func openRegular(_ path: String, followLinks: Bool) -> Result<Int32, SourceErrno> {
        path.withCString { openRegular(cPath: $0, followLinks: followLinks) }
    }

    /// Opens a regular file, named by a NUL-terminated byte path, for reading.
    static func openRegular(cPath path: UnsafePointer<CChar>, followLinks: Bool) -> Result<Int32, SourceErrno> {
        var flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC
        if !followLinks { flags |= O_NOFOLLOW }
        #if os(Linux) && (arch(x86_64) || arch(arm64))
        let noAccessTime: Int32 = 0o1000000 // O_NOATIME (needs _GNU_SOURCE, so not imported)
        var fd = open(path, flags | noAccessTime)
        if fd < 0 && errno == EPERM { fd = open(path, flags) }
        #else
        let fd = open(path, flags)
        #endif
        guard fd >= 0 else { return .failure(SourceErrno(errno)) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { let e = errno; close(fd); return .failure(SourceErrno(e)) }
        guard kind(st.st_mode) == .regular else {
            close(fd)
            return .failure(SourceErrno(kind(st.st_mode) == .directory ? EISDIR : EINVAL))
        }
        return .success(fd)
    }

    /// Calls `body` with successive chunks of an open file until the end; closes nothing.
    static func forEachChunk(_ fd: Int32, size: Int = 1 << 18,
                             _ body: (UnsafeBufferPointer<UInt8>) throws -> Bool) throws -> SourceErrno? {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, size)
            if n < 0 {
                if errno == EINTR { continue }
                return SourceErrno(errno)
            }
            if n == 0 { return nil }
            let chunk = UnsafeBufferPointer(start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n)
            if try !body(chunk) { return nil }
        }
    }

    /// The whole content of an open file.
    static func readAll(_ fd: Int32) -> Result<[UInt8], SourceErrno> {
        var bytes: [UInt8] = []
        var st = stat()
        if fstat(fd, &st) == 0 { bytes.reserveCapacity(Int(st.st_size)) }
        do {
            if let error = try forEachChunk(fd, { bytes.append(contentsOf: $0); return true }) {
                return .failure(error)
            }
        } catch {}
        return .success(bytes)
    }
}

/// An `errno` value with its message.
struct SourceErrno: Error, Equatable {
    var code: Int32
    init(_ code: Int32) { self.code = code }
    var message: String { String(cString: strerror(code)) }
}
