import AttacheCatalog
import AttacheModel
import AttacheSystem

/// What `attache apply` is asked to do.
public struct ApplyRequest: Sendable {
    /// The catalog (must exist and hold a plan).
    public var catalogPath: String
    /// The target root, as the user named it (created when missing and its parent exists).
    public var target: String
    /// Print what would happen; change nothing (not even the catalog).
    public var dryRun = false
    /// How many actions a dry run lists.
    public var firstActions = 20
    /// Same file system: reflink, else hard link, instead of copying.
    public var link = false
    /// Files copied at the same time (fsync latency overlaps).
    public var workers = 4
    /// This build's version, recorded with the run.
    public var version = ""
    public var cancel: Cancellation?
    /// Progress while work is done (called from worker threads, serialised).
    public var progress: (@Sendable (ApplyProgress) -> Void)?
    /// Test seams (Documentation/Relocation.md): a pause before each step, so a test can kill
    /// the process mid-way; a byte budget after which target writes fail with ENOSPC.
    public var stepDelayMilliseconds = 0
    public var targetFullAfterBytes: Int64?

    public init(catalogPath: String, target: String) {
        self.catalogPath = catalogPath
        self.target = target
    }
}

/// Where a running apply stands.
public struct ApplyProgress: Sendable {
    public var phase: String
    public var filesDone: Int
    public var filesTotal: Int
    public var bytesDone: Int64
    public var bytesTotal: Int64
}

/// Files and bytes.
public struct FileTally: Sendable, Equatable {
    public var files = 0
    public var bytes: Int64 = 0
    public init() {}
    public mutating func add(_ bytes: Int64) { files += 1; self.bytes += bytes }
}

/// What apply found to do (a dry run stops here) and, after a run, what it did.
public struct ApplyCounts: Sendable, Equatable {
    /// Kept files to write (new, or replacing what attache wrote there before) / written.
    public var copy = FileTally()
    /// Of `copy`, written by a link (reflink or hard link) instead of a copy.
    public var linked = FileTally()
    /// Kept files already in place (nothing to do).
    public var inPlace = FileTally()
    /// Archive volumes to write / written (bytes: their members' input bytes).
    public var archives = FileTally()
    /// Members written into archives, and the archives' real size on the target.
    public var members = FileTally()
    public var archiveBytesWritten: Int64 = 0
    /// Archive volumes already in place.
    public var archivesInPlace = FileTally()
    /// Files and archives attache wrote before that the plan no longer wants there.
    public var remove = FileTally()
    /// Files not placed: changed since the scan, refused by the target, or failed.
    public var skipped = FileTally()
    /// Steps of a killed run found finished, and temporary files removed, on resume.
    public var recovered = 0
    public var temporariesRemoved = 0
    public init() {}

    /// The counts as one JSON object (what `apply_runs.counts` stores).
    public var jsonText: String { JSONWriter.text { write(to: &$0) } }

    /// Writes the counts as one object (a field's value when `key` is given).
    public func write<S: TextSink>(to w: inout JSONWriter<S>, key: String? = nil) {
        w.beginObject(key)
        for (k, t) in [("copy", copy), ("linked", linked), ("in_place", inPlace), ("archives", archives), ("members", members),
                       ("archives_in_place", archivesInPlace), ("remove", remove), ("skipped", skipped)] {
            w.beginObject(k)
            w.field("files", .int(t.files))
            w.field("bytes", .integer(t.bytes))
            w.endObject()
        }
        w.field("archive_bytes_written", .integer(archiveBytesWritten))
        w.field("recovered", .int(recovered))
        w.field("temporaries_removed", .int(temporariesRemoved))
        w.endObject()
    }
}

/// The target's size against the quota, before and after.
public struct QuotaProjection: Sendable, Equatable {
    public var quota: Int64?
    /// What attache owns in the target now.
    public var ownedBytes: Int64 = 0
    /// What it will own after the run (archives counted at the plan's estimate until written).
    public var projectedBytes: Int64 = 0
    /// Whether `projectedBytes` includes estimated archive sizes.
    public var estimated = false
    public var exceeds: Bool { quota.map { projectedBytes > $0 } ?? false }
}

/// One action a dry run lists.
public struct PlannedAction: Sendable, Equatable {
    public enum Verb: String, Sendable { case copy, link, replace, archive, rewriteArchive = "rewrite-archive", remove }
    public var verb: Verb
    /// The target path (a file or an archive).
    public var path: String
    /// The source (a copy), or "N files" (an archive).
    public var from: String
    public var bytes: Int64
}

/// A file apply did not place, and why.
public struct SkippedFile: Sendable, Equatable {
    public var fileID: Int64?
    public var path: String
    public var reason: String
}

/// Why a run stopped before the end.
public enum ApplyStop: Sendable, Equatable {
    /// The target would exceed the quota (exit 4).
    case quota(QuotaProjection)
    /// The target cannot be written: full, read-only, permission denied (exit 74).
    case target(String)
    /// Ctrl-C (exit 130).
    case interrupted
}

/// What apply did (or, in a dry run, would do).
public struct ApplyResult: Sendable {
    public var planID: Int64
    public var runID: Int64?
    public var target: String
    public var dryRun: Bool
    public var counts = ApplyCounts()
    public var quota = QuotaProjection()
    /// Dry run: the first actions, and the time the work would take at the measured rate.
    public var firstActions: [PlannedAction] = []
    public var estimatedSeconds: Double?
    public var sampledRate: Double?
    public var skipped: [SkippedFile] = []
    /// Files the plan could not move (links, FIFOs, unreadable): listed, never lost silently.
    public var unmovable: [SkippedFile] = []
    /// Something found in the target that attache did not write, where it wanted to write.
    public var conflicts: [SkippedFile] = []
    public var mapping = MappingRefresh()
    public var stop: ApplyStop?
}

/// Why apply could not start.
public enum ApplyError: Error, Sendable, CustomStringConvertible {
    case catalog(CatalogError)
    case noPlan(catalog: String)
    case infeasiblePlan(Int64)
    case stalePlan(plan: Int64, planScan: Int64?, latestScan: Int64)
    case staleReferences(plan: Int64, latestRefs: Int64)
    case target(path: String, reason: String)
    /// Another apply is writing the same target now.
    case targetBusy(path: String)
    /// The target is a legacy root, inside one, or holds one.
    case overlapsRoot(path: String, root: String)

    public var description: String {
        switch self {
        case .catalog(let e): return e.description
        case .noPlan(let c): return "the catalog \(c) holds no plan: run 'attache plan' first"
        case .infeasiblePlan(let id): return "plan \(id) does not fit the quota (the files that must be kept exceed it): change the review or the policy and plan again"
        case .stalePlan(let id, let planScan, let latest):
            return "plan \(id) was made before the latest scan (scan run \(latest)\(planScan.map { ", the plan knows scan run \($0)" } ?? "")): run 'attache plan' again, then apply"
        case .staleReferences(let id, let refs):
            return "plan \(id) was made before the latest references run (\(refs)): the records changed what is referenced; run 'attache plan' again, then apply"
        case .target(let path, let reason): return "cannot use the target \(path): \(reason)"
        case .targetBusy(let path):
            return "another 'attache apply' is writing \(path) now: wait for it to finish, then run apply again"
        case .overlapsRoot(let path, let root):
            return "cannot use the target \(path): it overlaps the legacy root \(root) (the next scan would read attache's copies as legacy files): choose a target outside every root"
        }
    }
}
