// The journal's vocabulary: apply records every step in the catalog before and after it
// happens, so that a run killed at any instant can be resumed (DESIGN.md, promise 3), and so
// that attache only ever replaces or removes in the target what it wrote itself. The catalog
// table comes with apply (issue 13); the values are defined here first.

/// What one step of apply does; raw values are what the catalog stores (`journal.kind`).
public enum JournalStepKind: String, Sendable, Codable, CaseIterable {
    /// Copy a file to its target path (temp name, fsync, rename).
    case copy
    /// Link a file to its target path on the same file system (reflink, else hard link).
    case link
    /// Add a file to an archive volume.
    case archive
    /// Finish an archive volume (its member manifest, fsync, rename to its final name).
    case sealArchive = "seal-archive"
    /// Remove from the target something an earlier apply wrote that the plan no longer wants.
    case remove
}

/// Where a step stands; raw values are what the catalog stores (`journal.state`).
public enum JournalStepState: String, Sendable, Codable, CaseIterable {
    /// Written before anything happens: the step is about to be done.
    case planned
    /// Under way: a temp file may exist (`tempPath`) and is cleaned up on resume.
    case started
    /// Finished and durable (renamed, fsynced).
    case done
    /// Failed; `detail` says why. A re-run tries it again.
    case failed
}

/// One step of apply, as the journal records it.
public struct JournalEntry: Sendable, Equatable {
    /// The step's id (`journal.id`), 0 before it is stored.
    public var id: Int64
    public var kind: JournalStepKind
    public var state: JournalStepState
    /// The catalogued file the step is about (nil for a step on a whole archive).
    public var fileID: Int64?
    /// The final path below the target root (a file, or an archive volume).
    public var targetPath: String
    /// The temporary name the step writes before renaming, in the same folder.
    public var tempPath: String?
    /// Bytes written, and the SHA-256 of what was written (compared with the catalog).
    public var bytes: Int64
    public var sha256: ContentHash?
    /// When the step reached this state.
    public var time: Timestamp
    /// Why it failed, for people.
    public var detail: String?

    public init(id: Int64 = 0, kind: JournalStepKind, state: JournalStepState, fileID: Int64?, targetPath: String,
                tempPath: String? = nil, bytes: Int64 = 0, sha256: ContentHash? = nil, time: Timestamp, detail: String? = nil) {
        self.id = id; self.kind = kind; self.state = state; self.fileID = fileID; self.targetPath = targetPath
        self.tempPath = tempPath; self.bytes = bytes; self.sha256 = sha256; self.time = time; self.detail = detail
    }
}
