// The plan's vocabulary, shared by the planner (AttachePolicy), the catalog that stores it,
// the formatters that show it (AttacheReport) and the coming apply stage that carries it out.
// Raw values are the strings the catalog stores: renaming one is a schema change.

/// What happens to a file: the action of its decision. The catalog stores the raw value
/// (`decisions.action`, `overrides.action`).
public enum DecisionAction: String, Sendable, Codable, CaseIterable, Comparable {
    /// Copied into the new storage at its layout path.
    case keep
    /// Bundled into an archive (tar.zst by default) that is stored instead.
    case archive
    /// Not moved. Only ever by an explicit rule or the business's override — never silently.
    case drop
    public static func < (a: DecisionAction, b: DecisionAction) -> Bool { a.rawValue < b.rawValue }
}

/// One file's decision as the planner makes it: exactly one per file, with the rule that
/// made it and why.
public struct Decision: Sendable, Equatable {
    public var fileID: Int64
    public var action: DecisionAction
    /// The rule's name, or "default", "duplicates", "overflow", "limits", "override", "unmovable".
    public var rule: String
    /// For people: "archived: overflow — last record activity 2013, 180 MB".
    public var reason: String
    /// keep: the path below the target root (sanitised, unique).
    public var targetPath: String?
    /// archive: the archive's path below the target root.
    public var archivePath: String?
    /// drop by "duplicates": the file kept instead.
    public var duplicateOf: Int64?
    /// Notes on what was changed to fit the target ("renamed: ':' is not allowed", "path shortened").
    public var notes: [String]
    public init(fileID: Int64, action: DecisionAction, rule: String, reason: String, targetPath: String? = nil,
                archivePath: String? = nil, duplicateOf: Int64? = nil, notes: [String] = []) {
        self.fileID = fileID; self.action = action; self.rule = rule; self.reason = reason; self.targetPath = targetPath
        self.archivePath = archivePath; self.duplicateOf = duplicateOf; self.notes = notes
    }
}

/// One decision as the catalog stores it (a row of `decisions`), as listed, explained and
/// compared between plans. It differs from ``Decision`` in one way: the notes are one text,
/// joined by "; " — a note may itself contain "; ", so the catalog does not split them again.
public struct DecisionRow: Sendable, Equatable {
    public var fileID: Int64
    public var action: DecisionAction
    public var rule: String
    public var reason: String
    public var targetPath: String?
    public var archivePath: String?
    public var duplicateOf: Int64?
    /// The decision's notes, joined by "; " ("" when there are none).
    public var notes: String
    public init(fileID: Int64, action: DecisionAction, rule: String, reason: String, targetPath: String?, archivePath: String?,
                duplicateOf: Int64?, notes: String) {
        self.fileID = fileID; self.action = action; self.rule = rule; self.reason = reason; self.targetPath = targetPath
        self.archivePath = archivePath; self.duplicateOf = duplicateOf; self.notes = notes
    }

    /// The row a decision is stored as.
    public init(_ d: Decision) {
        self.init(fileID: d.fileID, action: d.action, rule: d.rule, reason: d.reason, targetPath: d.targetPath,
                  archivePath: d.archivePath, duplicateOf: d.duplicateOf, notes: Self.joinedNotes(d.notes))
    }

    /// How notes are stored: joined by "; ".
    public static func joinedNotes(_ notes: [String]) -> String { notes.joined(separator: "; ") }

    /// Whether the file goes somewhere else than in `other`: another action, target path or
    /// archive (what a plan diff reports; a new reason or note alone is no change).
    public func movesDifferently(from other: DecisionRow) -> Bool {
        action != other.action || targetPath != other.targetPath || archivePath != other.archivePath
    }
}

/// The business's decision for one file, from a reviewed CSV; the catalog keeps it
/// (`overrides`) for every later plan until a new review replaces it.
public struct Override: Sendable, Equatable {
    public var fileID: Int64
    public var action: DecisionAction
    public var note: String?
    public init(fileID: Int64, action: DecisionAction, note: String? = nil) {
        self.fileID = fileID; self.action = action; self.note = note
    }
}
