import AttacheModel
import CFTS
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a file so that a reader — or a run after a crash — sees either the old content
/// or the new, never half: the bytes go to a temporary file in the same folder, which is
/// fsynced, renamed over the destination, and the folder fsynced (so the rename itself
/// survives a power cut).
///
/// The file gets exactly `mode` (the umask does not apply: callers say what the file must
/// be). On any error nothing is left behind and an existing file keeps its old content.
public enum AtomicFile {
    /// Writes `bytes` to `path` in one piece.
    public static func write(_ bytes: some Collection<UInt8>, to path: RawPath, mode: mode_t = 0o644,
                             faults: AtomicFileFaults = AtomicFileFaults()) throws(AtomicFileError) {
        let writer = try AtomicWriter(path: path, mode: mode, faults: faults)
        try writer.write(Array(bytes))
        try writer.commit()
    }

    /// Writes `bytes` to `path` (a file-system path as text).
    public static func write(_ bytes: some Collection<UInt8>, to path: String, mode: mode_t = 0o644,
                             faults: AtomicFileFaults = AtomicFileFaults()) throws(AtomicFileError) {
        try write(bytes, to: RawPath(path), mode: mode, faults: faults)
    }

    /// Streams a large output: `body` writes through the ``AtomicWriter`` as it goes, and the
    /// file is committed when `body` returns. When `body` throws, the temporary file is
    /// removed, the destination is untouched, and the error is rethrown.
    public static func write<T>(to path: RawPath, mode: mode_t = 0o644, faults: AtomicFileFaults = AtomicFileFaults(),
                                _ body: (AtomicWriter) throws -> T) throws -> T {
        let writer = try AtomicWriter(path: path, mode: mode, faults: faults)
        do {
            let value = try body(writer)
            try writer.commit()
            return value
        } catch {
            writer.discard()
            throw error
        }
    }
}

/// Test seam: make an atomic write fail at a chosen step, to prove what is left behind.
public struct AtomicFileFaults: Sendable {
    /// Called with the temporary file's path after it is written and fsynced, just before
    /// the rename; an errno returned makes the write fail there.
    public var beforeRename: (@Sendable (RawPath) -> Int32?)?
    public init(beforeRename: (@Sendable (RawPath) -> Int32?)? = nil) { self.beforeRename = beforeRename }
}

/// Why an atomic write failed: which file, at which step, and the system's reason.
public struct AtomicFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The destination.
    public let path: String
    /// What was being done: "create a temporary file beside it", "write", "rename it into place"…
    public let step: String
    public let error: PosixError

    public var description: String { "cannot write \(path): \(step) failed: \(error)" }
}

/// An atomic write in progress: a temporary file beside the destination, written through
/// ``write(_:)`` and moved into place by ``commit()``. Dropping it without committing (or
/// ``discard()``) removes the temporary file.
///
/// Inside a ``TargetFolder`` (see ``TargetFolder/archiveWriter(at:format:existing:cancellation:faults:)``)
/// the writer holds the destination folder's descriptor, opened without following links; the
/// temporary file is created in it (a name starting with ``TargetFolder/temporaryPrefix``) and
/// is placed there after checking the folder is still inside the target.
public final class AtomicWriter {
    /// The destination (relative to the target root for a writer inside a target).
    public let path: RawPath
    /// The temporary file, in the destination's folder (a rename is atomic only within one file system).
    public let temporaryPath: RawPath
    /// ``temporaryPath`` as a path the file system opens (for a writer inside a target, below
    /// the target's root): for libraries that open files by name, such as SQLite.
    public var temporaryFileSystemPath: RawPath { placement.map { $0.target.fileSystemPath(temporaryPath) } ?? temporaryPath }
    private var fd: Int32
    private let faults: AtomicFileFaults
    private var finished = false
    /// Set for a writer inside a target: where, and how, the file is placed.
    private let placement: TargetPlacement?
    /// Bytes written so far.
    public private(set) var bytesWritten: Int64 = 0
    /// Writing straight into a device or FIFO that is already there (nothing to rename).
    private var isStream = false
    /// Whether the writer places its file inside a ``TargetFolder``.
    var isInTarget: Bool { placement != nil }

    /// A write inside a target: the folder is open for the writer's life.
    struct TargetPlacement {
        let target: TargetFolder
        let folderFD: Int32
        let folderParts: ArraySlice<[UInt8]>
        let temporaryName: [UInt8]
        let finalName: [UInt8]
        let existing: ExistingFilePolicy
    }

    /// Creates the temporary file (exclusive, 0644) in the folder of `path` below `target`,
    /// creating missing folders, never following a link. Something already at `path` is
    /// refused now when `existing` is `.refuse` (and again when placing).
    init(in target: TargetFolder, path: RawPath, existing: ExistingFilePolicy,
         faults: AtomicFileFaults = AtomicFileFaults()) throws(TargetError) {
        let parts = try TargetFolder.components(of: path)
        let folderParts = parts.dropLast()
        let folder = try target.openFolder(folderParts, create: true, for: path)
        let name = parts[parts.count - 1]
        let temp: (Int32, [UInt8])
        do {
            try target.checkFinalName(name, in: folder, path: path, existing: existing)
            temp = try target.createTemporary(in: folder, path: path)
        } catch {
            close(folder)
            throw error
        }
        self.path = path
        self.faults = faults
        fd = temp.0
        temporaryPath = RawPath(bytes: Array((folderParts + [temp.1]).joined(separator: [UInt8(ascii: "/")])))
        placement = TargetPlacement(target: target, folderFD: folder, folderParts: folderParts, temporaryName: temp.1,
                                    finalName: name, existing: existing)
    }

    /// Creates the temporary file (exclusive, `mode`) beside `path`.
    ///
    /// A destination that exists and is not a regular file — `/dev/null`, `/dev/stdout`, a
    /// terminal, a FIFO — is written to directly instead: renaming a file over it would
    /// destroy it (as root, `--out /dev/null` would have replaced the system's null device). A
    /// folder is refused (`EISDIR`).
    public init(path: RawPath, mode: mode_t = 0o644, faults: AtomicFileFaults = AtomicFileFaults()) throws(AtomicFileError) {
        self.path = path
        self.faults = faults
        placement = nil
        var st = stat()
        if Posix.withCString(path.bytes, { stat($0, &st) }) == 0 && (st.st_mode & S_IFMT) != S_IFREG {
            if (st.st_mode & S_IFMT) == S_IFDIR {
                finished = true
                throw AtomicFileError(path: path.display, step: "write a file in place of the folder", error: PosixError(code: EISDIR))
            }
            temporaryPath = path
            isStream = true
            fd = Posix.withCString(path.bytes) { Glibc.open($0, O_WRONLY | O_CLOEXEC | O_NOCTTY) }
            if fd < 0 {
                finished = true
                throw AtomicFileError(path: path.display, step: "open it for writing", error: PosixError(code: attache_errno()))
            }
            return
        }
        let (folder, name) = AtomicWriter.split(path)
        // Short enough for NAME_MAX whatever the destination's name; unique per process and call.
        let tag = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let stem = Array(name.prefix(180))
        let prefix = Array(".".utf8) + stem + Array(".attache-tmp-".utf8)
        AtomicWriter.removeStaleTemporaries(in: folder)
        temporaryPath = folder.appending(RawPath(bytes: prefix + Array(tag.utf8)))
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW
        fd = Posix.withCString(temporaryPath.bytes) { Glibc.open($0, flags, mode) }
        if fd < 0 {
            finished = true  // nothing of ours to remove (the name may be another's: O_EXCL)
            throw AtomicFileError(path: path.display, step: "create a temporary file beside it",
                                  error: PosixError(code: attache_errno()))
        }
        // Exactly `mode`, whatever the umask.
        if fchmod(fd, mode) != 0 {
            let e = PosixError(code: attache_errno())
            discard()
            throw AtomicFileError(path: path.display, step: "set the file's mode", error: e)
        }
    }

    deinit {
        discard()
        if let placement { close(placement.folderFD) }
    }

    /// Appends `bytes` to the temporary file.
    public func write(_ bytes: [UInt8]) throws(AtomicFileError) {
        // withUnsafeBytes rethrows untyped: carry the error out as a value.
        let failure: AtomicFileError? = bytes.withUnsafeBytes { raw in
            do throws(AtomicFileError) { try write(raw) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// Appends the bytes of `buffer` to the temporary file.
    public func write(_ buffer: UnsafeRawBufferPointer) throws(AtomicFileError) {
        guard !finished else { throw fail("write", PosixError(code: EBADF)) }
        var offset = 0
        while offset < buffer.count {
            let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 {
                let e = attache_errno()
                if e == EINTR { continue }
                throw fail("write", PosixError(code: e))
            }
            offset += n
        }
        bytesWritten += Int64(buffer.count)
    }

    /// Makes the written bytes the destination's content: fsync, rename over, fsync the folder.
    public func commit() throws(AtomicFileError) {
        guard !finished else { throw AtomicFileError(path: path.display, step: "commit", error: PosixError(code: EBADF)) }
        if placement != nil {
            do { try commitInTarget() } catch {
                let code: Int32 = switch error.reason {
                case .system(_, let e): e.code
                case .alreadyExists: EEXIST
                default: ELOOP
                }
                throw AtomicFileError(path: path.display, step: "place it in the target (\(error.description))", error: PosixError(code: code))
            }
            return
        }
        if isStream {
            finished = true
            if close(fd) != 0 { throw AtomicFileError(path: path.display, step: "close it", error: PosixError(code: attache_errno())) }
            return
        }
        if fsync(fd) != 0 { throw fail("flush it to disk (fsync)", PosixError(code: attache_errno())) }
        if let injected = faults.beforeRename?(temporaryPath) { throw fail("rename it into place", PosixError(code: injected)) }
        let renamed = Posix.withCString(temporaryPath.bytes) { from in Posix.withCString(path.bytes) { to in rename(from, to) } }
        if renamed != 0 { throw fail("rename it into place", PosixError(code: attache_errno())) }
        close(fd)
        finished = true
        // The rename is durable once the folder is; some file systems cannot fsync a folder (EINVAL).
        let folder = AtomicWriter.split(path).folder
        if case .success(let dfd) = Posix.open(folder.bytes, flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC) {
            let rc = fsync(dfd)
            let e = attache_errno()
            close(dfd)
            if rc != 0 && e != EINVAL && e != ENOTSUP {
                throw AtomicFileError(path: path.display, step: "flush its folder to disk (fsync)", error: PosixError(code: e))
            }
        }
    }

    /// Abandons the write: the temporary file is removed, the destination untouched.
    public func discard() {
        guard !finished else { return }
        finished = true
        close(fd)
        if isStream { return }  // never remove what was there: the device or FIFO itself
        if let placement {
            _ = Posix.withCString(placement.temporaryName) { unlinkat(placement.folderFD, $0, 0) }
        } else {
            _ = Posix.withCString(temporaryPath.bytes) { unlink($0) }
        }
    }

    /// Commits a writer inside a target: fsync, a check that the folder is still inside the
    /// target (a folder swapped for a link meanwhile is refused), the final name given as
    /// `existing` allows (never replacing anything with `.refuse`), fsync of the folder. On an
    /// error the temporary file is removed.
    func commitInTarget() throws(TargetError) {
        guard !finished, let p = placement else {
            throw TargetError(path: path, reason: .system(step: "commit", error: PosixError(code: EBADF)))
        }
        func fail(_ step: String, _ code: Int32) -> TargetError {
            discard()
            return TargetError(path: path, reason: .system(step: step, error: PosixError(code: code)))
        }
        if fsync(fd) != 0 { throw fail("flush it to disk (fsync)", attache_errno()) }
        if let injected = faults.beforeRename?(temporaryPath) { throw fail("rename it into place", injected) }
        do {
            try p.target.ensureStillContained(p.folderFD, p.folderParts, for: path)
            try p.target.place(p.temporaryName, as: p.finalName, in: p.folderFD, path: path, existing: p.existing)
        } catch {
            discard()
            throw error
        }
        close(fd)
        finished = true
        // The name is durable once the folder is. When it cannot be made so, the caller does
        // not journal the file: take the name back, so no later run finds under it a file
        // attache does not own (and refuses to replace it).
        do { try p.target.syncFolder(p.folderFD, path: path) } catch {
            _ = Posix.withCString(p.finalName) { unlinkat(p.folderFD, $0, 0) }
            throw error
        }
    }

    /// Discards and describes the failure.
    private func fail(_ step: String, _ error: PosixError) -> AtomicFileError {
        discard()
        return AtomicFileError(path: path.display, step: step, error: error)
    }

    /// Folders already swept by this process (a rewrite writes thousands of files into one).
    private static let swept = SweptFolders()

    /// Removes what writers killed in an earlier run left in `folder`: temporaries named
    /// `.NAME.attache-tmp-PID-N` (or, from a writer inside a ``TargetFolder``,
    /// `.attache-tmp-PID-N`) whose process is gone (a live one may still be writing).
    /// Each folder is listed once per process, so writing many files there stays linear.
    public static func removeStaleTemporaries(in folder: RawPath) {
        guard swept.firstVisit(folder.bytes) else { return }
        guard let dir = Posix.withCString(folder.bytes, { opendir($0) }) else { return }
        defer { closedir(dir) }
        let marker = Array(".attache-tmp-".utf8)
        var stale: [[UInt8]] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            guard name.first == UInt8(ascii: "."), let at = lastIndex(of: marker, in: name) else { continue }
            let pid = name[(at + marker.count)...].prefix { $0 != UInt8(ascii: "-") }
            guard let n = Int32(String(decoding: pid, as: UTF8.self)), n > 0, n != getpid() else { continue }
            if kill(n, 0) != 0 && attache_errno() == ESRCH { stale.append(name) }
        }
        for name in stale { _ = Posix.withCString(folder.appending(RawPath(bytes: name)).bytes) { unlink($0) } }
    }

    /// Where `marker` last starts in `name`.
    private static func lastIndex(of marker: [UInt8], in name: [UInt8]) -> Int? {
        guard name.count >= marker.count else { return nil }
        for i in stride(from: name.count - marker.count, through: 0, by: -1) where name[i..<(i + marker.count)].elementsEqual(marker) {
            return i
        }
        return nil
    }

    /// The folder (`.` for a bare name) and the last component of `path`.
    public static func split(_ path: RawPath) -> (folder: RawPath, name: [UInt8]) {
        let b = path.bytes
        guard let slash = b.lastIndex(of: UInt8(ascii: "/")) else { return (RawPath("."), b) }
        let folder = slash == 0 ? [UInt8(ascii: "/")] : Array(b[..<slash])
        return (RawPath(bytes: folder), Array(b[(slash + 1)...]))
    }
}

/// The folders a process has swept for stale temporaries.
private final class SweptFolders: @unchecked Sendable {
    private let lock = NSLock()
    private var folders: Set<[UInt8]> = []
    /// True the first time `folder` is asked about.
    func firstVisit(_ folder: [UInt8]) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return folders.insert(folder).inserted
    }
}
