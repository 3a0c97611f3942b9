import AttacheModel
import CFTS
import Crypto
import Foundation
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

/// MIME types already found in this scan, by content hash, shared by the readers.
/// libmagic's answer depends only on the bytes it is given, so a second copy of the same
/// content needs no second call (about one file in eight on a CRM share is a duplicate).
public final class MimeCache: @unchecked Sendable {
    private let lock = NSLock()
    private var byHash: [ContentHash: String] = [:]
    public init() {}
    func mime(for hash: ContentHash) -> String? { lock.lock(); defer { lock.unlock() }; return byHash[hash] }
    func store(_ mime: String, for hash: ContentHash) { lock.lock(); byHash[hash] = mime; lock.unlock() }
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
    /// One chunk of the file, after room for the sample: the first chunk is read at offset 0,
    /// every later one at ``MagicClassifier/sampleSize``, so the file's first bytes stay where
    /// they were read for libmagic (no copy of the sample per file).
    private let buffer: UnsafeMutableRawBufferPointer
    private let magic: MagicClassifier
    private let cache: MimeCache
    private let faults: ReadFaults
    private let attempts: Int
    /// Bytes read through this reader, across files (tests use it to prove a file was not read).
    public private(set) var bytesRead: Int64 = 0

    public static let chunkSize = 1 << 20

    /// Calls to libmagic made by this reader (tests use it to prove the cache works).
    public private(set) var classifications = 0

    public init(faults: ReadFaults = ReadFaults(), attempts: Int = 3, cache: MimeCache = MimeCache()) throws(MagicError) {
        magic = try MagicClassifier()
        self.cache = cache
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: MagicClassifier.sampleSize + ContentReader.chunkSize,
                                                        alignment: 4096)
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
        let opened = Posix.openWithoutAccessTime(path.bytes, flags: base)
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
        var sampled = 0
        var total: Int64 = 0
        while true {
            if isCancelled() { return .cancelled(bytes: total) }
            // Fill one chunk (a short read is not the end of the file); after the first, past
            // the sample, which stays in place for libmagic.
            let start = total == 0 ? 0 : MagicClassifier.sampleSize
            let base = buffer.baseAddress! + start
            var filled = 0
            var eof = false
            while filled < ContentReader.chunkSize {
                let n = Glibc.read(fd, base + filled, ContentReader.chunkSize - filled)
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
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[start..<start + filled])
            if total == 0 { sampled = min(filled, MagicClassifier.sampleSize) }
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
        let hash = ContentHash(bytes: hasher.finalize())
        return .read(hash: hash, mime: classify(hash, sampled), stat: after, bytes: total)
    }

    /// The content type, from the cache when this content was classified before.
    private func classify(_ hash: ContentHash, _ sampled: Int) -> String {
        if sampled == 0 { return "inode/x-empty" }
        if let known = cache.mime(for: hash) { return known }
        classifications += 1
        let mime = magic.mimeType(of: UnsafeRawBufferPointer(rebasing: buffer[0..<sampled]))
        cache.store(mime, for: hash)
        return mime
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
