import AttacheCatalog
import AttacheModel
import Foundation

extension MigrationReportData {
    /// Reads the report's data from the catalog; `top` bounds every top-N list.
    public static func load(_ catalog: Catalog, top: Int = 10) throws(CatalogError) -> MigrationReportData {
        var d = MigrationReportData(inventory: try InventoryData.load(catalog, top: top), top: top)
        d.sources = try catalog.sourceFigures()
        let unresolved = try catalog.unresolvedPaths(limit: top)
        d.unresolved = unresolved.top
        d.unresolvedPaths = unresolved.distinct
        let plan = try catalog.plans(limit: 1).first
        d.parents = try catalog.parentFigures(plan: plan?.id, limit: top)
        if let plan { d.plan = try planFigures(catalog, plan, top: top) }
        if let run = try catalog.applyRuns(limit: 1).first {
            d.relocation = RelocationFigures(
                run: run.id, plan: run.planID, target: run.target, status: run.status, startedAt: run.startedAt, finishedAt: run.finishedAt,
                counts: countTotals(run.countsJSON), byPlacement: try catalog.placementTotals(target: run.target),
                failed: try catalog.failedSteps(run: run.id))
            d.verifyTarget = try catalog.latestVerification(.target, target: run.target)
        }
        if let run = try catalog.rewriteRuns(limit: 10_000).first(where: { $0.mode != .revert && $0.status != .running }) {
            d.rewrite = RewriteFigures(run: run.id, mode: run.mode.rawValue, status: run.status, output: run.output,
                                       startedAt: run.startedAt, finishedAt: run.finishedAt, revertedBy: run.revertedBy,
                                       bySource: try catalog.rewriteCounts(run: run.id))
            d.verifyReferences = try catalog.latestVerification(.references)
        }
        return d
    }

    static func planFigures(_ catalog: Catalog, _ plan: PlanRecord, top: Int) throws(CatalogError) -> PlanFigures {
        func rows(_ list: [(FileRecord, DecisionRow)]) -> [PlanFileRow] {
            list.map { f, d in
                PlanFileRow(root: f.rootPath, path: f.path.display, size: f.stat.size, action: d.action, rule: d.rule, reason: d.reason,
                            destination: d.targetPath ?? d.archivePath, notes: d.notes)
            }
        }
        let renamed = try catalog.planFiles(plan: plan.id, notePrefixes: ["renamed:"], limit: top)
        let flagged = try catalog.planFiles(plan: plan.id, notePrefixes: ["flagged:"], limit: 0)
        let overflow = try catalog.planFiles(plan: plan.id, rule: "overflow", limit: top)
        let overrides = try catalog.planFiles(plan: plan.id, rule: "override", limit: Int.max / 2)
        var byAction: [DecisionAction: PlanSummary.Tally] = [:]
        for (f, d) in overrides.top {
            byAction[d.action, default: PlanSummary.Tally()].files += 1
            byAction[d.action, default: PlanSummary.Tally()].bytes += f.stat.size
        }
        let warnings = ((try? JSONSerialization.jsonObject(with: Data(plan.warningsJSON.utf8))) as? [String]) ?? []
        return PlanFigures(id: plan.id, createdAt: plan.createdAt, policyFile: plan.policyFile, summary: PlanSummary(storedJSON: plan.summaryJSON),
                           warnings: warnings, renamed: renamed.count, flagged: flagged.count, renamedTop: rows(renamed.top),
                           overflowTop: rows(overflow.top), overrides: byAction, overrideTop: rows(Array(overrides.top.prefix(top))))
    }

    /// Apply's stored counts: `{"copy":{"files":n,"bytes":b},…,"recovered":n}` (a bare number as files).
    static func countTotals(_ json: String) -> [String: FileTotal] {
        guard let o = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else { return [:] }
        var out: [String: FileTotal] = [:]
        for (k, v) in o {
            if let n = v as? NSNumber {
                out[k] = k.hasSuffix("bytes") || k.hasSuffix("bytes_written") ? FileTotal(files: 0, bytes: n.int64Value) : FileTotal(files: n.intValue)
            } else if let t = v as? [String: Any] {
                out[k] = FileTotal(files: (t["files"] as? NSNumber)?.intValue ?? 0, bytes: (t["bytes"] as? NSNumber)?.int64Value ?? 0)
            }
        }
        return out
    }
}

extension PlanSummary {
    /// The summary the catalog stores (``jsonText``) read back; a field it lacks stays at its default.
    public init(storedJSON json: String) {
        self.init()
        guard let o = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else { return }
        func int(_ k: String) -> Int64 { (o[k] as? NSNumber)?.int64Value ?? 0 }
        totalBytes = int("total_bytes"); keptBytes = int("kept_bytes"); archivedBytes = int("archived_bytes")
        archiveEstimateBytes = int("archive_estimate_bytes"); landingBytes = int("landing_bytes")
        mustKeepBytes = int("must_keep_bytes"); mustArchiveEstimateBytes = int("must_archive_estimate_bytes")
        quota = (o["quota"] as? NSNumber).map { ByteCount($0.int64Value) }
        feasible = (o["feasible"] as? Bool) ?? true
        func tallies(_ k: String) -> [String: Tally] {
            var out: [String: Tally] = [:]
            for (name, v) in (o[k] as? [String: Any]) ?? [:] {
                guard let t = v as? [String: Any] else { continue }
                out[name] = Tally(files: (t["files"] as? NSNumber)?.intValue ?? 0, bytes: (t["bytes"] as? NSNumber)?.int64Value ?? 0)
            }
            return out
        }
        for (k, t) in tallies("by_action") { if let a = DecisionAction(rawValue: k) { byAction[a] = t } }
        byRule = tallies("by_rule")
        byCategory = tallies("by_category")
        for (k, v) in (o["compression"] as? [String: Any]) ?? [:] { if let n = v as? NSNumber { compression[k] = n.doubleValue } }
    }
}
