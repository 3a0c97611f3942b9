import AttacheCatalog
import AttacheModel

/// Everything `attache report` shows, in every format (text, JSON, HTML), read from the
/// catalog once: the inventory, the references by source and by the records' parent, the
/// latest plan, the latest apply and its verification, the latest rewrite. A stage not run
/// yet is nil (its section says which command makes it).
///
/// The JSON (MigrationReport+JSON.swift) is the data's one spelling: the HTML shows nothing
/// that is not in it, each number carrying the JSON pointer it comes from (`data-json`).
public struct MigrationReportData: Sendable {
    public var inventory: InventoryData
    /// One per source the catalog knows, by name (empty before `attache refs`).
    public var sources: [SourceFigures]
    /// The paths the records name that lead to no movable file, most records first.
    public var unresolved: [UnresolvedPath]
    /// How many distinct unresolved paths there are (``unresolved`` holds the top ones).
    public var unresolvedPaths: Int
    /// The references grouped by the records' parent (the columns the sources keep).
    public var parents: ParentFigures
    public var plan: PlanFigures?
    public var relocation: RelocationFigures?
    public var rewrite: RewriteFigures?
    /// The latest `attache verify` of the target, and of the references.
    public var verifyTarget: VerificationRecord?
    public var verifyReferences: VerificationRecord?
    /// How many items the top-N lists hold at most.
    public var top: Int

    public init(inventory: InventoryData, sources: [SourceFigures] = [], unresolved: [UnresolvedPath] = [], unresolvedPaths: Int = 0,
                parents: ParentFigures = ParentFigures(), plan: PlanFigures? = nil, relocation: RelocationFigures? = nil,
                rewrite: RewriteFigures? = nil, verifyTarget: VerificationRecord? = nil, verifyReferences: VerificationRecord? = nil,
                top: Int = 10) {
        self.inventory = inventory; self.sources = sources; self.unresolved = unresolved; self.unresolvedPaths = unresolvedPaths
        self.parents = parents; self.plan = plan; self.relocation = relocation; self.rewrite = rewrite
        self.verifyTarget = verifyTarget; self.verifyReferences = verifyReferences; self.top = top
    }
}

/// The latest plan: its summary as `attache plan` stored it, and what the business should see.
public struct PlanFigures: Sendable {
    public var id: Int64
    public var createdAt: String
    public var policyFile: String
    public var summary: PlanSummary
    public var warnings: [String]
    /// Files whose name or path was changed for the target's rules (a decision note `renamed:`).
    public var renamed: Int
    /// Files whose name breaks a target rule and were flagged, not renamed (`flagged:`).
    public var flagged: Int
    /// Some renamed or flagged files: where they were and where they go.
    public var renamedTop: [PlanFileRow]
    /// Files the quota pushed out (rule `overflow`), largest first.
    public var overflowTop: [PlanFileRow]
    /// The review's overrides the plan applied (rule `override`), by action.
    public var overrides: [DecisionAction: PlanSummary.Tally]
    public var overrideTop: [PlanFileRow]

    public init(id: Int64, createdAt: String, policyFile: String, summary: PlanSummary, warnings: [String], renamed: Int = 0,
                flagged: Int = 0, renamedTop: [PlanFileRow] = [], overflowTop: [PlanFileRow] = [],
                overrides: [DecisionAction: PlanSummary.Tally] = [:], overrideTop: [PlanFileRow] = []) {
        self.id = id; self.createdAt = createdAt; self.policyFile = policyFile; self.summary = summary; self.warnings = warnings
        self.renamed = renamed; self.flagged = flagged; self.renamedTop = renamedTop; self.overflowTop = overflowTop
        self.overrides = overrides; self.overrideTop = overrideTop
    }
}

/// One file of a plan list.
public struct PlanFileRow: Sendable, Equatable {
    public var root: String
    public var path: String
    public var size: Int64
    public var action: DecisionAction
    public var rule: String
    public var reason: String
    /// Where it goes: the target path or `archive` (nil for a dropped file).
    public var destination: String?
    public var notes: String

    public init(root: String, path: String, size: Int64, action: DecisionAction, rule: String, reason: String,
                destination: String?, notes: String) {
        self.root = root; self.path = path; self.size = size; self.action = action; self.rule = rule; self.reason = reason
        self.destination = destination; self.notes = notes
    }
}

/// The latest apply: what it did, and where the target stands against the latest plan.
public struct RelocationFigures: Sendable {
    public var run: Int64
    public var plan: Int64
    public var target: String
    public var status: RunStatus
    public var startedAt: String
    public var finishedAt: String?
    /// The run's counts as apply stored them (copy, linked, archives, members, remove, skipped, …).
    public var counts: [String: FileTotal]
    /// Where every file of the mapping stands for this target: placed, archived, dropped,
    /// duplicate, pending (not placed yet), gone.
    public var byPlacement: [PlacementKind: FileTotal]
    /// Journal steps of the run that failed.
    public var failed: Int

    public init(run: Int64, plan: Int64, target: String, status: RunStatus, startedAt: String, finishedAt: String?,
                counts: [String: FileTotal], byPlacement: [PlacementKind: FileTotal], failed: Int) {
        self.run = run; self.plan = plan; self.target = target; self.status = status; self.startedAt = startedAt
        self.finishedAt = finishedAt; self.counts = counts; self.byPlacement = byPlacement; self.failed = failed
    }
}

/// The latest rewrite (not a revert): the outcome of every reference, by source.
public struct RewriteFigures: Sendable {
    public var run: Int64
    public var mode: String
    public var status: RunStatus
    public var output: String
    public var startedAt: String
    public var finishedAt: String?
    /// A run undone since: the revert run.
    public var revertedBy: Int64?
    /// Outcomes by source (outcomes with none are absent).
    public var bySource: [String: [RewriteOutcome: Int]]

    public init(run: Int64, mode: String, status: RunStatus, output: String, startedAt: String, finishedAt: String?,
                revertedBy: Int64?, bySource: [String: [RewriteOutcome: Int]]) {
        self.run = run; self.mode = mode; self.status = status; self.output = output; self.startedAt = startedAt
        self.finishedAt = finishedAt; self.revertedBy = revertedBy; self.bySource = bySource
    }

    /// Every source's outcomes added up.
    public var totals: [RewriteOutcome: Int] {
        var t: [RewriteOutcome: Int] = [:]
        for counts in bySource.values { for (k, n) in counts { t[k, default: 0] += n } }
        return t
    }
}
