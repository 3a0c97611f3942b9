import AttacheModel
import CArchive
import CFTS
import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// One entry of an archive, as ``ArchiveReader`` read it.
public struct ArchiveEntry: Sendable, Equatable {
    /// The entry's name, as the raw bytes stored in the archive.
    public let name: RawPath
    /// What the entry is (members ``ArchiveWriter`` writes are all `.regular`).
    public let kind: EntryKind
    /// Its data's size in bytes: counted while reading when hashing, else the header's.
    public let size: Int64
    /// The SHA-256 of its data, when the archive was read with `hashing`.
    public let sha256: ContentHash?
    /// The modification time its header records.
    public let mtime: Timestamp

    public init(name: RawPath, kind: EntryKind, size: Int64, sha256: ContentHash?, mtime: Timestamp) {
        self.name = name
        self.kind = kind
        self.size = size
        self.sha256 = sha256
        self.mtime = mtime
    }
}

/// The parsed `manifest-sha256.txt` of an archive ``ArchiveWriter`` wrote, names back as raw bytes.
public struct ArchiveManifest: Sendable, Equatable {
    /// A name whose content is stored once, under another member's name.
    public struct Duplicate: Sendable, Equatable {
        public let sha256: ContentHash
        /// The stored member holding the bytes.
        public let sameAs: RawPath
        public init(sha256: ContentHash, sameAs: RawPath) {
            self.sha256 = sha256
            self.sameAs = sameAs
        }
    }

    /// Each stored member's name → the SHA-256 the manifest records for it.
    public var stored: [RawPath: ContentHash]
    /// Each duplicate's name → its SHA-256 and the stored member that holds its bytes.
    public var duplicates: [RawPath: Duplicate]

    public init(stored: [RawPath: ContentHash] = [:], duplicates: [RawPath: Duplicate] = [:]) {
        self.stored = stored
        self.duplicates = duplicates
    }
}

/// What an archive holds: every entry in order (the manifest too), and the parsed manifest.
public struct ArchiveListing: Sendable, Equatable {
    public let entries: [ArchiveEntry]
    /// The parsed ``ArchiveWriter/manifestName`` member, or nil when the archive has none.
    public let manifest: ArchiveManifest?
}

/// Why an archive could not be read, in words a user can act on.
public enum ArchiveReaderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The archive file cannot be opened (missing, a link, permission…).
    case unreadable(archive: String, detail: String)
    /// The archive below a target root cannot be opened (missing, a link on the way…).
    case target(TargetError)
    /// The archive is damaged or truncated (libarchive's message says where).
    case corrupt(archive: String, detail: String)
    /// A line of the manifest is not one ``ArchiveWriter`` writes.
    case badManifest(archive: String, line: Int, detail: String)

    public var description: String {
        switch self {
        case .unreadable(let archive, let detail): "cannot read the archive \(archive): \(detail)"
        case .target(let error): error.description
        case .corrupt(let archive, let detail): "the archive \(archive) is damaged or truncated: \(detail)"
        case .badManifest(let archive, let line, let detail):
            "the manifest of the archive \(archive) is not valid: line \(line): \(detail)"
        }
    }
}

/// Reads an archive back with libarchive — tar (zstd, gzip, or none) or zip — for `verify`:
/// every entry's raw name, type, size and (with `hashing`) the SHA-256 of its data, and the
/// parsed manifest. Data is streamed in 1 MiB chunks (memory stays flat whatever the
/// members' sizes; only the manifest is held). Names are read under the same thread-local
/// UTF-8 locale the writer uses, so names that are not UTF-8 come back as their bytes.
///
/// The manifest's names are spelled as the writer spells them (percent-encoded `%`, CR, LF,
/// TAB; `\xNN` for bytes that are not UTF-8, `\\` for a backslash in such a name) and read
/// back to raw bytes. One spelling is ambiguous: a UTF-8 name holding the text `\xNN`
/// itself reads back as the byte (the non-UTF-8 reading wins); the entries' own names are exact.
public enum ArchiveReader {
    /// Reads the archive at `archive` (a file-system path; a final symlink is refused).
    public static func read(_ archive: RawPath, hashing: Bool = true) throws(ArchiveReaderError) -> ArchiveListing {
        let fd: Int32
        switch RawFile.openRegular(archive, followLinks: false) {
        case .success(let opened): fd = opened
        case .failure(let e): throw .unreadable(archive: archive.display, detail: "\(e) (errno \(e.code))")
        }
        defer { close(fd) }
        return try read(fd: fd, shown: archive.display, hashing: hashing)
    }

    /// Reads the archive open as `fd` (not closed here).
    /// - Parameter shown: the archive's name for messages.
    static func read(fd: Int32, shown: String, hashing: Bool) throws(ArchiveReaderError) -> ArchiveListing {
        var st = stat()
        if fstat(fd, &st) == 0 && st.st_size == 0 { throw .corrupt(archive: shown, detail: "the file is empty") }
        let result: Result<ArchiveListing, ArchiveReaderError> = ArchiveLocale.run { readEntries(fd, shown, hashing) }
        return try result.get()
    }

    private static func readEntries(_ fd: Int32, _ shown: String, _ hashing: Bool) -> Result<ArchiveListing, ArchiveReaderError> {
        guard let a = archive_read_new() else { return .failure(.corrupt(archive: shown, detail: "out of memory")) }
        defer { archive_read_free(a) }
        let corrupt = { ArchiveReaderError.corrupt(archive: shown, detail: ArchiveWriter.message(a)) }
        archive_read_support_format_tar(a)
        archive_read_support_format_zip(a)
        archive_read_support_filter_all(a)
        guard archive_read_open_fd(a, fd, 1 << 16) == ARCHIVE_OK else { return .failure(corrupt()) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: ArchiveWriter.chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var entries: [ArchiveEntry] = []
        var manifestBytes: [UInt8]?
        var entry: OpaquePointer?
        while true {
            let rc = archive_read_next_header(a, &entry)
            if rc == ARCHIVE_EOF { break }
            guard rc >= ARCHIVE_WARN, let entry else { return .failure(corrupt()) }
            guard let raw = archive_entry_pathname(entry) else {
                return .failure(.corrupt(archive: shown, detail: "the name of entry \(entries.count + 1) cannot be read"))
            }
            let name = RawPath(bytes: Array(UnsafeRawBufferPointer(start: raw, count: strlen(raw))))
            let kind = Posix.kind(mode_t(archive_entry_filetype(entry)))
            let isManifest = name == ArchiveWriter.manifestName && kind == .regular
            var size = archive_entry_size(entry)
            var hash: ContentHash?
            if isManifest || hashing || archive_entry_size_is_set(entry) == 0 {
                var hasher = SHA256()
                var kept: [UInt8] = []
                size = 0
                while true {
                    let n = archive_read_data(a, buffer.baseAddress, buffer.count)
                    if n == 0 { break }
                    guard n > 0 else { return .failure(corrupt()) }
                    let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
                    if hashing { hasher.update(bufferPointer: chunk) }
                    if isManifest { kept += chunk }
                    size += Int64(n)
                }
                if hashing { hash = ContentHash(bytes: hasher.finalize()) }
                if isManifest {
                    if manifestBytes != nil {
                        return .failure(.corrupt(archive: shown, detail: "it holds two members named \(ArchiveWriter.manifestName.display)"))
                    }
                    manifestBytes = kept
                }
            } else if archive_read_data_skip(a) < ARCHIVE_WARN {
                return .failure(corrupt())
            }
            let mtime = Timestamp(seconds: Int(archive_entry_mtime(entry)), nanoseconds: Int(archive_entry_mtime_nsec(entry)))
            entries.append(ArchiveEntry(name: name, kind: kind, size: size, sha256: hash, mtime: mtime))
        }
        guard let manifestBytes else { return .success(ArchiveListing(entries: entries, manifest: nil)) }
        do throws(ArchiveReaderError) {
            return .success(ArchiveListing(entries: entries, manifest: try ManifestParser.parse(manifestBytes, archive: shown)))
        } catch {
            return .failure(error)
        }
    }
}
