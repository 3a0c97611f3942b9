/// Every kind of problem the scan records. The raw values are stable: they appear in the
/// catalog, in `attache list problems` and in JSON output (see Documentation/Listings.md).
public enum ProblemCode: String, CaseIterable, Sendable, Codable, Comparable {
    /// Reading a file or listing a directory was refused (EACCES/EPERM).
    case permissionDenied = "permission-denied"
    /// The kernel reported an I/O error while reading (bad sector, stale network handle).
    case ioError = "io-error"
    /// A FIFO, socket or device: never opened (a FIFO would block the scan).
    case specialFile = "special-file"
    /// A symbolic link: not followed; its target is in the detail.
    case symlink = "symlink"
    /// A symbolic link whose target does not exist.
    case brokenSymlink = "broken-symlink"
    /// A symbolic link that resolves to itself, directly or through others.
    case symlinkLoop = "symlink-loop"
    /// A directory that is its own ancestor (a bind mount or a file-system loop).
    case directoryLoop = "directory-loop"
    /// A name whose bytes are not valid UTF-8: kept exactly, shown escaped, still read.
    case nameNotUTF8 = "name-not-utf8"
    /// Two names in one folder that differ only in Unicode normalisation (NFC vs NFD).
    case nameLookalike = "name-lookalike"
    /// A path longer than the system's PATH_MAX: read through its folders, but many tools will fail on it.
    case pathTooLong = "path-too-long"
    /// The file changed while it was read, on every try: its hash is not trustworthy.
    case changedWhileReading = "changed-while-reading"
    /// The file disappeared between the listing and the read.
    case vanished = "vanished"

    /// How serious the problem is. `error`: the file's content is not in the catalog.
    /// `warning`: the file is catalogued but needs attention before it moves.
    /// `info`: worth knowing, nothing to fix.
    public var severity: Severity {
        switch self {
        case .permissionDenied, .ioError, .changedWhileReading, .directoryLoop, .vanished: return .error
        case .specialFile, .brokenSymlink, .symlinkLoop, .nameNotUTF8, .nameLookalike, .pathTooLong: return .warning
        case .symlink: return .info
        }
    }

    /// One sentence for people, used in reports.
    public var summary: String {
        switch self {
        case .permissionDenied: return "could not be read: permission denied"
        case .ioError: return "could not be read: input/output error"
        case .specialFile: return "is a FIFO, socket or device, not a file (never opened)"
        case .symlink: return "is a symbolic link (not followed)"
        case .brokenSymlink: return "is a symbolic link to nothing"
        case .symlinkLoop: return "is a symbolic link that loops"
        case .directoryLoop: return "is a folder that contains itself (not entered again)"
        case .nameNotUTF8: return "has a name that is not valid UTF-8 (kept as bytes)"
        case .nameLookalike: return "has a name that differs from another only in Unicode normalisation"
        case .pathTooLong: return "has a path longer than PATH_MAX"
        case .changedWhileReading: return "changed while it was read (hash not trustworthy)"
        case .vanished: return "disappeared during the scan"
        }
    }

    public static func < (a: ProblemCode, b: ProblemCode) -> Bool { a.rawValue < b.rawValue }
}

public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    case info, warning, error
    var rank: Int { switch self { case .info: 0; case .warning: 1; case .error: 2 } }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// One recorded problem: which root, which path (raw bytes, relative to the root), what, and detail.
public struct Finding: Hashable, Sendable {
    public var rootID: Int64
    public var path: RawPath
    public var code: ProblemCode
    public var detail: String
    public init(rootID: Int64, path: RawPath, code: ProblemCode, detail: String = "") {
        self.rootID = rootID; self.path = path; self.code = code; self.detail = detail
    }
}
