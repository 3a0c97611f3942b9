import AttacheCatalog
import AttacheModel
import Foundation

/// The plan stage: reads the catalog, runs the pure planner, stores the plan.
public enum PlanStage {
    public struct Outcome: Sendable {
        public var planID: Int64
        public var plan: Plan
        /// The file each decision is about (root, path, size, category), by id.
        public var files: FileIndex
        /// Differences with the previous plan (asked with `compare`; nil for the first plan).
        public var diff: PlanDiff?
    }

    /// Plans every present file. `overrides` come from the catalog (a reviewed CSV imported
    /// earlier); `now` makes ages reproducible (the caller passes the clock once).
    /// - Parameter afterEachStoredDecision: a test seam (see `Catalog.storePlan`).
    /// - Parameter compare: also compare with the previous plan (`Outcome.diff`; reading a
    ///   million stored decisions again costs most of a second, so only when asked).
    public static func run(catalog: Catalog, policy: Policy, policyFile: String, now: Timestamp, overrides newOverrides: [Override]? = nil,
                           store: Bool = true, compare: Bool = false,
                           afterEachStoredDecision: (() -> Void)? = nil) throws(CatalogError) -> Outcome {
        var clock = PhaseClock()
        // The catalog keeps the newest plans only; the oldest go while this one is made.
        let keep = Catalog.plansKept - 1
        let forgetting = store ? catalog.inBackground { other throws(CatalogError) in try other.forgetOldPlans(keeping: keep) } : nil
        defer { _ = forgetting?.wait() }
        let facts = try catalog.planningFacts()
        clock.lap("read catalog")
        let recordValues = try catalog.recordFields(Planner.recordFields(of: policy))
        // A root's short name ({root}), worked out when the root changes (files come by id,
        // mostly root by root; the catalog gives all files of a root the same text).
        var lastRoot: String? = nil
        var lastName = "root"
        let input = facts.map { f -> PlanFile in
            if f.file.rootPath != lastRoot {
                lastRoot = f.file.rootPath
                lastName = f.file.rootPath.split(separator: "/").last.map(String.init) ?? "root"
            }
            return PlanFile(id: f.file.id, root: f.file.rootPath, rootName: lastName, path: f.file.path,
                            size: f.file.stat.size, mtime: f.file.stat.mtime, category: f.file.category, mime: f.file.mime,
                            sha256: f.file.sha256, status: f.file.status, problem: f.file.problem,
                            extensionMismatch: f.file.extensionMismatch, liveReferences: f.liveReferences,
                            deletedReferences: f.deletedReferences,
                            newestRecordActivity: f.newestModified.compactMap(RecordTime.parse).max(), sources: f.sources,
                            record: recordValues.isEmpty ? [:] : recordValues[f.file.id] ?? [:])
        }
        clock.lap("planner input")
        var overrides: [Override]
        if let newOverrides {
            overrides = newOverrides
        } else {
            overrides = []
            for o in try catalog.overrides() {
                if let a = Action(rawValue: o.action) { overrides.append(Override(fileID: o.fileID, action: a, note: o.note)) }
            }
        }
        clock.lap("overrides")
        var plan = Planner.plan(files: input, policy: policy, overrides: overrides, now: now)
        let fresh = try catalog.referenceFreshness()
        if fresh.refsRun == nil {
            plan.warnings.insert("no references are known ('attache refs' has not run on this catalog): every file counts as "
                + "unreferenced — run 'attache refs' before trusting rules about references", at: 0)
        } else if let latest = fresh.latestScan, let at = fresh.resolvedAtScan, latest > at {
            plan.warnings.insert("the references were resolved before the latest scan: run 'attache refs' so that new, "
                + "changed and vanished files are matched to their records", at: 0)
        }
        clock.lap("planner")
        let files = FileIndex(facts)
        let previous = compare ? try catalog.plans(limit: 1).first : nil
        let rows = plan.decisions.map {
            DecisionRow(fileID: $0.fileID, action: $0.action.rawValue, rule: $0.rule, reason: $0.reason, targetPath: $0.targetPath,
                        archivePath: $0.archivePath, duplicateOf: $0.duplicateOf, notes: $0.notes.joined(separator: "; "))
        }
        clock.lap("decision rows")
        guard store else { return Outcome(planID: 0, plan: plan, files: FileIndex(facts), diff: nil) }
        if case .failure(let failure)? = forgetting?.wait() {
            plan.warnings.append("older plans could not be removed from the catalog (\(failure)); they take room, nothing else")
        }
        // The comparison with the previous plan reads it through a second connection while
        // this one stores the new plan.
        let comparing = previous.map { p in
            catalog.inBackground { other throws(CatalogError) in try other.decisionChanges(plan: p.id, against: rows) }
        }
        clock.lap("forget old plans (wait)")
        let id = try catalog.storePlan(policyFile: policyFile, policyName: policy.name, feasible: plan.summary.feasible,
                                       summaryJSON: PlanText.summaryJSON(plan.summary), warningsJSON: PlanText.jsonList(plan.warnings),
                                       decisions: rows, afterEachRow: afterEachStoredDecision)
        clock.lap("store plan")
        var diff: PlanDiff? = nil
        if let comparing {
            // PlanDiff.between(old: the previous plan's decisions, new: rows by id), without
            // holding the previous plan in memory: the catalog walks it beside the new rows.
            let changes = try comparing.wait().get()
            var d = PlanDiff()
            d.newFiles = changes.added
            d.vanishedFiles = changes.vanished
            d.changed = changes.changed.filter { o, n in
                o.action != n.action || o.targetPath != n.targetPath || o.archivePath != n.archivePath
            }.map { ($1.fileID, $0, $1) }
            diff = d
            clock.lap("diff with previous plan")
        }
        return Outcome(planID: id, plan: plan, files: files, diff: diff)
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

/// The catalogued files of a plan, looked up by id. The catalog gives them in id order, so a
/// binary search finds one — no table of a million entries to build.
public struct FileIndex: Sendable {
    private let facts: [PlanningFacts]

    init(_ facts: [PlanningFacts]) {
        var sorted = true
        for k in facts.indices.dropFirst() where facts[k - 1].file.id >= facts[k].file.id { sorted = false; break }
        self.facts = sorted ? facts : facts.sorted { $0.file.id < $1.file.id }
    }

    public subscript(id: Int64) -> FileRecord? {
        var lo = 0, hi = facts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let m = facts[mid].file.id
            if m == id { return facts[mid].file }
            if m < id { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }
}

/// `ATTACHE_PLAN_TIMINGS=1` prints each phase's wall time to stderr (`plan-phase NAME SECONDS`),
/// for bench/plan.sh; without it the clock does nothing.
struct PhaseClock {
    private let on = ProcessInfo.processInfo.environment["ATTACHE_PLAN_TIMINGS"] == "1"
    private var last = DispatchTime.now().uptimeNanoseconds

    mutating func lap(_ phase: String) {
        guard on else { return }
        let t = DispatchTime.now().uptimeNanoseconds
        FileHandle.standardError.write(Data("plan-phase \(phase) \(String(format: "%.3f", Double(t - last) / 1e9))\n".utf8))
        last = DispatchTime.now().uptimeNanoseconds
    }
}

/// What changed between two plans: the trial-then-cut-over view.
public struct PlanDiff: Sendable, Equatable {
    public var newFiles: [Int64] = []
    public var vanishedFiles: [Int64] = []
    /// Files whose action, target or archive changed: (id, old, new).
    public var changed: [(Int64, DecisionRow, DecisionRow)] = []

    public static func == (a: PlanDiff, b: PlanDiff) -> Bool {
        a.newFiles == b.newFiles && a.vanishedFiles == b.vanishedFiles && a.changed.map(\.0) == b.changed.map(\.0)
    }

    public static func between(old: [Int64: DecisionRow], new: [Int64: DecisionRow]) -> PlanDiff {
        var d = PlanDiff()
        for id in new.keys.sorted() {
            guard let o = old[id] else { d.newFiles.append(id); continue }
            let n = new[id]!
            if o.action != n.action || o.targetPath != n.targetPath || o.archivePath != n.archivePath { d.changed.append((id, o, n)) }
        }
        d.vanishedFiles = old.keys.filter { new[$0] == nil }.sorted()
        return d
    }
}

/// Times as CRMs write them in `modified` columns.
public enum RecordTime {
    /// "2014-03-11", "2014-03-11 09:15:00", "2014-03-11T09:15:00Z", "2022-03-04T10:00:00.000Z",
    /// or seconds since 1970; read as UTC. nil when it is none of those.
    public static func parse(_ text: String) -> Timestamp? {
        let t = text.trimmingWhitespace()
        if let secs = Int64(t), secs > 0 { return Timestamp(nanoseconds: secs * 1_000_000_000) }
        let digits = Array(t.utf8)
        func num(_ a: Int, _ n: Int) -> Int? {
            guard digits.count >= a + n else { return nil }
            var v = 0
            for i in a..<(a + n) { let c = digits[i]; guard c >= 48 && c <= 57 else { return nil }; v = v * 10 + Int(c - 48) }
            return v
        }
        guard let y = num(0, 4), digits.count >= 10, digits[4] == 45, let mo = num(5, 2), digits[7] == 45, let d = num(8, 2),
              (1...12).contains(mo), (1...31).contains(d) else { return nil }
        var h = 0, mi = 0, s = 0
        if digits.count >= 19, digits[10] == 32 || digits[10] == 84, let hh = num(11, 2), let mm = num(14, 2), let ss = num(17, 2) {
            h = hh; mi = mm; s = ss
        }
        // Days from civil (Howard Hinnant).
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Timestamp(seconds: days * 86400 + h * 3600 + mi * 60 + s, nanoseconds: 0)
    }
}
