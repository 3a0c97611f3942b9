import AttacheCatalog
import AttacheModel

extension Listing {
    public static let referenceFields = [
        "source", "key", "position", "column", "kind", "raw", "span_start", "span_end", "style", "status", "match", "reason",
        "file_root", "file_path", "deleted", "modified",
    ]
    public static let orphanFields = ["root", "path", "size", "mtime", "sha256", "category", "why"]
    public static let decisionFields = ["root", "path", "size", "category", "action", "rule", "reason", "target_path", "archive_path", "notes"]

    /// Every decision of the latest plan.
    public static func decisions<S: TextSink>(_ catalog: Catalog, format: OutputFormat, to sink: inout S) throws(CatalogError) {
        var writer = RowWriter(kind: "decisions", fields: decisionFields, format: format, right: [2])
        try catalog.forEachLatestDecision { f, d in
            writer.row([.text(f.rootPath), .text(f.path.display), .int(f.stat.size), .optional(f.category?.rawValue), .text(d.action),
                        .text(d.rule), .text(d.reason), .optional(d.targetPath), .optional(d.archivePath), .text(d.notes)], to: &sink)
        }
        writer.finish(to: &sink)
    }

    /// Every reference (`missing`: only those that name no file — missing, ambiguous, special or unreadable).
    public static func references<S: TextSink>(_ catalog: Catalog, format: OutputFormat, onlyUnresolved: Bool = false,
                                               to sink: inout S) throws(CatalogError) {
        var writer = RowWriter(kind: onlyUnresolved ? "missing" : "refs", fields: referenceFields, format: format, right: [6, 7])
        let statuses = onlyUnresolved ? ReferenceStatus.unresolvedCases : []
        try catalog.forEachReference(status: statuses) { r in
            writer.row([
                .text(r.source), .text(r.recordKey), .text(r.recordPosition), .text(r.column), .text(r.kind.rawValue), .text(r.raw),
                r.spanStart.map { .int(Int64($0)) } ?? .optional(nil), r.spanEnd.map { .int(Int64($0)) } ?? .optional(nil),
                .text(PathStyle.name(r.style)), .text(r.status.rawValue), .optional(r.match?.rawValue), .optional(r.reason), .optional(r.fileRoot),
                .optional(r.filePath?.display), .bool(r.deleted), .optional(r.modified),
            ], to: &sink)
        }
        writer.finish(to: &sink)
    }

    /// Readable files no live record needs: `unreferenced` (no reference resolves to them) and
    /// `deleted-records-only` (every reference comes from a soft-deleted record).
    public static func orphans<S: TextSink>(_ catalog: Catalog, format: OutputFormat, to sink: inout S) throws(CatalogError) {
        var writer = RowWriter(kind: "orphans", fields: orphanFields, format: format, right: [2])
        var rows: [(FileRecord, String)] = []
        try catalog.forEachOrphan { rows.append(($0, "unreferenced")) }
        try catalog.forEachOrphan(onlyDeleted: true) { rows.append(($0, "deleted-records-only")) }
        rows.sort { ($0.0.rootPath, $0.0.path) < ($1.0.rootPath, $1.0.path) }
        for (f, why) in rows {
            writer.row([.text(f.rootPath), .text(f.path.display), .int(f.stat.size), .text(f.stat.mtime.iso8601),
                        .optional(f.sha256?.hex), .optional(f.category?.rawValue), .text(why)], to: &sink)
        }
        writer.finish(to: &sink)
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
                out.write("  references  none: no record points at this file (an orphan)\n")
            } else {
                let live = refs.filter { !$0.deleted }.count
                out.write("  references  \(refs.count)" + (live == refs.count ? "" : " (\(refs.count - live) from deleted records)") + "\n")
                for r in refs {
                    out.write("    \(r.source) \(r.recordKey) (\(r.recordPosition)) \(r.column): \(r.raw)")
                    out.write(" [\(r.kind.rawValue), \(r.match?.rawValue ?? "")" + (r.deleted ? ", deleted record" : "") + (r.modified.map { ", modified \($0)" } ?? "") + "]\n")
                }
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
