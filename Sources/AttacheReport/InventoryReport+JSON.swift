import AttacheCatalog
import AttacheModel

extension InventoryReport {
    /// The inventory as one JSON object (Documentation/Listings.md, `attache report --format json`).
    public static func json<S: TextSink>(_ d: InventoryData, to out: inout S) {
        var w = JSONWriter(out)
        w.beginObject()
        w.field("report", "inventory")
        w.field("version", .int(jsonVersion))
        fields(d, &w)
        w.endObject()
        out = w.finish()
    }

    /// The inventory's fields, in the open object (the migration report's first part).
    static func fields<S: TextSink>(_ d: InventoryData, _ w: inout JSONWriter<S>) {
        let s = d.summary
        w.field("catalog", .text(d.catalogPath))
        if let run = s.lastRun {
            let c = run.counts
            w.beginObject("last_scan")
            w.field("run", .int(run.id)); w.field("status", .text(run.status.rawValue)); w.field("started_at", .text(run.startedAt))
            w.field("finished_at", .optional(run.finishedAt))
            for (k, n) in [("seen", c.seen), ("new", c.new), ("changed", c.changed), ("unchanged", c.unchanged), ("gone", c.gone),
                           ("read", c.read), ("not_read_yet", c.notReadYet)] { w.field(k, .int(n)) }
            w.field("bytes_read", .int(c.bytesRead)); w.field("excluded", .int(c.excluded))
            w.endObject()
        } else {
            w.field("last_scan", .null)
        }
        w.beginArray("roots")
        for r in s.roots {
            w.beginObject()
            w.field("path", .text(r.display)); w.field("aliases", array: r.aliases.map(FieldValue.text))
            w.field("case_insensitive", .bool(r.caseInsensitive))
            w.endObject()
        }
        w.endArray()
        w.beginObject("totals")
        w.field("files", .int(s.presentFiles)); w.field("bytes", .int(s.presentBytes)); tallies("by_status", s.byStatus, &w)
        w.endObject()
        tallies("by_category", s.byCategory, &w)
        tallies("by_year", s.byYear, &w)
        tallies("by_top_folder", s.byTopFolder, &w)
        w.beginArray("largest")
        for f in d.largest { file(f, &w) }
        w.endArray()
        duplicates(d, &w)
        w.field("extension_mismatches", .int(s.extensionMismatches))
        references(d.references, &w)
        problems(d, &w)
    }

    private static func tallies<S: TextSink>(_ key: String, _ rows: [Tally], _ w: inout JSONWriter<S>) {
        w.beginArray(key)
        for t in rows {
            w.beginObject(); w.field("label", .text(t.label)); w.field("files", .int(t.files)); w.field("bytes", .int(t.bytes)); w.endObject()
        }
        w.endArray()
    }

    private static func file<S: TextSink>(_ f: FileRecord, _ w: inout JSONWriter<S>) {
        w.beginObject()
        w.field("root", .text(f.rootPath)); w.field("path", .text(f.path.display)); w.field("size", .int(f.stat.size))
        w.field("category", .optional(f.category?.rawValue)); w.field("sha256", .optional(f.sha256?.hex))
        w.endObject()
    }

    private static func duplicates<S: TextSink>(_ d: InventoryData, _ w: inout JSONWriter<S>) {
        let s = d.summary
        w.beginObject("duplicates")
        w.field("groups", .int(s.duplicateGroups)); w.field("files", .int(s.duplicateFiles))
        w.field("reclaimable_bytes", .int(s.reclaimableBytes))
        w.beginArray("top")
        for g in d.topDuplicates {
            w.beginObject()
            w.field("sha256", .text(g.sha256.hex)); w.field("size", .int(g.size)); w.field("copies", .int(g.files.count))
            w.field("reclaimable", .int(g.reclaimable))
            w.beginArray("files")
            for f in g.files { file(f, &w) }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    private static func references<S: TextSink>(_ r: ReferenceCounts?, _ w: inout JSONWriter<S>) {
        guard let r else { w.field("references", .null); return }
        w.beginObject("references")
        w.field("sources", .int(r.sources)); w.field("total", .int(r.total))
        // Every status, 0 included, in the order the report lists them: a pointer such as
        // `/references/by_status/resolved` names a value in every report (the HTML's data-json).
        w.beginObject("by_status")
        for k in ReferenceStatus.allCases { w.field(k.rawValue, .int(r.byStatus[k] ?? 0)) }
        w.endObject()
        w.field("not_resolved", .int(r.notResolved))
        w.field("orphans", .int(r.orphans.files)); w.field("orphan_bytes", .int(r.orphans.bytes))
        w.field("unreferenced", .int(r.orphans(.unreferenced).files))
        w.field("unreferenced_bytes", .int(r.orphans(.unreferenced).bytes))
        w.field("referenced_only_by_deleted_records", .int(r.orphans(.deletedRecordsOnly).files))
        w.field("referenced_only_by_deleted_records_bytes", .int(r.orphans(.deletedRecordsOnly).bytes))
        w.field("source_problems", .int(r.sourceProblems))
        w.endObject()
    }

    private static func problems<S: TextSink>(_ d: InventoryData, _ w: inout JSONWriter<S>) {
        let s = d.summary
        w.beginObject("problems")
        w.field("total", .int(s.problems.values.reduce(0, +)))
        w.beginObject("by_code")
        for code in s.problems.keys.sorted() { w.field(code.rawValue, .int(s.problems[code]!)) }
        w.endObject()
        w.beginArray("items")
        for p in d.findings {
            w.beginObject()
            w.field("root", .text(p.rootPath)); w.field("path", .text(p.path.display)); w.field("code", .text(p.code.rawValue))
            w.field("severity", .text(p.code.severity.rawValue)); w.field("detail", .text(p.detail))
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }
}
