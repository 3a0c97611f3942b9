import AttacheModel
import CFTS
import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// Seams for tests to inject failures the real file system rarely produces on demand:
/// an open that fails with a chosen errno, a file that changes while it is read.
public struct ReadFaults: Sendable {
    /// Called before each open with the absolute path; return an errno to make the open fail with it.
    public var openError: (@Sendable (RawPath) -> Int32?)?
    /// Called after each chunk is read (path, bytes read so far); a test may modify the file here.
    public var afterChunk: (@Sendable (RawPath, Int64) -> Void)?
    public init(openError: (@Sendable (RawPath) -> Int32?)? = nil, afterChunk: (@Sendable (RawPath, Int64) -> Void)? = nil) {
        self.openError = openError
        self.afterChunk = afterChunk
    }
}

/// What reading one file gave.
public enum ReadOutcome: Sendable {
    /// The whole file was read with the same metadata before and after.
    case read(hash: ContentHash, mime: String, stat: FileStat, bytes: Int64)
    /// Reading failed; the file's content is not known. `bytes` were read (and hashed) before it failed.
    case failed(ProblemCode, String, bytes: Int64, stat: FileStat?)
    /// Reading was cancelled part-way.
    case cancelled(bytes: Int64)
}

/// Reads a regular file once, feeding the same buffers to SHA-256 and (the first 64 KiB)
/// to libmagic. One per worker: it owns its buffer and its libmagic cookie.
///
/// The file is opened read-only with `O_NOFOLLOW | O_NONBLOCK | O_NOCTTY` (a FIFO that
/// appeared since the walk cannot block the scan) and `O_NOATIME` where allowed, so even
/// the access time of a legacy file is left as it was. If the size, mtime or ctime differ
/// after the read, the file is read again (up to `attempts` times) and otherwise flagged.
public final class ContentReader {
    private let buffer: UnsafeMutableRawBufferPointer
    private let magic: MagicClassifier
    private let faults: ReadFaults
    private let attempts: Int
    /// Bytes read through this reader, across files (tests use it to prove a file was not read).
    public private(set) var bytesRead: Int64 = 0

    public static let chunkSize = 1 << 20

    public init(faults: ReadFaults = ReadFaults(), attempts: Int = 3) throws(MagicError) {
        magic = try MagicClassifier()
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: ContentReader.chunkSize, alignment: 4096)
        self.faults = faults
        self.attempts = max(1, attempts)
    }

    deinit { buffer.deallocate() }

    /// Reads the file at `path` (absolute raw bytes).
    /// - Parameter isCancelled: polled between chunks.
    public func read(_ path: RawPath, isCancelled: () -> Bool = { false }) -> ReadOutcome {
        var total: Int64 = 0
        for attempt in 1...attempts {
            let outcome = readOnce(path, isCancelled: isCancelled)
            switch outcome {
            case .read(_, _, _, let b):
                return addingBytes(outcome, total + b)
            case .failed(.changedWhileReading, let detail, let b, let st):
                total += b
                if attempt == attempts {
                    return .failed(.changedWhileReading, "\(detail) (\(attempts) tries)", bytes: total, stat: st)
                }
            case .failed(let code, let detail, let b, let st):
                return .failed(code, detail, bytes: total + b, stat: st)
            case .cancelled(let b):
                return .cancelled(bytes: total + b)
            }
        }
        return .failed(.changedWhileReading, "unreachable", bytes: total, stat: nil)
    }

    private func addingBytes(_ o: ReadOutcome, _ total: Int64) -> ReadOutcome {
        if case .read(let h, let m, let s, _) = o { return .read(hash: h, mime: m, stat: s, bytes: total) }
        return o
    }

    private func readOnce(_ path: RawPath, isCancelled: () -> Bool) -> ReadOutcome {
        if let injected = faults.openError?(path) { return failure(injected, "cannot open", bytes: 0, stat: nil) }
        let base = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY
        var opened = Posix.open(path.bytes, flags: base | ATTACHE_O_NOATIME)
        if case .failure(let e) = opened, e.code == EPERM {
            // O_NOATIME is allowed only to the file's owner (or CAP_FOWNER): open without it.
            opened = Posix.open(path.bytes, flags: base)
        }
        let fd: Int32
        switch opened {
        case .success(let f): fd = f
        case .failure(let e): return failure(e.code, "cannot open", bytes: 0, stat: nil)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return failure(attache_errno(), "cannot stat", bytes: 0, stat: nil) }
        let before = Posix.fileStat(st)
        guard before.kind == .regular else {
            return .failed(.vanished, "replaced by a \(before.kind.rawValue) since it was listed", bytes: 0, stat: before)
        }
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)

        var hasher = SHA256()
        var mime: String? = nil
        var total: Int64 = 0
        while true {
            if isCancelled() { return .cancelled(bytes: total) }
            // Fill the buffer (a short read is not the end of the file).
            var filled = 0
            var eof = false
            while filled < buffer.count {
                let n = Glibc.read(fd, buffer.baseAddress! + filled, buffer.count - filled)
                if n < 0 {
                    let e = attache_errno()
                    if e == EINTR { continue }
                    if e == EAGAIN { usleep(1000); continue }
                    bytesRead += Int64(filled)
                    return failure(e, "read failed after \(total + Int64(filled)) bytes", bytes: total + Int64(filled), stat: before)
                }
                if n == 0 { eof = true; break }
                filled += n
            }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<filled])
            if mime == nil {
                mime = before.size == 0 && filled == 0
                    ? "inode/x-empty"
                    : magic.mimeType(of: UnsafeRawBufferPointer(rebasing: chunk[0..<min(filled, MagicClassifier.sampleSize)]))
            }
            if filled > 0 { hasher.update(bufferPointer: chunk) }
            total += Int64(filled)
            bytesRead += Int64(filled)
            faults.afterChunk?(path, total)
            if eof { break }
        }
        guard fstat(fd, &st) == 0 else { return failure(attache_errno(), "cannot stat", bytes: total, stat: before) }
        let after = Posix.fileStat(st)
        if after.size != before.size || after.mtime != before.mtime || after.ctime != before.ctime || total != after.size {
            return .failed(.changedWhileReading, "size \(before.size) → \(after.size), read \(total) bytes", bytes: total, stat: after)
        }
        return .read(hash: ContentHash(bytes: hasher.finalize()), mime: mime ?? "inode/x-empty", stat: after, bytes: total)
    }

    private func failure(_ code: Int32, _ what: String, bytes: Int64, stat: FileStat?) -> ReadOutcome {
        let problem: ProblemCode
        switch code {
        case EACCES, EPERM: problem = .permissionDenied
        case ENOENT, ELOOP, ENOTDIR: problem = .vanished
        default: problem = .ioError
        }
        return .failed(problem, "\(what): \(Posix.errnoDescription(code))", bytes: bytes, stat: stat)
    }
}
