import AttacheModel
import AttacheSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Records from a folder of text or HTML files (exported notes, mails): every regular file
/// under the folder is one record.
///
/// - The walk is recursive, in the byte order of the relative paths (as `LC_ALL=C sort`
///   would list them), one folder's listing in memory at a time.
/// - Hidden entries (names starting with `.`, such as `.DS_Store` or `.git`) are skipped with
///   their contents, silently. Symbolic links are never followed and special files (FIFOs,
///   sockets, devices) never opened: each is reported (non-fatal `.unreadable`) and skipped.
///   So is a name that is not UTF-8, and a file or folder that cannot be read.
/// - A record's `key` is `[relative path]`, its only field `text` the decoded content, its
///   `position` the relative path. Decoding follows ``TextDecoding``: a byte-order mark, then
///   the source's `encoding`, then — for `.htm`/`.html` files or text starting with `<` — a
///   `<meta charset>`, else UTF-8; a file that does not decode is reported (non-fatal
///   `.undecodable` naming the file, byte offset and line) and skipped.
/// - Files are opened read-only, without following links, without waiting on FIFOs and, where
///   permitted, without updating their access time.
public struct TextFilesSource: RecordSource, Sendable {
    /// The source's name in the manifest.
    public let name: String
    /// The folder, as given.
    public let folder: String
    /// One column: `text`.
    public let columns = ["text"]
    private let declared: String?

    /// Checks that the folder exists and the encoding is known.
    /// - Throws: a fatal ``SourceError``: `.notFound` (no folder there), `.unreadable`,
    ///   `.badOption` (unknown encoding).
    public init(name: String, folder: String, encoding: String?) throws(SourceError) {
        func fail(_ kind: SourceError.Kind, _ message: String) -> SourceError {
            SourceError(kind: kind, source: name, file: folder, position: nil, message: message, fatal: true)
        }
        switch RawFile.kind(of: RawPath(folder), followLinks: true) {
        case .failure(let e) where e.code == ENOENT || e.code == ENOTDIR:
            throw fail(.notFound, "no folder at this path")
        case .failure(let e):
            throw fail(.unreadable, "cannot read the folder: \(e)")
        case .success(.directory):
            break
        case .success:
            throw fail(.notFound, "this is a file, not a folder; `text_files:` reads every file in a folder")
        }
        if let encoding, !TextDecoding.isKnownEncoding(encoding) {
            throw TextDecoding.unknownEncoding(encoding).sourceError(source: name, file: folder, fatal: true)
        }
        self.name = name
        self.folder = folder
        self.declared = encoding
    }

    /// Reads every file; see the type's description.
    public func forEachRecord(_ body: (SourceRecord) throws -> Void, problem: (SourceError) -> Void) throws {
        let root = Array(folder.utf8)
        let listing: [DirectoryEntry]
        switch Self.listing(root) {
        case .success(let entries): listing = entries
        case .failure(let e):
            throw SourceError(kind: .unreadable, source: name, file: folder, position: nil,
                              message: "cannot list the folder: \(e)", fatal: true)
        }
        try walk(listing, relative: [], root: root, body: body, problem: problem)
    }

    /// A folder's entries, hidden ones (`.name`) left out, sorted so that a depth-first walk
    /// lists relative paths in byte order: a folder sorts as its name followed by `/`.
    private static func listing(_ path: [UInt8]) -> Result<[DirectoryEntry], PosixError> {
        RawFile.list(RawPath(bytes: path)).map { all in
            func sortKey(_ e: DirectoryEntry) -> [UInt8] { e.kind == .directory ? e.name.bytes + [UInt8(ascii: "/")] : e.name.bytes }
            return all.filter { $0.name.bytes.first != UInt8(ascii: ".") }
                .sorted { sortKey($0).lexicographicallyPrecedes(sortKey($1)) }
        }
    }

    private func walk(_ listing: [DirectoryEntry], relative: [UInt8], root: [UInt8],
                      body: (SourceRecord) throws -> Void, problem: (SourceError) -> Void) throws {
        for entry in listing {
            let relativeBytes = relative.isEmpty ? entry.name.bytes : relative + [UInt8(ascii: "/")] + entry.name.bytes
            let fullBytes = root + [UInt8(ascii: "/")] + relativeBytes
            let full = String(decoding: fullBytes, as: UTF8.self)
            func report(_ kind: SourceError.Kind, _ message: String, position: String? = nil) {
                problem(SourceError(kind: kind, source: name, file: full, position: position, message: message,
                                    fatal: false))
            }
            guard let relativePath = String(validating: relativeBytes, as: UTF8.self) else {
                report(.undecodable, "the name is not UTF-8 (\(Self.escaped(entry.name.bytes))); skipped — rename it in UTF-8")
                continue
            }
            switch entry.kind {
            case .directory:
                switch Self.listing(fullBytes) {
                case .success(let inner): try walk(inner, relative: relativeBytes, root: root, body: body, problem: problem)
                case .failure(let e): report(.unreadable, "cannot list this folder: \(e); skipped")
                }
            case .symlink:
                report(.unreadable, "a symbolic link; links are not followed, skipped")
            case .fifo, .socket, .charDevice, .blockDevice, .other:
                report(.unreadable, "not a regular file (a FIFO, socket or device); never opened, skipped")
            case .regular:
                guard let bytes = read(fullBytes, report: report) else { continue }
                let sniff = Self.looksLikeHTML(relativePath, bytes)
                switch TextDecoding.decode(bytes, declared: declared, sniffHTML: sniff) {
                case .success(let text):
                    try body(SourceRecord(key: [relativePath], fields: ["text": text], position: relativePath))
                case .failure(let decoding):
                    problem(decoding.sourceError(source: name, file: full, fatal: false))
                }
            }
        }
    }

    private func read(_ path: [UInt8], report: (SourceError.Kind, String, String?) -> Void) -> [UInt8]? {
        let opened = RawFile.openRegular(RawPath(bytes: path), followLinks: false)
        switch opened {
        case .failure(let e):
            report(.unreadable, "cannot open the file: \(e); skipped", nil)
            return nil
        case .success(let fd):
            defer { close(fd) }
            switch RawFile.readAll(fd) {
            case .success(let bytes): return bytes
            case .failure(let e):
                report(.unreadable, "cannot read the file: \(e); skipped", nil)
                return nil
            }
        }
    }

    /// Whether a file is read as HTML (its `<meta charset>` counts): an `.htm`, `.html` or
    /// `.xhtml` name, or text whose first non-blank byte is `<`.
    public static func looksLikeHTML(_ path: String, _ bytes: [UInt8]) -> Bool {
        let lower = path.lowercased()
        if lower.hasSuffix(".html") || lower.hasSuffix(".htm") || lower.hasSuffix(".xhtml") { return true }
        let first = bytes.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        return first == UInt8(ascii: "<")
    }

    private static func escaped(_ name: [UInt8]) -> String {
        var out = ""
        for byte in name {
            if byte >= 0x20 && byte < 0x7F { out.unicodeScalars.append(Unicode.Scalar(byte)) }
            else { out += "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2) }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
