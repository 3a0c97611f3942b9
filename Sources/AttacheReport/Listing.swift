import AttacheCatalog
import AttacheModel

/// The output formats of `attache list` and `attache report`.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, csv, json, text
}

/// Complete, sorted listings with stable field names (Documentation/Listings.md).
///
/// Paths are relative to their root and shown as UTF-8; bytes that are not valid UTF-8 are
/// written `\xNN` (and a backslash in such a name as `\\`), so every name stays distinct.
public enum Listing {
    /// Version of the JSON listing envelope; bump when a field changes meaning or disappears.
    public static let jsonVersion = 1

    public static let fileFields = [
        "root", "path", "kind", "size", "mtime", "sha256", "mime", "category", "extension_mismatch", "status",
        "problem", "problem_detail", "owner", "group", "uid", "gid",
    ]
    public static let duplicateFields = ["group", "sha256", "size", "copies", "reclaimable", "root", "path", "mtime"]
    public static let problemFields = ["root", "path", "code", "severity", "detail", "first_run", "last_run"]
    /// The `duplicates` listing's JSON version: 2 since `reclaimable` is given once per group.
    public static let duplicatesJSONVersion = 2

    static let fileTable: [ListingColumn] = [
        .root(), .path(), .number("size"), .date(), .field("category", minWidth: 8), .field("status", shortening: .never),
        .field("owner", minWidth: 5), .field("problem", minWidth: 8),
    ]
    static let duplicateTable: [ListingColumn] = [
        .number("group"), .number("copies"), .number("size"), .number("reclaimable"),
        ListingColumn(column: Table.Column("sha256", shortening: .never)) { String($0["sha256"].prefix(12)) },
        .root(), .path(),
    ]
    static let problemTable: [ListingColumn] = [
        .root(), .path(), .field("code", shortening: .never), .field("severity", shortening: .never), .field("detail", minWidth: 16),
    ]

    /// Lists files (present ones unless `includeGone`); `owners` names their uid and gid
    /// (names are empty without it, or when the system knows none).
    public static func files<S: TextSink>(_ catalog: Catalog, format: OutputFormat, includeGone: Bool = false,
                                          owners: (any OwnerNaming)? = nil, to sink: inout S) throws(CatalogError) {
        var writer = RowWriter(kind: "files", fields: fileFields, table: fileTable, format: format, sink: sink)
        try catalog.forEachFile(includeGone ? .all : .present) { f in
            writer.row([
                .text(f.rootPath), .text(f.path.display), .text(f.stat.kind.rawValue), .int(f.stat.size),
                .text(f.stat.mtime.iso8601), .optional(f.sha256?.hex), .optional(f.mime), .optional(f.category?.rawValue),
                .bool(f.extensionMismatch), .text(f.status.rawValue), .optional(f.problem?.rawValue), .optional(f.problemDetail),
                .text(f.stat.uid.flatMap { owners?.user($0) } ?? ""), .text(f.stat.gid.flatMap { owners?.group($0) } ?? ""),
                .int(f.stat.uid), .int(f.stat.gid),
            ])
        }
        sink = writer.finish()
    }

    /// Lists every file that has a same-content twin, group by group. The group's figures
    /// (`reclaimable`) are on its first row only, so summing the column gives the saving.
    public static func duplicates<S: TextSink>(_ catalog: Catalog, format: OutputFormat, to sink: inout S) throws(CatalogError) {
        var writer = RowWriter(kind: "duplicates", fields: duplicateFields, table: duplicateTable, format: format,
                               version: duplicatesJSONVersion, sink: sink)
        for (i, g) in try catalog.duplicateGroups().enumerated() {
            for (n, f) in g.files.enumerated() {
                writer.row([
                    .int(i + 1), .text(g.sha256.hex), .int(g.size), .int(g.files.count), n == 0 ? .int(g.reclaimable) : .null,
                    .text(f.rootPath), .text(f.path.display), .text(f.stat.mtime.iso8601),
                ])
            }
        }
        sink = writer.finish()
    }

    /// Lists every current finding.
    public static func problems<S: TextSink>(_ catalog: Catalog, format: OutputFormat, to sink: inout S) throws(CatalogError) {
        var writer = RowWriter(kind: "problems", fields: problemFields, table: problemTable, format: format, sink: sink)
        for p in try catalog.findings() {
            writer.row([
                .text(p.rootPath), .text(p.path.isEmpty ? "." : p.path.display), .text(p.code.rawValue),
                .text(p.code.severity.rawValue), .text(p.detail), .int(p.firstRun), .int(p.lastRun),
            ])
        }
        sink = writer.finish()
    }
}
