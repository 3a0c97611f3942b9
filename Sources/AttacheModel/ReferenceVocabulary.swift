/// The words a reference is described with, shared by the stage that finds references, the
/// catalog that stores them and every command or report that shows them. Each raw value is
/// exactly the text stored in the catalog's `refs` table, so renaming a case is a compile
/// error everywhere it is used, never a silently empty listing.

/// How a reference ended.
public enum ReferenceStatus: String, Sendable, Codable, CaseIterable, Comparable {
    /// It names exactly one catalogued, readable file.
    case resolved
    /// No such file, an unmapped root (`\\OLDNAS\…`), or a path that climbs out of its root.
    case missing
    /// Several files match, none exactly (e.g. `a.pdf` and `A.PDF` on a case-insensitive root): never guessed.
    case ambiguous
    /// It names a FIFO, socket, device or symlink: never opened.
    case special
    /// It names a file that could not be read.
    case unreadable

    /// Whether the reference names no file the migration can move (every status but `resolved`).
    public var isUnresolved: Bool { self != .resolved }

    /// The statuses of references that name no movable file, in display order — what
    /// `attache list missing` lists and what "not resolved" counts.
    public static let unresolvedCases: [ReferenceStatus] = allCases.filter(\.isUnresolved)

    /// Declaration order (resolved first), the order reports list statuses in.
    public static func < (a: ReferenceStatus, b: ReferenceStatus) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// How a resolved reference matched its file.
public enum MatchKind: String, Sendable, Codable, CaseIterable {
    case exact
    /// Equal once letter case is folded (only on `case_insensitive` roots).
    case caseFolded = "case"
    /// Equal under Unicode canonical equivalence (NFC vs NFD).
    case unicode
    /// Both.
    case caseAndUnicode = "case+unicode"
}

/// How a path was written.
public enum PathStyle: String, Sendable, Codable, CaseIterable {
    /// `\\SERVER\share\dir\file.pdf` (also `\\server.corp.local\…`, and `//server/share/…`).
    case unc
    /// `K:\dir\file.pdf` or `K:/dir/file.pdf`.
    case drive
    /// `file:///K:/dir/file.pdf`, `file://server/share/file.pdf`, `file:///var/www/…` (percent-decoded).
    case fileURL = "file-url"
    /// `/var/www/vtigercrm/storage/…` — absolute POSIX.
    case posix
    /// `.\scans\x.pdf`, `scans/x.pdf`, `storage/2014/x.pdf` — relative to a source's `base`.
    case relative

    /// How the catalog and listings name the style of a reference whose text is not a path
    /// at all (a composed reference that expanded to a web link or to nothing).
    public static let noneName = "none"

    /// The stored and listed name of an optional style: its raw value, or ``noneName``.
    public static func name(_ style: PathStyle?) -> String { style?.rawValue ?? noneName }
}

/// Where in a record a reference was found.
public enum ReferenceKind: String, Sendable, Codable, CaseIterable {
    /// The source's `file:` template, expanded with the record's columns: one per record.
    case composed
    /// A path found inside a text column (free text or HTML): any number per record.
    case embedded
}
