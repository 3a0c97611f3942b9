import AttacheModel
import CArchive
import CFTS
#if canImport(Glibc)
import Glibc
#endif

/// Measures how well some files compress in an archive format, by compressing them exactly as
/// ``ArchiveWriter`` would (the same libarchive container, compressor and level, under the
/// same locale) into a counting sink: nothing is written to disk.
///
/// The plan uses it to estimate, before anything moves, how much room archives will take on
/// the target (Documentation/Policy.md, "How big archives get"). It is a sample, not a
/// promise: apply measures the real archives.
///
/// Each file is opened like every read of a legacy file (``RawFile/openRegular(_:followLinks:)``:
/// `O_NOATIME`, `O_NOFOLLOW`, `O_NONBLOCK`, so its access time stays and a FIFO is never waited
/// on) and at most `maxBytesPerFile` of its start is read. A file that cannot be opened as a
/// regular file or read is skipped and counted in ``Measurement/skipped``. What the members'
/// headers and the archive's end cost (the same archive with every member empty) is taken
/// off, so the result is what the content costs: the plan adds a fixed cost per member
/// apart. The same files with the same content always give the same numbers.
public enum CompressionSample {
    /// One file to sample: its absolute path and the size the catalog knows.
    public struct Item: Sendable, Equatable {
        public var path: RawPath
        public var expectedSize: Int64
        public init(path: RawPath, expectedSize: Int64) { self.path = path; self.expectedSize = expectedSize }
    }

    /// What a sample measured.
    public struct Measurement: Sendable, Equatable {
        /// Bytes read from the files (at most `maxBytesPerFile` of each).
        public var inputBytes: Int64 = 0
        /// Bytes the archive took for their content (headers and the archive's end taken off).
        public var outputBytes: Int64 = 0
        /// Files read, and files skipped (missing, not a regular file, unreadable).
        public var files = 0
        public var skipped = 0
        public init() {}

        /// Output over input, or nil when nothing was read.
        public var ratio: Double? { inputBytes > 0 ? Double(outputBytes) / Double(inputBytes) : nil }
    }

    /// At most this much of each file is read: enough to see how its content compresses.
    public static let defaultMaxBytesPerFile = 4 << 20

    /// Compresses the start of each file, in the order given, into one archive of `format`.
    public static func measure(_ items: [Item], format: ArchiveFormat,
                               maxBytesPerFile: Int = defaultMaxBytesPerFile) -> Measurement {
        var result = Measurement()
        var contents: [[UInt8]] = []
        for item in items {
            let limit = Int(Swift.max(0, Swift.min(item.expectedSize, Int64(Swift.max(0, maxBytesPerFile)))))
            guard let bytes = readPrefix(item.path, limit: limit) else { result.skipped += 1; continue }
            contents.append(bytes)
            result.files += 1
            result.inputBytes += Int64(bytes.count)
        }
        guard !contents.isEmpty else { return result }
        // The same members with no content: the headers and the archive's end, which the plan counts apart.
        guard let full = archivedSize(contents, format: format),
              let headers = archivedSize(contents.map { _ in [] }, format: format) else {
            // libarchive refused the format here: nothing measured, the caller assumes no compression.
            var none = Measurement()
            none.skipped = items.count
            return none
        }
        result.outputBytes = Swift.max(0, full - headers)
        return result
    }

    /// Up to `limit` bytes from the start of a regular file, or nil when it cannot be read.
    static func readPrefix(_ path: RawPath, limit: Int) -> [UInt8]? {
        guard case .success(let fd) = RawFile.openRegular(path, followLinks: false) else { return nil }
        defer { close(fd) }
        guard case .success(let bytes) = RawFile.readPrefix(fd, count: limit) else { return nil }
        return bytes
    }

    /// The bytes an archive of `format` holding `contents` (as members `0`, `1`, …, mtime 0)
    /// takes, or nil when libarchive fails.
    static func archivedSize(_ contents: [[UInt8]], format: ArchiveFormat) -> Int64? {
        let counter = ByteCounter()
        // The counter must outlive the archive: archive_write_free closes an archive left open
        // (an early return) and may call the write callback with it.
        return withExtendedLifetime(counter) { ArchiveLocale.run { () -> Int64? in
            guard let a = archive_write_new() else { return nil }
            defer { archive_write_free(a) }
            let steps: [(String, (OpaquePointer) -> Int32)] = ArchiveWriter.setup(format) + [
                ("set the last block's size", { archive_write_set_bytes_in_last_block($0, 1) }),
                ("open the output", { a in
                    archive_write_open(a, Unmanaged.passUnretained(counter).toOpaque(), nil, countingWrite, nil)
                }),
            ]
            for (_, call) in steps where call(a) < ARCHIVE_WARN { return nil }
            for (n, bytes) in contents.enumerated() {
                guard let entry = archive_entry_new() else { return nil }
                defer { archive_entry_free(entry) }
                archive_entry_set_pathname(entry, String(n))
                archive_entry_set_filetype(entry, ATTACHE_AE_IFREG)
                archive_entry_set_perm(entry, 0o644)
                archive_entry_set_size(entry, Int64(bytes.count))
                archive_entry_set_mtime(entry, 0, 0)
                if archive_write_header(a, entry) < ARCHIVE_WARN { return nil }
                let written = bytes.withUnsafeBytes { archive_write_data(a, $0.baseAddress, $0.count) }
                if !bytes.isEmpty && written != bytes.count { return nil }
                if archive_write_finish_entry(a) < ARCHIVE_WARN { return nil }
            }
            if archive_write_close(a) < ARCHIVE_WARN { return nil }
            return counter.bytes
        } }
    }
}

/// Where a sample's archive goes: only its length is kept.
private final class ByteCounter {
    var bytes: Int64 = 0
}

/// libarchive's write callback for a sample: counts, keeps nothing.
private func countingWrite(_ archive: OpaquePointer?, _ context: UnsafeMutableRawPointer?, _ buffer: UnsafeRawPointer?,
                           _ length: Int) -> Int {
    guard let context else { return -1 }
    Unmanaged<ByteCounter>.fromOpaque(context).takeUnretainedValue().bytes += Int64(length)
    return length
}
