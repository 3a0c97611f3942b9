import AttacheCatalog
import AttacheModel

extension Listing {
    /// The link table's fields, in order (Documentation/Listings.md).
    public static let linkFields = [
        "source", "key", "position", "column", "kind", "raw", "span_start", "span_end", "status", "deleted", "root", "path", "sha256",
        "placement", "target_path", "archive_path", "member", "duplicate_of", "rule", "new_address",
    ]

    static let linkTable: [ListingColumn] = [
        .field("source", minWidth: 10), .field("key", minWidth: 8), .field("raw", shortening: .middle, minWidth: 20),
        .field("placement", shortening: .never),
        ListingColumn(column: Table.Column("now", shortening: .middle, minWidth: 16)) { r in
            if !r["new_address"].isEmpty { return r["new_address"] }
            if !r["target_path"].isEmpty { return r["target_path"] }
            if !r["archive_path"].isEmpty { return r["archive_path"] + (r["member"].isEmpty ? "" : " : " + r["member"]) }
            return r["status"] == ReferenceStatus.resolved.rawValue ? "" : r["status"]
        },
    ]

    /// The link table as CSV and JSON at once (one pass over the catalog; `address` is asked
    /// once a reference), of one kind of reference or all: what `attache rewrite` writes
    /// beside its copies (the composed references, which no record text carries).
    public static func linkTables<C: TextSink, J: TextSink>(_ catalog: Catalog, kind: ReferenceKind? = nil,
                                                           address: (ReferenceRecord, ReferenceLink) -> String?,
                                                           csv: inout C, json: inout J) throws(CatalogError) {
        var c = RowWriter(kind: "links", fields: linkFields, table: linkTable, format: .csv, sink: csv)
        var j = RowWriter(kind: "links", fields: linkFields, table: linkTable, format: .json, sink: json)
        try catalog.forEachReferenceLink(kind: kind) { r, l in
            let row = Listing.linkRow(r, l, address(r, l))
            c.row(row)
            j.row(row)
        }
        csv = c.finish()
        json = j.finish()
    }

    static func linkRow(_ r: ReferenceRecord, _ l: ReferenceLink, _ address: String?) -> [FieldValue] {
        [
            .text(r.source), .text(r.recordKey), .text(r.recordPosition), .text(r.column), .text(r.kind.rawValue), .text(r.raw),
            .int(r.spanStart), .int(r.spanEnd), .text(r.status.rawValue), .bool(r.deleted), .optional(r.fileRoot),
            .optional(r.filePath?.display), .optional(l.sha256?.hex), .optional(l.placement?.rawValue), .optional(l.targetPath),
            .optional(l.archivePath), .optional(l.member?.display), .int(l.duplicateOf), .optional(l.rule), .optional(address),
        ]
    }

    /// Every reference with where its file is now (a duplicate's: the kept copy's location):
    /// what the new system's importer reads to re-link records. `address` spells the new
    /// location as the records will (the manifest's `target.address`), or nil.
    public static func links<S: TextSink>(_ catalog: Catalog, format: OutputFormat,
                                          address: (ReferenceRecord, ReferenceLink) -> String?,
                                          to sink: inout S) throws(CatalogError) {
        var writer = RowWriter(kind: "links", fields: linkFields, table: linkTable, format: format, sink: sink)
        try catalog.forEachReferenceLink { r, l in writer.row(Listing.linkRow(r, l, address(r, l))) }
        sink = writer.finish()
    }
}
