import AttacheModel
import CFTS
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive advisory lock (`flock`) on a lock file, held while this object lives: two
/// runs of a command that must not overlap (two rewrites of one catalog would take each
/// other's runs for dead) find out at once instead of spoiling each other's work.
public final class FileLock {
    private let fd: Int32

    /// Creates `path` if missing and takes the lock without waiting.
    /// - Returns: nil when another process holds it.
    /// - Throws: ``PosixError`` when the lock file cannot be opened.
    public init?(path: String) throws(PosixError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw PosixError(code: attache_errno()) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        self.fd = fd
    }

    deinit { close(fd) }
}
