// The rewrite stage's vocabulary: what happened to each reference when the records were
// rewritten through the mapping, and how a run was made. The catalog stores these words
// (`rewrite_runs.mode`, `rewrite_edits.outcome`); the report and `list rewrites` print them.

/// What the rewrite did with one reference.
public enum RewriteOutcome: String, Sendable, Codable, CaseIterable, Hashable {
    /// The span now holds the file's new location.
    case rewritten
    /// The file was dropped and the policy replaced the span with a tombstone.
    case tombstoned
    /// The span already held the new location (an in-place run repeated): nothing to do.
    case unchanged
    /// A composed reference (a path built from columns) with no column designated to receive
    /// the new location: the importer's link table carries it.
    case linked
    /// The file was dropped; the old text stays and the record is listed for people to fix.
    case flagged
    /// The file was dropped; the old text stays (policy `dropped: keep`).
    case kept
    /// The reference names no file the migration moved (missing, ambiguous, unreadable, or
    /// its file is not placed yet): the old text stays, listed for people to fix.
    case unresolved
    /// The record changed since `attache refs` read it: never rewritten blindly.
    case refused
    /// The new text cannot be written in this record: a name the encoding cannot hold, a
    /// value longer than the column allows, a name the address cannot spell.
    case failed

    /// Outcomes that changed the record.
    public var changedRecord: Bool { self == .rewritten || self == .tombstoned }
    /// Outcomes people must look at (listed by `attache list rewrites --problems`).
    public var needsAttention: Bool { self == .flagged || self == .unresolved || self == .refused || self == .failed }
}

/// How a rewrite run wrote its changes.
public enum RewriteMode: String, Sendable, Codable, CaseIterable {
    /// Rewritten copies of every source in an output folder (the default).
    case copy
    /// The sources themselves, after a backup, in one transaction per source.
    case inPlace = "in-place"
    /// SQL scripts for a DBA (and their revert scripts); nothing else written.
    case sql
    /// A revert of an earlier run.
    case revert
}
