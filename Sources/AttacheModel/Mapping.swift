// The mapping table's vocabulary: the ledger of where every scanned file went. The apply
// stage (issue 13) writes it; rewrite, verify, the report and the new CRM's importer read it.
// The catalog table comes with apply; the values are defined here first so that every stage
// speaks of them the same way.

/// Where a scanned file is now, after apply.
public enum Placement: Sendable, Equatable, Hashable {
    /// Copied (or linked) to this path below the target root.
    case placed(targetPath: String)
    /// Stored inside an archive (its path below the target root) under this member name.
    case archived(archivePath: String, member: String)
    /// Not moved; the rule that dropped it ("override" for a reviewed drop).
    case dropped(rule: String)
    /// Not moved because it is the same content as another file, which was placed: its
    /// references are re-pointed there.
    case duplicate(of: Int64)

    /// The kind of placement, as the catalog stores it.
    public var kind: PlacementKind {
        switch self {
        case .placed: return .placed
        case .archived: return .archived
        case .dropped: return .dropped
        case .duplicate: return .duplicate
        }
    }
}

/// The kind of a ``Placement``; raw values are what the catalog stores (`mapping.placement`).
public enum PlacementKind: String, Sendable, Codable, CaseIterable {
    case placed, archived, dropped, duplicate
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

    public init(fileID: Int64, root: String, path: RawPath, sha256: ContentHash?, size: Int64, placement: Placement,
                planID: Int64, runID: Int64) {
        self.fileID = fileID; self.root = root; self.path = path; self.sha256 = sha256; self.size = size
        self.placement = placement; self.planID = planID; self.runID = runID
    }
}
