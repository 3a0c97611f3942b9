import AttacheModel

/// One name in a finished archive: a member stored in it, or a duplicate recorded in its
/// manifest as having the same content as a stored member.
public struct ArchiveMember: Sendable, Equatable {
    /// The name the caller gave (a relative path inside the archive).
    public let name: RawPath
    /// The content's size in bytes.
    public let size: Int64
    /// The content's SHA-256, computed from the bytes read while they were archived.
    public let sha256: ContentHash
    /// The member that holds the bytes: `name` itself, or for a duplicate the first member
    /// with the same content (the bytes are stored once).
    public let storedAs: RawPath

    /// Whether this name's bytes are stored under another member's name.
    public var isDuplicate: Bool { storedAs != name }

    public init(name: RawPath, size: Int64, sha256: ContentHash, storedAs: RawPath) {
        self.name = name
        self.size = size
        self.sha256 = sha256
        self.storedAs = storedAs
    }
}

/// What ``ArchiveWriter/finish()`` wrote.
public struct ArchiveContents: Sendable, Equatable {
    /// The archive, under its final name.
    public let path: RawPath
    public let format: ArchiveFormat
    /// Every name added, in order (duplicates included, with ``ArchiveMember/storedAs``).
    public let members: [ArchiveMember]
    /// The manifest's member name (the archive's last member).
    public let manifestName: RawPath
    /// The archive file's size in bytes.
    public let size: Int64
    /// The archive file's SHA-256 (hashed as it was written).
    public let sha256: ContentHash
    /// libarchive's warnings (non-fatal), as sentences; usually empty.
    public let warnings: [String]
}

/// Why an archive could not be written, or why a member was refused.
public enum ArchiveWriterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A member name that could escape the folder it is extracted into, or is otherwise unusable.
    case unsafeName(String, reason: String)
    /// A second member with the same name.
    case duplicateName(String)
    /// The member name the manifest uses.
    case reservedName(String)
    /// A source file that cannot be opened or read.
    case unreadableSource(path: String, PosixError)
    /// A source file whose size changed while it was archived: the archive cannot be trusted.
    case sourceChanged(path: String, detail: String)
    /// libarchive failed at `step`.
    case library(step: String, message: String)
    /// The archive file could not be written (disk full, permission…).
    case output(AtomicFileError)
    /// An archive inside a target could not be placed: a folder became a link, something is
    /// already at its name, or a system call failed (see ``TargetError``).
    case target(TargetError)
    /// Cancelled between members; nothing was left behind.
    case cancelled
    /// The writer was used after it finished or failed.
    case closed

    public var description: String {
        switch self {
        case .unsafeName(let name, let reason): "refusing archive member name '\(name)': \(reason)"
        case .duplicateName(let name): "archive member name '\(name)' is used twice"
        case .reservedName(let name): "archive member name '\(name)' is reserved for the archive's manifest"
        case .unreadableSource(let path, let error): "cannot read \(path) to archive it: \(error)"
        case .sourceChanged(let path, let detail): "\(path) changed while it was archived (\(detail)): re-scan and re-plan"
        case .library(let step, let message): "cannot write the archive: \(step) failed: \(message)"
        case .output(let error): error.description
        case .target(let error): error.description
        case .cancelled: Cancelled().description
        case .closed: "the archive writer was used after it finished or failed"
        }
    }
}

/// Member-name rules: a name must extract inside the folder it is extracted into.
enum ArchiveMemberName {
    /// Refuses a name that is empty, absolute, has an empty, `.` or `..` component, or holds a NUL.
    static func check(_ name: RawPath) throws(ArchiveWriterError) {
        let shown = name.display
        let slash = UInt8(ascii: "/")
        if name.bytes.isEmpty { throw .unsafeName(shown, reason: "the name is empty") }
        if name.bytes.first == slash { throw .unsafeName(shown, reason: "it is absolute (starts with '/')") }
        if name.bytes.contains(0) { throw .unsafeName(shown, reason: "it contains a NUL byte") }
        for component in name.bytes.split(separator: slash, omittingEmptySubsequences: false) {
            if component.isEmpty { throw .unsafeName(shown, reason: "it has an empty component ('//' or a trailing '/')") }
            if component.elementsEqual([UInt8(ascii: ".")]) { throw .unsafeName(shown, reason: "it has a '.' component") }
            if component.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) {
                throw .unsafeName(shown, reason: "it has a '..' component, which would escape the extraction folder")
            }
        }
    }

    /// A name as a manifest line spells it: the project's display form (invalid UTF-8 bytes as
    /// `\xNN`), with `%`, CR, LF and TAB percent-encoded as BagIt asks, so one line is one name.
    static func manifestSpelling(_ name: RawPath) -> String {
        var out = ""
        for ch in name.display.unicodeScalars {
            switch ch {
            case "%": out += "%25"
            case "\n": out += "%0A"
            case "\r": out += "%0D"
            case "\t": out += "%09"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
