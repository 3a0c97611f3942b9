import AttacheCatalog
import AttacheModel
import Foundation

/// The plan stage: reads the catalog, runs the pure planner, stores the plan.
public enum PlanStage {
    public struct Outcome: Sendable {
        public var planID: Int64
        public var summary: PlanSummary
        /// Warnings for people (a rule that matched nothing, stale references).
        public var warnings: [String]
        /// The decisions, made from the planner's state when asked (the stage stores them a
        /// chunk at a time; a million ``Decision`` values are never held at once).
        public var decisions: PlannedDecisions
        /// The file each decision is about (root, path, size, category), by id.
        public var files: FileIndex
        /// Differences with the previous plan (asked with `compare`; nil for the first plan).
        public var diff: PlanDiff?
    }

    /// The policy a plan is made with: as the user named it, and its absolute path (stored
    /// with the plan so that a later plan can use it again).
    public struct PolicyFile: Sendable, Equatable {
        public var given: String
        public var absolute: String
        public init(given: String, absolute: String) { self.given = given; self.absolute = absolute }
    }

    /// Plans every present file. `overrides` come from the catalog (a reviewed CSV imported
    /// earlier); `now` makes ages reproducible (the caller passes the clock once).
    /// - Parameter afterEachStoredDecision: a test seam (see `Catalog.storePlan`).
    /// - Parameter compare: also compare with the previous plan (`Outcome.diff`; reading a
    ///   million stored decisions again costs most of a second, so only when asked).
    /// - Parameter cancel: checked between the steps and while the decisions are stored.
    /// - Throws: ``PlanError/interrupted`` when `cancel` stopped it: nothing of the plan is
    ///   stored and the previous plan stays; ``PlanError/catalog(_:)``.
    public static func run(catalog: Catalog, policy: Policy, policyFile: PolicyFile, now: Timestamp,
                           overrides newOverrides: [Override]? = nil, store: Bool = true, compare: Bool = false,
                           cancel: Cancellation = Cancellation(),
                           afterEachStoredDecision: (() -> Void)? = nil) throws(PlanError) -> Outcome {
        do {
            return try make(catalog: catalog, policy: policy, policyFile: policyFile, now: now, overrides: newOverrides,
                            store: store, compare: compare, cancel: cancel, afterEachStoredDecision: afterEachStoredDecision)
        } catch let e as PlanError {
            throw e
        } catch let e as CatalogError {
            throw .catalog(e)
        } catch {
            throw .catalog(.sqlite(path: catalog.path, reason: "\(error)"))
        }
    }

    static func make(catalog: Catalog, policy: Policy, policyFile: PolicyFile, now: Timestamp, overrides newOverrides: [Override]?,
                     store: Bool, compare: Bool, cancel: Cancellation, afterEachStoredDecision: (() -> Void)?) throws -> Outcome {
        func check() throws(PlanError) { if cancel.isCancelled { throw .interrupted } }
        var clock = PhaseClock(variable: "ATTACHE_PLAN_TIMINGS", label: "plan-phase")
        // The catalog keeps the newest plans only; the oldest go while this one is made.
        let keep = Catalog.plansKept - 1
        let forgetting = store
            ? catalog.inBackground(name: "attache-forget-plans") { other throws(CatalogError) in try other.forgetOldPlans(keeping: keep) }
            : nil
        defer { _ = try? forgetting?.wait() }
        // The catalog is read once, front to back, and the decisions are appended in file order:
        // a large page cache buys nothing there, and would sit beside the planner's memory.
        try catalog.setPageCacheWhileReading(mebibytes: pageCacheMiB)
        defer { try? catalog.setPageCacheWhileReading(mebibytes: Catalog.defaultPageCacheMiB) }
        let input = try plannerInput(catalog: catalog, policy: policy)
        clock.lap("read catalog")
        try check()
        let overrides: [Override]
        if let newOverrides { overrides = newOverrides } else { overrides = try catalog.overrides() }
        clock.lap("overrides")
        // Archive sizes are estimated from a small sample read now (only when the plan can archive).
        let compression = PlanSampling.needed(policy: policy, overrides: overrides)
            ? PlanSampling.ratios(input, format: policy.archive.format) : [:]
        clock.lap("compression sample")
        try check()
        let draft = Planner.draft(files: input, policy: policy, overrides: overrides, now: now, compression: compression)
        var warnings = draft.warnings
        warnings.insert(contentsOf: try freshnessWarnings(catalog), at: 0)
        clock.lap("planner")
        try check()
        let decisions = draft.decisions
        let files = FileIndex(decisions.files)
        func outcome(_ id: Int64, _ diff: PlanDiff?) -> Outcome {
            Outcome(planID: id, summary: draft.summary, warnings: warnings, decisions: decisions, files: files, diff: diff)
        }
        guard store else { return outcome(0, nil) }
        let previous = compare ? try catalog.plans(limit: 1).first : nil
        do { _ = try forgetting?.wait() } catch {
            warnings.append("older plans could not be removed from the catalog (\(error)); they take room, nothing else")
        }
        // The comparison with the previous plan reads it through a second connection while
        // this one stores the new plan; both make the decisions they need from the planner's state.
        let comparing = previous.map { p in
            catalog.inBackground(name: "attache-plan-diff") { other throws(CatalogError) in
                try other.decisionChanges(plan: p.id, count: decisions.count, movement: { decisions.decision($0, reason: false) },
                                          decision: { decisions.decision($0) })
            }
        }
        defer { _ = try? comparing?.wait() }
        clock.lap("forget old plans (wait)")
        try check()
        let stored = try catalog.storePlan(policyFile: policyFile.given, policyPath: policyFile.absolute, policyName: policy.name,
                                           summary: draft.summary, warnings: warnings, count: decisions.count,
                                           chunk: { decisions.decisions($0) }, chunkSize: Planner.decisionChunk,
                                           cancel: cancel, afterEachRow: afterEachStoredDecision)
        guard let id = stored else { throw PlanError.interrupted }
        clock.lap("store plan")
        var diff: PlanDiff? = nil
        if let comparing {
            // PlanDiff.between(old: the previous plan's decisions, new: these), without holding
            // the previous plan in memory: the catalog walks it beside the new decisions.
            let changes = try comparing.wait()
            var d = PlanDiff()
            d.newFiles = changes.added
            d.vanishedFiles = changes.vanished
            d.changed = changes.changed.filter { o, n in n.movesDifferently(from: o) }.map { ($1.fileID, $0, $1) }
            diff = d
            clock.lap("diff with previous plan")
        }
        return outcome(id, diff)
    }

    /// The page cache while a plan is made (``Catalog/defaultPageCacheMiB`` otherwise).
    static let pageCacheMiB = 8

    /// The planner's view of each file, made row by row as the catalog reads them (the rows
    /// themselves are not kept): its facts, its root's short name (`{root}`), the record
    /// columns the policy names. What many files share — root, MIME type, source names — is
    /// one ``PlanFacets`` per combination.
    static func plannerInput(catalog: Catalog, policy: Policy) throws(CatalogError) -> [PlanFile] {
        let recordValues = try catalog.recordFields(Planner.recordFields(of: policy))
        var out: [PlanFile] = []
        var names: [String: String] = [:]
        var shared: [PlanFacets.Parts: PlanFacets] = [:]
        var last: PlanFacets? = nil
        let store = PlanPathStore()
        try catalog.forEachPlanningFact(expecting: { out.reserveCapacity($0) }) { f in
            let facets: PlanFacets
            if let last, last.root == f.file.rootPath, last.mime == f.file.mime, last.sources == f.sources {
                facets = last
            } else {
                let name: String
                if let known = names[f.file.rootPath] { name = known } else {
                    name = f.file.rootPath.split(separator: "/").last.map(String.init) ?? "root"
                    names[f.file.rootPath] = name
                }
                let parts = PlanFacets.Parts(root: f.file.rootPath, name: name, mime: f.file.mime, sources: f.sources)
                if let known = shared[parts] { facets = known } else {
                    facets = PlanFacets(root: parts.root, name: name, mime: parts.mime, sources: parts.sources, store: store)
                    shared[parts] = facets
                }
            }
            last = facets
            out.append(PlanFile(
                id: f.file.id, facets: facets, pathID: store.append(f.file.path), size: f.file.stat.size, mtime: f.file.stat.mtime,
                category: f.file.category, digest: f.file.sha256.map(Digest256.init), status: f.file.status,
                problem: f.file.problem, extensionMismatch: f.file.extensionMismatch, liveReferences: f.liveReferences,
                deletedReferences: f.deletedReferences, newestRecordActivity: f.newestModified.compactMap(RecordTime.parse).max(),
                record: recordValues.isEmpty ? [:] : recordValues[f.file.id] ?? [:]))
        }
        return out
    }

    /// A warning when the references are missing or older than the latest scan: rules about
    /// references would then decide on stale facts.
    static func freshnessWarnings(_ catalog: Catalog) throws(CatalogError) -> [String] {
        let fresh = try catalog.referenceFreshness()
        if fresh.refsRun == nil {
            return ["no references are known ('attache refs' has not run on this catalog): every file counts as "
                + "unreferenced — run 'attache refs' before trusting rules about references"]
        }
        if let latest = fresh.latestScan, let at = fresh.resolvedAtScan, latest > at {
            return ["the references were resolved before the latest scan: run 'attache refs' so that new, "
                + "changed and vanished files are matched to their records"]
        }
        return []
    }
}

extension PlanStage {
    /// A `{record.COLUMN}` of the policy that no source of the catalog keeps.
    public struct UnkeptField: Sendable {
        public var use: RecordFieldUse
        /// What the sources keep, by source name.
        public var kept: [String: [String]]
    }

    /// The policy's `{record.COLUMN}` placeholders that no source keeps (the manifest's
    /// `fields:` when `attache refs` last read it): planning with them would give every file
    /// the fallback value, so the caller stops with an error instead.
    public static func unkeptRecordFields(catalog: Catalog, policy: Policy) throws(CatalogError) -> [UnkeptField] {
        let named = Planner.recordFields(of: policy)
        guard !named.isEmpty else { return [] }
        let kept = try catalog.keptRecordFields()
        let all = Set(kept.values.joined())
        return named.filter { !all.contains($0) }.map { field in
            UnkeptField(use: policy.recordFields.first { $0.field == field } ?? RecordFieldUse(field: field, key: "layout"), kept: kept)
        }
    }
}
