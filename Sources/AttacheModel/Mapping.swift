// The mapping table's vocabulary: the ledger of where every scanned file went. The apply
// stage writes it (catalog table `mapping`); rewrite, verify, the report and the new CRM's
// importer read it.

/// Where a scanned file is now, after apply.
public enum Placement: Sendable, Equatable, Hashable {
    /// Copied (or linked) to this path below the target root.
    case placed(targetPath: String)
    /// Stored inside an archive (its path below the target root) under this member name.
    case archived(archivePath: String, member: RawPath)
    /// Not moved; the rule that dropped it ("override" for a reviewed drop).
    case dropped(rule: String)
    /// Not moved because it is the same content as another file, which was placed: its
    /// references are re-pointed there.
    case duplicate(of: Int64)
    /// Not placed (yet): its source changed since the scan, or its step failed; the text says
    /// why. The next apply (after a re-scan and re-plan when the source changed) places it.
    case pending(reason: String)
    /// The file disappeared from the legacy storage after an earlier run: nothing of it is
    /// in the target any more.
    case gone

    /// The kind of placement, as the catalog stores it.
    public var kind: PlacementKind {
        switch self {
        case .placed: return .placed
        case .archived: return .archived
        case .dropped: return .dropped
        case .duplicate: return .duplicate
        case .pending: return .pending
        case .gone: return .gone
        }
    }
}

/// The kind of a ``Placement``; raw values are what the catalog stores (`mapping.placement`).
public enum PlacementKind: String, Sendable, Codable, CaseIterable {
    case placed, archived, dropped, duplicate, pending, gone
}

/// One row of the mapping table: a scanned file, its content, and where it is now.
public struct MappingEntry: Sendable, Equatable {
    /// The catalogued file (`files.id`).
    public var fileID: Int64
    /// The root it was scanned under and its path there, as bytes (the way records spell
    /// it come from `refs`, joined by file id).
    public var root: String
    public var path: RawPath
    /// Its content when it was placed.
    public var sha256: ContentHash?
    public var size: Int64
    public var placement: Placement
    /// The plan it was placed by, and the apply run that placed it (history across the
    /// trial and the cut-over runs).
    public var planID: Int64
    public var runID: Int64
    /// The rule of the decision that placed it ("unmovable", "duplicates", a policy rule…).
    public var rule: String
    /// How a placed file got there: copy, reflink or hardlink (nil otherwise).
    public var method: String?
    /// Every distinct spelling of the file's path in the records (what rewrite replaces).
    public var spellings: [String]
    /// false for a row a later run superseded (history).
    public var current: Bool

    public init(fileID: Int64, root: String, path: RawPath, sha256: ContentHash?, size: Int64, placement: Placement,
                planID: Int64, runID: Int64, rule: String = "", method: String? = nil, spellings: [String] = [], current: Bool = true) {
        self.fileID = fileID; self.root = root; self.path = path; self.sha256 = sha256; self.size = size
        self.placement = placement; self.planID = planID; self.runID = runID; self.rule = rule; self.method = method
        self.spellings = spellings; self.current = current
    }
}
