import AttacheCatalog
import AttacheModel

/// The migration report as one JSON object (`attache report --format json`; schema in
/// Documentation/Report.md): the inventory's fields as in version 2, then `sources`,
/// `unresolved`, `parents`, `plan`, `relocation`, `verify` and `rewrite`. Every count is
/// written even when it is 0, so a pointer (`/plan/summary/by_action/keep/bytes`, the HTML's
/// `data-json`) names the same value in every report.
public enum MigrationReport {
    /// 3: the whole migration (version 2 was the inventory alone, `"report":"inventory"`).
    public static let jsonVersion = 3

    public static func json<S: TextSink>(_ d: MigrationReportData, to out: inout S) {
        var w = JSONWriter(out)
        w.beginObject()
        w.field("report", "migration")
        w.field("version", .int(jsonVersion))
        InventoryReport.fields(d.inventory, &w)
        sources(d, &w)
        parents(d.parents, &w)
        plan(d.plan, &w)
        relocation(d, &w)
        rewrite(d.rewrite, &w)
        w.endObject()
        out = w.finish()
    }

    private static func sources<S: TextSink>(_ d: MigrationReportData, _ w: inout JSONWriter<S>) {
        w.beginArray("sources")
        for s in d.sources {
            w.beginObject()
            w.field("name", .text(s.name)); w.field("kind", .text(s.kind)); w.field("records", .int(s.records))
            w.field("problems", .int(s.problems)); w.field("references", .int(s.total))
            w.beginObject("by_status")
            for k in ReferenceStatus.allCases { w.field(k.rawValue, .int(s.byStatus[k] ?? 0)) }
            w.endObject()
            w.field("not_resolved", .int(s.notResolved)); w.field("from_deleted_records", .int(s.fromDeletedRecords))
            w.field("fields", array: s.fields.map(FieldValue.text))
            w.endObject()
        }
        w.endArray()
        w.beginObject("unresolved")
        w.field("paths", .int(d.unresolvedPaths))
        w.beginArray("top")
        for u in d.unresolved {
            w.beginObject()
            w.field("path", .text(u.path)); w.field("status", .text(u.status.rawValue)); w.field("reason", .text(u.reason))
            w.field("references", .int(u.references)); w.field("records", array: u.records.map(FieldValue.text))
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    private static func parents<S: TextSink>(_ p: ParentFigures, _ w: inout JSONWriter<S>) {
        w.beginObject("parents")
        w.beginObject("fields")
        for k in p.fieldsBySource.keys.sorted() { w.field(k, array: p.fieldsBySource[k]!.map(FieldValue.text)) }
        w.endObject()
        w.field("parents", .int(p.parents)); w.field("losing_links", .int(p.losingLinks)); w.field("with_archived", .int(p.withArchived))
        w.beginArray("top")
        for t in p.top {
            w.beginObject()
            w.field("source", .text(t.source)); w.field("label", .text(t.label)); w.field("references", .int(t.references))
            w.field("not_resolved", .int(t.notResolved)); w.field("kept", .int(t.kept)); w.field("archived", .int(t.archived))
            w.field("dropped", .int(t.dropped)); w.field("lost", .int(t.lost))
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    private static func plan<S: TextSink>(_ p: PlanFigures?, _ w: inout JSONWriter<S>) {
        guard let p else { w.field("plan", .null); return }
        w.beginObject("plan")
        w.field("id", .integer(p.id)); w.field("created_at", .text(p.createdAt)); w.field("policy", .text(p.policyFile))
        var summary = p.summary
        for a in DecisionAction.allCases where summary.byAction[a] == nil { summary.byAction[a] = PlanSummary.Tally() }
        summary.write(to: &w, key: "summary")
        w.field("warnings", array: p.warnings.map(FieldValue.text))
        w.field("renamed", .int(p.renamed)); w.field("flagged", .int(p.flagged))
        rows("renamed_top", p.renamedTop, &w)
        let overflow = p.summary.byRule["overflow"] ?? PlanSummary.Tally()
        w.beginObject("overflow"); w.field("files", .int(overflow.files)); w.field("bytes", .integer(overflow.bytes)); w.endObject()
        rows("overflow_top", p.overflowTop, &w)
        let all = p.overrides.values.reduce(PlanSummary.Tally()) { PlanSummary.Tally(files: $0.files + $1.files, bytes: $0.bytes + $1.bytes) }
        w.beginObject("overrides")
        w.field("files", .int(all.files)); w.field("bytes", .integer(all.bytes))
        w.beginObject("by_action")
        for a in DecisionAction.allCases {
            let t = p.overrides[a] ?? PlanSummary.Tally()
            w.beginObject(a.rawValue); w.field("files", .int(t.files)); w.field("bytes", .integer(t.bytes)); w.endObject()
        }
        w.endObject()
        w.endObject()
        rows("overrides_top", p.overrideTop, &w)
        w.endObject()
    }

    private static func rows<S: TextSink>(_ key: String, _ list: [PlanFileRow], _ w: inout JSONWriter<S>) {
        w.beginArray(key)
        for r in list {
            w.beginObject()
            w.field("root", .text(r.root)); w.field("path", .text(r.path)); w.field("size", .integer(r.size))
            w.field("action", .text(r.action.rawValue)); w.field("rule", .text(r.rule)); w.field("reason", .text(r.reason))
            w.field("destination", .optional(r.destination)); w.field("notes", .text(r.notes))
            w.endObject()
        }
        w.endArray()
    }

    private static func relocation<S: TextSink>(_ d: MigrationReportData, _ w: inout JSONWriter<S>) {
        if let r = d.relocation {
            w.beginObject("relocation")
            w.field("run", .integer(r.run)); w.field("plan", .integer(r.plan)); w.field("target", .text(r.target))
            w.field("status", .text(r.status.rawValue)); w.field("started_at", .text(r.startedAt)); w.field("finished_at", .optional(r.finishedAt))
            w.beginObject("counts")
            for k in r.counts.keys.sorted() {
                w.beginObject(k); w.field("files", .int(r.counts[k]!.files)); w.field("bytes", .integer(r.counts[k]!.bytes)); w.endObject()
            }
            w.endObject()
            w.beginObject("by_placement")
            for k in PlacementKind.allCases {
                let t = r.byPlacement[k] ?? FileTotal()
                w.beginObject(k.rawValue); w.field("files", .int(t.files)); w.field("bytes", .integer(t.bytes)); w.endObject()
            }
            w.endObject()
            w.field("failed_steps", .int(r.failed))
            w.endObject()
        } else {
            w.field("relocation", .null)
        }
        w.beginObject("verify")
        for (key, v) in [("target", d.verifyTarget), ("references", d.verifyReferences)] {
            guard let v else { w.field(key, .null); continue }
            w.beginObject(key)
            w.field("at", .text(v.at)); w.field("target", .text(v.target)); w.field("ok", .bool(v.ok)); w.field("fast", .bool(v.fast))
            w.field("checked", .int(v.checked)); w.field("bytes", .integer(v.bytes))
            w.field("differences", .int(v.differences.values.reduce(0, +)))
            w.beginObject("by_kind")
            for k in v.differences.keys.sorted() { w.field(k, .int(v.differences[k]!)) }
            w.endObject()
            w.endObject()
        }
        w.endObject()
    }

    private static func rewrite<S: TextSink>(_ r: RewriteFigures?, _ w: inout JSONWriter<S>) {
        guard let r else { w.field("rewrite", .null); return }
        w.beginObject("rewrite")
        w.field("run", .integer(r.run)); w.field("mode", .text(r.mode)); w.field("status", .text(r.status.rawValue))
        w.field("output", .text(r.output)); w.field("started_at", .text(r.startedAt)); w.field("finished_at", .optional(r.finishedAt))
        w.field("reverted_by", .int(r.revertedBy))
        let totals = r.totals
        w.beginObject("totals")
        for k in RewriteOutcome.allCases { w.field(k.rawValue, .int(totals[k] ?? 0)) }
        w.endObject()
        w.field("attention", .int(RewriteOutcome.allCases.filter(\.needsAttention).reduce(0) { $0 + (totals[$1] ?? 0) }))
        w.beginArray("by_source")
        for s in r.bySource.keys.sorted() {
            w.beginObject()
            w.field("source", .text(s)); w.field("references", .int(r.bySource[s]!.values.reduce(0, +)))
            for k in RewriteOutcome.allCases { w.field(k.rawValue, .int(r.bySource[s]![k] ?? 0)) }
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }
}
