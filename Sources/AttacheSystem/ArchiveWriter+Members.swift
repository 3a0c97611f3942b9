import AttacheModel
import CArchive
import CFTS
import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension ArchiveWriter {
    /// Streams `source` into the archive as `name`, hashing it on the way.
    func store(_ source: RawPath, as name: RawPath) throws(ArchiveWriterError) -> ArchiveMember {
        let (fd, st) = try open(source)
        defer { close(fd) }
        var hasher = SHA256()
        var total: Int64 = 0
        let faults = faults
        try writeEntry(name, size: Int64(st.st_size), mtime: st.st_mtim) { () throws(ArchiveWriterError) in
            var failure: ArchiveWriterError?
            let readError = RawFile.forEachChunk(fd, size: ArchiveWriter.chunkSize) { chunk in
                hasher.update(bufferPointer: UnsafeRawBufferPointer(chunk))
                total += Int64(chunk.count)
                do throws(ArchiveWriterError) { try writeData(UnsafeRawBufferPointer(chunk)) } catch { failure = error; return false }
                if let injected = faults.afterChunk?(source, total) {
                    failure = .unreadableSource(path: source.display, PosixError(code: injected))
                    return false
                }
                return true
            }
            if let failure { throw failure }
            if let readError { throw .unreadableSource(path: source.display, readError) }
        }
        var after = stat()
        if fstat(fd, &after) != 0 || after.st_size != st.st_size || total != Int64(st.st_size)
            || after.st_mtim.tv_sec != st.st_mtim.tv_sec || after.st_mtim.tv_nsec != st.st_mtim.tv_nsec {
            throw .sourceChanged(path: source.display, detail: "size \(st.st_size) → \(after.st_size), read \(total) bytes")
        }
        return ArchiveMember(name: name, size: total, sha256: ContentHash(bytes: hasher.finalize()), storedAs: name)
    }

    /// Reads `source` only to hash it.
    func hashOnly(_ source: RawPath) throws(ArchiveWriterError) -> ContentHash {
        let (fd, _) = try open(source)
        defer { close(fd) }
        var hasher = SHA256()
        if let error = RawFile.forEachChunk(fd, size: ArchiveWriter.chunkSize, { chunk in
            hasher.update(bufferPointer: UnsafeRawBufferPointer(chunk)); return true
        }) {
            throw .unreadableSource(path: source.display, error)
        }
        return ContentHash(bytes: hasher.finalize())
    }

    /// Opens a regular file (never through a final symlink) and its status.
    private func open(_ source: RawPath) throws(ArchiveWriterError) -> (Int32, stat) {
        let fd: Int32
        switch RawFile.openRegular(source, followLinks: false) {
        case .success(let opened): fd = opened
        case .failure(let error): throw .unreadableSource(path: source.display, error)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = PosixError(code: attache_errno())
            close(fd)
            throw .unreadableSource(path: source.display, e)
        }
        return (fd, st)
    }

    /// Writes a regular-file header (mode 0644, `mtime`, owner 0), then `body`'s data, then ends the entry.
    func writeEntry(_ name: RawPath, size: Int64, mtime: timespec,
                    _ body: () throws(ArchiveWriterError) -> Void) throws(ArchiveWriterError) {
        guard let a = currentArchive else { throw .closed }
        guard let entry = archive_entry_new() else { throw .library(step: "create an entry", message: "out of memory") }
        defer { archive_entry_free(entry) }
        // zip flags every non-ASCII name as UTF-8 in a UTF-8 locale, bytes that are not UTF-8 too, and
        // readers then fail to convert it: such a name is written under "C", unflagged, as its raw bytes.
        let rawName = format == .zip && !name.isValidUTF8
        let rc: Int32 = ArchiveLocale.run(raw: rawName) {
            // The raw bytes: libarchive stores them as they are when they are not text in the locale.
            Posix.withCString(name.bytes) { archive_entry_copy_pathname(entry, $0) }
            archive_entry_set_filetype(entry, ATTACHE_AE_IFREG)
            archive_entry_set_perm(entry, 0o644)
            archive_entry_set_size(entry, size)
            archive_entry_set_mtime(entry, mtime.tv_sec, mtime.tv_nsec)
            archive_entry_set_uid(entry, 0)
            archive_entry_set_gid(entry, 0)
            return archive_write_header(a, entry)
        }
        try check(rc, "write the header of '\(name.display)'", a)
        try body()
        try check(ArchiveLocale.run { archive_write_finish_entry(a) }, "end the member '\(name.display)'", a)
    }

    /// Writes member data; a short write is an error.
    func writeData(_ bytes: [UInt8]) throws(ArchiveWriterError) {
        let failure: ArchiveWriterError? = bytes.withUnsafeBytes { raw in
            do throws(ArchiveWriterError) { try writeData(raw) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    func writeData(_ buffer: UnsafeRawBufferPointer) throws(ArchiveWriterError) {
        guard let a = currentArchive else { throw .closed }
        guard buffer.count > 0 else { return }
        let n = ArchiveLocale.run { archive_write_data(a, buffer.baseAddress, buffer.count) }
        if let error = sinkError { throw .output(error) }
        if n != buffer.count { throw .library(step: "write member data", message: ArchiveWriter.message(a)) }
    }

    /// A fatal status throws (the output's own error first: it says "disk full" better); a warning is kept.
    private func check(_ rc: Int32, _ step: String, _ a: OpaquePointer) throws(ArchiveWriterError) {
        if let error = sinkError { throw .output(error) }
        if rc < ARCHIVE_WARN { throw .library(step: step, message: ArchiveWriter.message(a)) }
        if rc == ARCHIVE_WARN { noteWarning("\(step): \(ArchiveWriter.message(a))") }
    }
}

/// Where libarchive's output goes: the temporary file, a SHA-256 of the archive, the byte count,
/// and the first write error (a C callback cannot throw).
final class ArchiveSink {
    let writer: AtomicWriter
    var hasher = SHA256()
    var bytes: Int64 = 0
    var error: AtomicFileError?
    init(_ writer: AtomicWriter) { self.writer = writer }
}

/// libarchive's write callback: appends to the sink's temporary file.
func archiveSinkWrite(_ archive: OpaquePointer?, _ context: UnsafeMutableRawPointer?, _ buffer: UnsafeRawPointer?,
                      _ length: Int) -> Int {
    guard let context, let buffer else { return -1 }
    let sink = Unmanaged<ArchiveSink>.fromOpaque(context).takeUnretainedValue()
    let bytes = UnsafeRawBufferPointer(start: buffer, count: length)
    do {
        try sink.writer.write(bytes)
    } catch {
        sink.error = error
        return -1
    }
    sink.hasher.update(bufferPointer: bytes)
    sink.bytes += Int64(length)
    return length
}

/// Runs libarchive calls under a thread-local UTF-8 locale (see ``ArchiveWriter``), restoring
/// the thread's locale after.
enum ArchiveLocale {
    nonisolated(unsafe) private static let utf8: locale_t? = newlocale(ATTACHE_LC_ALL_MASK, "C.UTF-8", nil)
    nonisolated(unsafe) private static let plain: locale_t? = newlocale(ATTACHE_LC_ALL_MASK, "C", nil)

    /// - Parameter raw: run under the "C" locale instead (names as bytes, no charset).
    static func run<T>(raw: Bool = false, _ body: () -> T) -> T {
        guard let locale = raw ? plain : utf8 else { return body() }
        let previous = uselocale(locale)
        defer { uselocale(previous) }
        return body()
    }
}
