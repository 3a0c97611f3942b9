import AttacheModel
import CArchive
import CFTS
import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes one archive (tar + zstd, tar + gzip or zip) with libarchive, so that no partial
/// archive is ever under its final name.
///
/// The bytes go to a temporary file beside the destination (an ``AtomicWriter``), hashed with
/// SHA-256 on their way; ``finish()`` appends the manifest, closes the archive, fsyncs,
/// renames it into place and fsyncs the folder. An error, a cancellation, or a writer dropped
/// without ``finish()`` removes the temporary file. After a thrown error other than a refused
/// name (``ArchiveWriterError/unsafeName(_:reason:)``, `duplicateName`, `reservedName`, which
/// are checked before anything is written) the writer is closed and left nothing behind.
///
/// Members are read from source files by raw path, streamed in 1 MiB chunks (memory stays flat
/// whatever the size) and hashed while read. Each member keeps its file's mtime, gets mode
/// 0644, and is never a link. A member whose content equals one already stored is recorded
/// only in the manifest, as a duplicate of the first one — a tar hard-link entry would be a
/// link, which members must never be.
///
/// The manifest, `manifest-sha256.txt`, is the last member, BagIt-style: one line
/// `<sha256>  <name>` per stored member, then for each duplicate
/// `<sha256>  <name>\tsame as <stored name>`. Names are spelled as the project's listings do
/// (bytes that are not UTF-8 as `\xNN`), with `%`, CR, LF and TAB percent-encoded.
///
/// Names that are not UTF-8 are stored as their raw bytes (pax `hdrcharset=BINARY` in tar, no
/// UTF-8 flag in zip), which bsdtar, GNU tar and unzip list and extract byte for byte.
/// libarchive runs under a thread-local "C.UTF-8" locale whatever the process's locale (it
/// mis-writes non-ASCII names in the "C" locale). Use one writer from one thread at a time.
public final class ArchiveWriter {
    /// The manifest's member name.
    public static let manifestName = RawPath("manifest-sha256.txt")
    /// Bytes read from a source file at a time.
    static let chunkSize = 1 << 20

    /// The destination (its final name).
    public let path: RawPath
    public let format: ArchiveFormat
    private let sink: ArchiveSink
    private var archive: OpaquePointer?
    private let cancellation: Cancellation?
    private var members: [ArchiveMember] = []
    private var names: Set<RawPath> = []
    /// The stored member for each content hash.
    private var storedByHash: [ContentHash: RawPath] = [:]
    private var warnings: [String] = []
    let faults: ArchiveWriterFaults

    /// Creates the temporary file beside `path` and opens the archive in it.
    /// - Parameter cancellation: checked before each member and before finishing; when set,
    ///   the writer throws ``ArchiveWriterError/cancelled`` and leaves nothing behind.
    public convenience init(path: RawPath, format: ArchiveFormat = .tarZstd, cancellation: Cancellation? = nil,
                            faults: ArchiveWriterFaults = ArchiveWriterFaults()) throws(ArchiveWriterError) {
        let output: AtomicWriter
        do { output = try AtomicWriter(path: path, mode: 0o644) } catch { throw .output(error) }
        try self.init(output: output, format: format, cancellation: cancellation, faults: faults)
    }

    /// Opens the archive in `output` (a path-based or a target-contained temporary file).
    init(output: AtomicWriter, format: ArchiveFormat, cancellation: Cancellation?,
         faults: ArchiveWriterFaults) throws(ArchiveWriterError) {
        self.path = output.path
        self.format = format
        self.cancellation = cancellation
        self.faults = faults
        sink = ArchiveSink(output)
        let sink = self.sink
        let failure: ArchiveWriterError? = ArchiveLocale.run {
            guard let a = archive_write_new() else { return .library(step: "create the archive", message: "out of memory") }
            archive = a
            let steps: [(String, (OpaquePointer) -> Int32)] = ArchiveWriter.setup(format) + [
                // No padding of the output to 10 KiB tape blocks: zstd readers refuse the trailing zeros.
                ("set the last block's size", { archive_write_set_bytes_in_last_block($0, 1) }),
                ("open the output", { a in
                    archive_write_open(a, Unmanaged.passUnretained(sink).toOpaque(), nil, archiveSinkWrite, nil)
                }),
            ]
            for (step, call) in steps where call(a) < ARCHIVE_WARN {
                return .library(step: step, message: ArchiveWriter.message(a))
            }
            return nil
        }
        if let failure { discard(); throw failure }
    }

    deinit { discard() }

    /// The libarchive calls that choose the container and the compression.
    static func setup(_ format: ArchiveFormat) -> [(String, (OpaquePointer) -> Int32)] {
        switch format {
        case .tarZstd:
            [("choose the pax tar format", { archive_write_set_format_pax_restricted($0) }),
             ("choose zstd compression", { archive_write_add_filter_zstd($0) })]
        case .tarGzip:
            [("choose the pax tar format", { archive_write_set_format_pax_restricted($0) }),
             ("choose gzip compression", { archive_write_add_filter_gzip($0) })]
        case .zip:
            [("choose the zip format", { archive_write_set_format_zip($0) })]
        }
    }

    /// Adds the regular file at `source` as member `name`.
    ///
    /// - Parameter knownHash: the content's SHA-256 if known (the catalog's). When it equals a
    ///   member already stored, the file is only read and hashed to confirm it, and recorded
    ///   as a duplicate. Without it the file is read twice (hash first, then store) so
    ///   identical content is still stored once.
    /// - Returns: the member, with the SHA-256 of the bytes actually read, for the caller to
    ///   compare with the catalog.
    @discardableResult
    public func add(_ source: RawPath, as name: RawPath, knownHash: ContentHash? = nil) throws(ArchiveWriterError) -> ArchiveMember {
        guard archive != nil else { throw .closed }
        try ArchiveMemberName.check(name)
        if name == ArchiveWriter.manifestName { throw .reservedName(name.display) }
        if names.contains(name) { throw .duplicateName(name.display) }
        if cancellation?.isCancelled == true { discard(); throw .cancelled }
        do throws(ArchiveWriterError) {
            let hash: ContentHash
            if let knownHash { hash = knownHash } else { hash = try hashOnly(source) }
            if let stored = storedByHash[hash] {
                var confirmed = hash
                if knownHash != nil { confirmed = try hashOnly(source) }
                if confirmed == hash { return record(ArchiveMember(name: name, size: sizeOf(stored), sha256: hash, storedAs: stored)) }
            }
            let member = try store(source, as: name)
            if storedByHash[member.sha256] == nil { storedByHash[member.sha256] = name }
            return record(member)
        } catch {
            discard()
            throw error
        }
    }

    /// Appends the manifest, closes the archive and moves it into place.
    public func finish() throws(ArchiveWriterError) -> ArchiveContents {
        guard let a = archive else { throw .closed }
        if cancellation?.isCancelled == true { discard(); throw .cancelled }
        do throws(ArchiveWriterError) {
            try writeEntry(ArchiveWriter.manifestName, size: Int64(manifest().count), mtime: timespec(tv_sec: time(nil), tv_nsec: 0)) {
                () throws(ArchiveWriterError) in try writeData(manifest())
            }
            let closed = ArchiveLocale.run { archive_write_close(a) }
            if closed < ARCHIVE_WARN { throw ArchiveWriterError.library(step: "close the archive", message: ArchiveWriter.message(a)) }
            if let error = sink.error { throw ArchiveWriterError.output(error) }
            archive_write_free(a)
            archive = nil
            if sink.writer.isInTarget {
                do { try sink.writer.commitInTarget() } catch { throw ArchiveWriterError.target(error) }
            } else {
                do { try sink.writer.commit() } catch { throw ArchiveWriterError.output(error) }
            }
        } catch {
            discard()
            throw error
        }
        return ArchiveContents(path: path, format: format, members: members, manifestName: ArchiveWriter.manifestName,
                               size: sink.bytes, sha256: ContentHash(bytes: sink.hasher.finalize()), warnings: warnings)
    }

    /// Abandons the archive: nothing is left behind. Safe to call more than once.
    public func discard() {
        if let a = archive {
            // Marked failed first, so freeing it writes no trailer.
            archive_write_fail(a)
            archive_write_free(a)
            archive = nil
        }
        sink.writer.discard()
    }

    private func record(_ member: ArchiveMember) -> ArchiveMember {
        members.append(member)
        names.insert(member.name)
        return member
    }

    private func sizeOf(_ stored: RawPath) -> Int64 { members.first { $0.name == stored }?.size ?? 0 }

    /// The manifest's bytes: stored members first, then duplicates.
    func manifest() -> [UInt8] {
        let stored = members.filter { !$0.isDuplicate }.map { "\($0.sha256.hex)  \(ArchiveMemberName.manifestSpelling($0.name))\n" }
        let duplicates = members.filter(\.isDuplicate).map {
            "\($0.sha256.hex)  \(ArchiveMemberName.manifestSpelling($0.name))\tsame as \(ArchiveMemberName.manifestSpelling($0.storedAs))\n"
        }
        return Array((stored + duplicates).joined().utf8)
    }

    var currentArchive: OpaquePointer? { archive }
    var sinkError: AtomicFileError? { sink.error }
    func noteWarning(_ text: String) { warnings.append(text) }

    /// libarchive's last error message.
    static func message(_ a: OpaquePointer) -> String {
        archive_error_string(a).map { String(cString: $0) } ?? "unknown error (\(archive_errno(a)))"
    }
}

/// Test seam: make reading a source fail with a chosen errno after some bytes, to prove
/// what an error part-way leaves behind.
public struct ArchiveWriterFaults: Sendable {
    /// Called after each chunk of a source is written (path, bytes so far); an errno returned fails the read there.
    public var afterChunk: (@Sendable (RawPath, Int64) -> Int32?)?
    public init(afterChunk: (@Sendable (RawPath, Int64) -> Int32?)? = nil) { self.afterChunk = afterChunk }
}
