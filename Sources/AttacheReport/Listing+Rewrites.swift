import AttacheCatalog
import AttacheModel

extension Listing {
    /// The rewrite audit's fields, in order (Documentation/Listings.md).
    public static let rewriteFields = [
        "run", "source", "key", "position", "record_id", "column", "outcome", "before", "after", "span_start", "span_end",
        "file_id", "location", "detail",
    ]

    static let rewriteTable: [ListingColumn] = [
        .field("source", minWidth: 10), .field("position", minWidth: 8), .field("outcome", shortening: .never),
        .field("before", shortening: .middle, minWidth: 20),
        ListingColumn(column: Table.Column("after / why", shortening: .middle, minWidth: 20)) { r in
            r["after"].isEmpty ? r["detail"] : r["after"]
        },
    ]

    /// Every reference a rewrite run considered: what the record held, what was written, or
    /// why nothing was (with `attentionOnly`: only flagged, unresolved, refused and failed —
    /// the records people must fix).
    public static func rewrites<S: TextSink>(_ catalog: Catalog, run: Int64, attentionOnly: Bool, format: OutputFormat,
                                             to sink: inout S) throws {
        var writer = RowWriter(kind: "rewrites", fields: rewriteFields, table: rewriteTable, format: format, sink: sink)
        let outcomes = attentionOnly ? Set(RewriteOutcome.allCases.filter(\.needsAttention)) : nil
        try catalog.forEachRewriteAudit(run: run, outcomes: outcomes) { e in
            writer.row([
                .integer(run), .text(e.source), .text(e.recordKey), .text(e.recordPosition), .optional(e.recordID), .text(e.column),
                .text(e.outcome.rawValue), .text(e.before), .optional(e.after), .int(e.spanStart), .int(e.spanEnd), .int(e.fileID),
                .optional(e.location), .optional(e.detail),
            ])
        }
        sink = writer.finish()
    }
}
