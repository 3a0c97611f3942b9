import AttacheModel
import CArchive
import CFTS
#if canImport(Glibc)
import Glibc
#endif

extension TargetFolder {
    /// Starts an archive at `path` below the root, written as ``ArchiveWriter`` writes (see
    /// there), contained like every write of the target.
    ///
    /// Its folder is created or opened without following a link; the archive is written to a
    /// temporary file in that folder (a name starting with ``temporaryPrefix``, so
    /// ``removeStaleTemporaries()`` removes it after a crash). ``ArchiveWriter/finish()``
    /// fsyncs it, checks that the folder is still inside the target (a folder swapped for a
    /// link meanwhile is refused with ``ArchiveWriterError/target(_:)``), gives it its final
    /// name and fsyncs the folder. The members' and the result's paths are relative to the root.
    /// - Parameter existing: `.refuse` never replaces anything at `path` (checked now, and
    ///   again atomically when placing: ``TargetError/Reason/alreadyExists``); `.overwrite`
    ///   replaces it (an archive the caller's journal says attache wrote).
    public func archiveWriter(at path: RawPath, format: ArchiveFormat, existing: ExistingFilePolicy = .refuse,
                              cancellation: Cancellation? = nil,
                              faults: ArchiveWriterFaults = ArchiveWriterFaults()) throws(TargetError) -> ArchiveWriter {
        let output = try AtomicWriter(in: self, path: path, existing: existing)
        do {
            return try ArchiveWriter(output: output, format: format, cancellation: cancellation, faults: faults)
        } catch {
            // Only libarchive's own set-up can fail here (a missing zstd filter, memory).
            throw TargetError(path: path, reason: .system(step: "start the archive (\(error.description))", error: PosixError(code: EINVAL)))
        }
    }

    /// Lists the archive at `path` below the root (see ``ArchiveReader/read(_:hashing:)``),
    /// opened without following a link at any component.
    public func readArchive(at path: RawPath, hashing: Bool = true) throws(ArchiveReaderError) -> ArchiveListing {
        let fd: Int32
        do { fd = try openFile(path) } catch { throw .target(error) }
        defer { close(fd) }
        return try ArchiveReader.read(fd: fd, shown: path.display, hashing: hashing)
    }

    /// Opens the regular file at `path` below the root for reading: `O_NOFOLLOW` at every
    /// component, `O_NONBLOCK` (a FIFO is never waited on), `O_NOATIME` where allowed.
    /// - Returns: a descriptor the caller closes.
    func openFile(_ path: RawPath) throws(TargetError) -> Int32 {
        let parts = try TargetFolder.components(of: path)
        let folder: Int32
        do { folder = try openFolder(parts.dropLast(), create: false, for: path) } catch { throw error.during("read") }
        defer { close(folder) }
        let flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW
        let name = parts[parts.count - 1]
        var fd = Posix.withCString(name) { openat(folder, $0, flags | ATTACHE_O_NOATIME) }
        if fd < 0 && attache_errno() == EPERM { fd = Posix.withCString(name) { openat(folder, $0, flags) } }
        guard fd >= 0 else {
            let e = attache_errno()
            if e == ELOOP { throw TargetError(path: path, reason: .notAFile(.symlink), action: "read") }
            throw TargetError(path: path, reason: .system(step: "open it", error: PosixError(code: e)), action: "read")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = attache_errno()
            close(fd)
            throw TargetError(path: path, reason: .system(step: "stat it", error: PosixError(code: e)), action: "read")
        }
        let kind = Posix.kind(st.st_mode)
        guard kind == .regular else {
            close(fd)
            throw TargetError(path: path, reason: .notAFile(kind), action: "read")
        }
        return fd
    }
}

extension TargetFolder {
    /// Starts an atomic write of the file at `path` below the root (see ``AtomicWriter``):
    /// its folders are created or opened without following a link, the bytes go to a
    /// temporary file in that folder (a name starting with ``temporaryPrefix``), and
    /// ``AtomicWriter/commit()`` checks the folder is still inside the target before naming
    /// it — a folder swapped for a link meanwhile is refused, nothing is written through it.
    /// - Parameter existing: `.refuse` never replaces anything at `path`; `.overwrite`
    ///   replaces a file there (never a folder).
    public func fileWriter(at path: RawPath, existing: ExistingFilePolicy = .refuse) throws(TargetError) -> AtomicWriter {
        try AtomicWriter(in: self, path: path, existing: existing)
    }

    /// Creates the folder at `path` below the root and every folder above it that is missing
    /// (0755), never following a link: a link among them is refused with
    /// ``TargetError/Reason/notContained(component:)``.
    public func createFolders(_ path: RawPath) throws(TargetError) {
        let parts = try TargetFolder.components(of: path)
        close(try openFolder(parts[...], create: true, for: path))
    }

    /// The path of `relative` (below the root) as a file-system path, for libraries that open
    /// files by name (SQLite). Only for a file this process has just created there.
    public func fileSystemPath(_ relative: RawPath) -> RawPath {
        var bytes = root.bytes
        if bytes.last != UInt8(ascii: "/") { bytes.append(UInt8(ascii: "/")) }
        return RawPath(bytes: bytes + relative.bytes)
    }
}
