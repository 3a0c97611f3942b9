import AttacheCatalog
import AttacheModel

extension Listing {
    public static let referenceFields = [
        "source", "key", "position", "column", "kind", "raw", "span_start", "span_end", "style", "status", "match", "reason",
        "file_root", "file_path", "deleted", "modified",
    ]
    public static let orphanFields = ["root", "path", "size", "mtime", "sha256", "category", "why"]
    public static let decisionFields = ["root", "path", "size", "category", "action", "rule", "reason", "target_path", "archive_path", "notes"]

    static let decisionTable: [ListingColumn] = [
        .root(), .path(), .number("size"), .field("action", shortening: .never), .field("rule", minWidth: 8),
        ListingColumn(column: Table.Column("target", shortening: .middle, minWidth: 16)) { r in
            r["target_path"].isEmpty ? r["archive_path"] : r["target_path"]
        },
        .field("reason", minWidth: 16),
    ]
    static func referenceTable(onlyUnresolved: Bool) -> [ListingColumn] {
        [
            .field("source", minWidth: 10), .field("key", minWidth: 8), .field("status", shortening: .never),
            .field("raw", shortening: .middle, minWidth: 20),
            onlyUnresolved
                ? .field("reason", minWidth: 16)
                : ListingColumn(column: Table.Column("file", shortening: .middle, minWidth: 20)) { r in
                    r["file_path"].isEmpty ? "" : r.label("file_root") + " " + r["file_path"]
                },
        ]
    }
    static let orphanTable: [ListingColumn] = [
        .root(), .path(), .number("size"), .date(), .field("category", minWidth: 8), .field("why", shortening: .never),
    ]

    /// Every decision of the latest plan.
    public static func decisions<S: TextSink>(_ catalog: Catalog, format: OutputFormat, to sink: inout S) throws(CatalogError) {
        var writer = RowWriter(kind: "decisions", fields: decisionFields, table: decisionTable, format: format, sink: sink)
        try catalog.forEachLatestDecision { f, d in
            writer.row([.text(f.rootPath), .text(f.path.display), .int(f.stat.size), .optional(f.category?.rawValue), .text(d.action.rawValue),
                        .text(d.rule), .text(d.reason), .optional(d.targetPath), .optional(d.archivePath), .text(d.notes)])
        }
        sink = writer.finish()
    }

    /// Every reference (`missing`: only those that name no file — missing, ambiguous, special or unreadable).
    public static func references<S: TextSink>(_ catalog: Catalog, format: OutputFormat, onlyUnresolved: Bool = false,
                                               to sink: inout S) throws(CatalogError) {
        var writer = RowWriter(kind: onlyUnresolved ? "missing" : "refs", fields: referenceFields,
                               table: referenceTable(onlyUnresolved: onlyUnresolved), format: format, sink: sink)
        let statuses = onlyUnresolved ? ReferenceStatus.unresolvedCases : []
        try catalog.forEachReference(status: statuses) { r in
            writer.row([
                .text(r.source), .text(r.recordKey), .text(r.recordPosition), .text(r.column), .text(r.kind.rawValue), .text(r.raw),
                .int(r.spanStart), .int(r.spanEnd), .text(PathStyle.name(r.style)), .text(r.status.rawValue), .optional(r.match?.rawValue),
                .optional(r.reason), .optional(r.fileRoot), .optional(r.filePath?.display), .bool(r.deleted), .optional(r.modified),
            ])
        }
        sink = writer.finish()
    }

    /// Readable files no live record needs (the catalog's one definition of an orphan, the
    /// files ``ReferenceCounts/orphans`` counts): `unreferenced` (no reference resolves to
    /// them) and `deleted-records-only` (every reference comes from a soft-deleted record).
    public static func orphans<S: TextSink>(_ catalog: Catalog, format: OutputFormat, to sink: inout S) throws(CatalogError) {
        var writer = RowWriter(kind: "orphans", fields: orphanFields, table: orphanTable, format: format, sink: sink)
        try catalog.forEachOrphan { f, why in
            writer.row([.text(f.rootPath), .text(f.path.display), .int(f.stat.size), .text(f.stat.mtime.iso8601),
                        .optional(f.sha256?.hex), .optional(f.category?.rawValue), .text(why.rawValue)])
        }
        sink = writer.finish()
    }
}

/// `attache explain PATH`: one file, what the catalog knows of it, who points at it, its twins.
public enum Explanation {
    public static func text<S: TextSink>(_ catalog: Catalog, path: String, to out: inout S) throws(CatalogError) -> Bool {
        let matches = try catalog.files(matching: path)
        guard !matches.isEmpty else { return false }
        for f in matches {
            out.write("\(f.rootPath)/\(f.path.display)\n")
            out.write("  status      \(f.status.rawValue)" + (f.problem.map { " — \($0.rawValue): \(f.problemDetail ?? "")" } ?? "") + "\n")
            out.write("  size        \(ByteCount(f.stat.size)) (\(f.stat.size) bytes), modified \(f.stat.mtime.iso8601)\n")
            if let m = f.mime { out.write("  type        \(f.category?.rawValue ?? "?") (\(m))" + (f.extensionMismatch ? " — the extension says otherwise" : "") + "\n") }
            if let h = f.sha256 { out.write("  sha256      \(h.hex)\n") }
            let refs = try catalog.references(toFile: f.id)
            if refs.isEmpty {
                out.write("  references  none: no record points at this file\n")
            } else {
                let live = refs.filter { !$0.deleted }.count
                out.write("  references  \(refs.count)" + (live == refs.count ? "" : " (\(refs.count - live) from deleted records)") + "\n")
                for r in refs {
                    out.write("    \(r.source) \(r.recordKey) (\(r.recordPosition)) \(r.column): \(r.raw)")
                    out.write(" [\(r.kind.rawValue), \(r.match?.rawValue ?? "")" + (r.deleted ? ", deleted record" : "") + (r.modified.map { ", modified \($0)" } ?? "") + "]\n")
                }
            }
            if let why = try catalog.orphanReason(fileID: f.id) {
                out.write("  orphan      yes: \(why.label) — attache list orphans\n")
            }
            if let (policy, d) = try catalog.latestDecision(fileID: f.id) {
                out.write("  decision    \(d.action) — rule \(d.rule) (\(policy))\n")
                out.write("              \(d.reason)\n")
                if let t = d.targetPath { out.write("              new path: \(t)\n") }
                if let a = d.archivePath { out.write("              archive: \(a)\n") }
                if !d.notes.isEmpty { out.write("              notes: \(d.notes)\n") }
            } else {
                out.write("  decision    none yet (attache plan)\n")
            }
            if let h = f.sha256 {
                let twins = try catalog.files(withHash: h).filter { $0.id != f.id }
                if twins.isEmpty {
                    out.write("  duplicates  none\n")
                } else {
                    out.write("  duplicates  \(twins.count) other file\(twins.count == 1 ? "" : "s") with the same content:\n")
                    for t in twins { out.write("    \(t.rootPath)/\(t.path.display)\n") }
                }
            }
        }
        return true
    }
}
