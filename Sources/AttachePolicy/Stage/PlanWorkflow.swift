import AttacheCatalog
import AttacheModel
import Foundation

/// What `attache plan` asks for: which policy, and the review loop's steps.
public struct PlanRequest {
    /// `--policy`, else the manifest's `policy:`; with neither, the policy of the latest plan.
    public var policy: String?
    public var manifestPolicy: String?
    /// The catalog's file (it must exist: `attache scan` makes it).
    public var catalogPath: String
    /// A reviewed CSV whose decisions replace the stored overrides (`--overrides`).
    public var reviewedCSV: String?
    /// Forget every stored override first (`--forget-overrides`).
    public var forgetOverrides = false
    /// Also make the review spreadsheet (`--export`): `PlanResult.reviewCSV`.
    public var exportReview = false
    /// Compare with the previous plan (`--diff`).
    public var diff = false
    /// The clock, read once by the caller: ages are measured from it.
    public var now: Timestamp
    /// Lines for standard error while the plan is made: the policy's warnings, which policy
    /// is used when it comes from an earlier plan.
    public var say: (String) -> Void = { _ in }
    /// Checked between the steps: once it asks to stop, nothing more is stored and
    /// `PlanWorkflow.run` throws ``PlanError/interrupted``. Reviewed decisions already imported
    /// (`--overrides`, a step of its own before the plan) stay for the next plan.
    public var cancel = Cancellation()
    /// A test seam: called after each decision is stored (see `Catalog.storePlan`).
    public var afterEachStoredDecision: (() -> Void)? = nil

    public init(policy: String?, manifestPolicy: String?, catalogPath: String, now: Timestamp) {
        self.policy = policy; self.manifestPolicy = manifestPolicy; self.catalogPath = catalogPath; self.now = now
    }
}

/// What `attache plan` made.
public struct PlanResult {
    public var outcome: PlanStage.Outcome
    /// The policy file as named (by the user, the manifest, or the earlier plan).
    public var policyFile: String
    /// How many reviewed decisions a `reviewedCSV` set (nil without one).
    public var appliedOverrides: Int?
    /// The review spreadsheet, when asked (`exportReview`).
    public var reviewCSV: String?
    /// Files an earlier plan decided that are gone now (a diff names them).
    public var vanished: [Int64: FileRecord]

    /// A file the plan or its diff speaks of: its root and path.
    public func file(_ id: Int64) -> (root: String, path: RawPath)? {
        if let f = outcome.files[id] { return (f.root, f.path) }
        return vanished[id].map { ($0.rootPath, $0.path) }
    }
}

/// Why `attache plan` could not make (or keep) a plan. Each case is a sentence for the user;
/// the executable maps each to an exit code (Sources/attache/ExitCodes.swift).
public enum PlanError: Error, CustomStringConvertible {
    /// Neither `--policy`, nor the manifest's `policy:`, nor an earlier plan names one.
    case noPolicy
    /// The earlier plan's policy file is no longer there.
    case rememberedPolicyGone(plan: Int64, path: String)
    /// The policy file is missing or wrong (located).
    case policy(PolicyError)
    /// The policy names a record column no source keeps (located).
    case unkeptField(PlanStage.UnkeptField, policyFile: String)
    case reviewNotFound(String)
    /// The reviewed CSV is malformed (which record, what).
    case review(Review.ImportError)
    /// With the reviewed decisions, what lands (kept files and estimated archives) exceeds the quota.
    case reviewOverQuota(file: String, mustKeep: Int64, mustArchive: Int64, landing: Int64, quota: ByteCount?)
    case catalog(CatalogError)
    /// Stopped on request (Ctrl-C) before the plan was stored: nothing was stored.
    case interrupted

    public var description: String {
        switch self {
        case .noPolicy:
            return "no policy: pass --policy FILE or set 'policy:' in the manifest (examples in policies/); "
                + "a later plan uses the policy of the one before"
        case .rememberedPolicyGone(let plan, let path):
            return "the policy of plan \(plan), \(path), is gone: pass --policy FILE (or set 'policy:' in the manifest)"
        case .policy(let e): return e.description
        case .unkeptField(let u, let policyFile): return PlanWorkflow.describe(u, policyFile: policyFile)
        case .reviewNotFound(let path): return "\(path): no such file (the review spreadsheet 'attache plan --export' wrote)"
        case .review(let e): return e.description
        case .reviewOverQuota(let file, let mustKeep, let mustArchive, let landing, let quota):
            let q = quota.map { "\($0)" } ?? ""
            if let limit = quota?.value, mustKeep + mustArchive <= limit {
                return "with the reviewed decisions in \(file), what lands is estimated at \(ByteCount(landing)) (kept files and "
                    + "archives), more than the quota \(q) allows, and overflow cannot move enough (archiving the files left would "
                    + "not free room): change some '\(DecisionAction.keep.rawValue)' to '\(DecisionAction.drop.rawValue)', or raise the quota"
            }
            if let limit = quota?.value, mustKeep <= limit {
                return "the reviewed decisions in \(file) keep \(ByteCount(mustKeep)) and, with the archives that must be made "
                    + "(estimated \(ByteCount(mustArchive)) compressed), need more than the quota \(q) allows: change some "
                    + "'\(DecisionAction.keep.rawValue)' or '\(DecisionAction.archive.rawValue)' to '\(DecisionAction.drop.rawValue)'"
            }
            return "the reviewed decisions in \(file) keep \(ByteCount(mustKeep)), more than the quota \(q) "
                + "allows: change some '\(DecisionAction.keep.rawValue)' to '\(DecisionAction.archive.rawValue)' or '\(DecisionAction.drop.rawValue)'"
        case .catalog(let e): return e.description
        case .interrupted:
            return "interrupted: no new plan was stored, the previous plan stays; run 'attache plan' again to make it"
        }
    }
}

/// `attache plan` as one call: choose and load the policy, run the review loop's steps
/// (forget, import and check a reviewed CSV), make and store the plan, compare it, export it.
public enum PlanWorkflow {
    public static func run(_ request: PlanRequest) throws(PlanError) -> PlanResult {
        var catalog: Catalog? = nil
        func openCatalog() throws(PlanError) -> Catalog {
            if let catalog { return catalog }
            do { catalog = try Catalog(path: request.catalogPath, mustExist: true) } catch { throw .catalog(error) }
            return catalog!
        }
        let file = try choosePolicy(request, catalog: openCatalog)
        let policy: Policy
        do {
            let (loaded, warnings) = try PolicyLoader.loadWithWarnings(path: file.given)
            policy = loaded
            for w in warnings { request.say(w.description) }
        } catch {
            throw .policy(error)
        }
        let db = try openCatalog()
        do {
            return try plan(request, policy: policy, file: file, catalog: db)
        } catch let e as PlanError {
            throw e
        } catch let e as CatalogError {
            throw .catalog(e)
        } catch {
            throw .catalog(.sqlite(path: request.catalogPath, reason: "\(error)"))
        }
    }

    /// `--policy`, else the manifest's, else the latest plan's (said on stderr).
    static func choosePolicy(_ r: PlanRequest, catalog: () throws(PlanError) -> Catalog) throws(PlanError) -> PlanStage.PolicyFile {
        if let given = r.policy ?? r.manifestPolicy { return PlanStage.PolicyFile(given: given, absolute: absolute(given)) }
        let latest: PlanRecord?
        let db = try catalog()
        do { latest = try db.plans(limit: 1).first } catch { throw .catalog(error) }
        guard let latest, let path = latest.policyPath else { throw .noPolicy }
        guard FileManager.default.fileExists(atPath: path) else { throw .rememberedPolicyGone(plan: latest.id, path: path) }
        r.say("using the policy of plan \(latest.id): \(path)")
        return PlanStage.PolicyFile(given: path, absolute: path)
    }

    /// `path` made absolute against the working directory (already absolute: unchanged).
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    static func plan(_ r: PlanRequest, policy: Policy, file: PlanStage.PolicyFile, catalog: Catalog) throws -> PlanResult {
        if let unkept = try PlanStage.unkeptRecordFields(catalog: catalog, policy: policy).first {
            throw PlanError.unkeptField(unkept, policyFile: file.given)
        }
        func check() throws(PlanError) { if r.cancel.isCancelled { throw .interrupted } }
        try check()
        if r.forgetOverrides { try catalog.replaceOverrides([], from: "") }
        var reviewed: [Override]? = nil
        if let csv = r.reviewedCSV {
            let overrides = try importReview(csv, catalog: catalog)
            // Reviewed decisions that would break the quota are refused, not stored.
            let trial = try PlanStage.run(catalog: catalog, policy: policy, policyFile: file, now: r.now, overrides: overrides, store: false,
                                          cancel: r.cancel)
            let t = trial.summary
            if !t.feasible {
                throw PlanError.reviewOverQuota(file: csv, mustKeep: t.mustKeepBytes, mustArchive: t.mustArchiveEstimateBytes,
                                                landing: t.landingBytes, quota: t.quota)
            }
            try check()
            try catalog.replaceOverrides(overrides, from: csv)
            reviewed = overrides
        }
        let outcome = try PlanStage.run(catalog: catalog, policy: policy, policyFile: file, now: r.now, overrides: reviewed,
                                        compare: r.diff, cancel: r.cancel, afterEachStoredDecision: r.afterEachStoredDecision)
        let review = r.exportReview ? Review.export(outcome, references: try catalog.fileReferences()) : nil
        var vanished: [Int64: FileRecord] = [:]
        if r.diff, let d = outcome.diff { vanished = try catalog.files(ids: d.vanishedFiles) }
        return PlanResult(outcome: outcome, policyFile: file.given, appliedOverrides: reviewed?.count, reviewCSV: review, vanished: vanished)
    }

    /// The overrides of a reviewed CSV, checked against the latest plan and the catalog.
    static func importReview(_ csv: String, catalog: Catalog) throws -> [Override] {
        guard FileManager.default.fileExists(atPath: csv) else { throw PlanError.reviewNotFound(csv) }
        let latest = try catalog.plans(limit: 1).first
        let current = try latest.map { try catalog.decisions(plan: $0.id) } ?? [:]
        let known = try catalog.presentFileIDs()
        let files = try catalog.files(ids: Array(known))
        do {
            return try Review.importOverrides(path: csv, plan: current, known: known, pathOf: { files[$0]?.path.display })
        } catch {
            throw PlanError.review(error)
        }
    }

    /// `policy.yaml:3:9: error: 'layout' uses {record.account}, but …` with what the sources keep.
    static func describe(_ u: PlanStage.UnkeptField, policyFile: String) -> String {
        let keeping = u.kept.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        let kept = keeping.isEmpty ? "no source keeps any column yet"
            : "the sources keep: " + keeping.map { "\($0.key): \($0.value.joined(separator: ", "))" }.joined(separator: "; ")
        let place = u.use.line > 0 ? "\(policyFile):\(u.use.line):\(u.use.column)" : policyFile
        return "\(place): error: '\(u.use.key)' uses {record.\(u.use.field)}, but no source of the catalog keeps a column "
            + "'\(u.use.field)' (\(kept)). Add it to the 'fields' of the source whose records have it in the manifest, then run "
            + "'attache refs'."
    }
}
