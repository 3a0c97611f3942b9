import AttacheCatalog
import AttacheModel

extension Listing {
    /// The mapping's fields, in order (Documentation/Listings.md).
    public static let mappingFields = [
        "root", "path", "file_id", "sha256", "size", "placement", "target_path", "archive_path", "member", "duplicate_of", "rule",
        "method", "detail", "spellings", "target", "run", "plan", "current",
    ]

    static let mappingTable: [ListingColumn] = [
        .root(), .path(), .field("placement", shortening: .never),
        ListingColumn(column: Table.Column("now", shortening: .middle, minWidth: 16)) { r in
            if !r["target_path"].isEmpty && r["placement"] == PlacementKind.placed.rawValue { return r["target_path"] }
            if !r["archive_path"].isEmpty { return r["archive_path"] + (r["member"].isEmpty ? "" : " : " + r["member"]) }
            if !r["duplicate_of"].isEmpty { return "same as file " + r["duplicate_of"] }
            return r["detail"]
        },
        .field("rule", minWidth: 8),
    ]

    /// Where every catalogued file is now (the current mapping rows), or with `history` every
    /// row apply ever wrote, superseded ones too — sorted by root, path and run.
    public static func mapping<S: TextSink>(_ catalog: Catalog, format: OutputFormat, history: Bool = false,
                                            to sink: inout S) throws(CatalogError) {
        var writer = RowWriter(kind: "mapping", fields: mappingFields, table: mappingTable, format: format, sink: sink)
        try catalog.forEachMapping(history: history) { m, target in
            var targetPath: String? = nil, archive: String? = nil, member: String? = nil, duplicate: Int64? = nil, detail: String? = nil
            switch m.placement {
            case .placed(let p): targetPath = p
            case .archived(let a, let mem): archive = a; member = mem.display
            case .duplicate(let of): duplicate = of
            case .pending(let why): detail = why
            case .dropped, .gone: break
            }
            writer.row([
                .text(m.root), .text(m.path.display), .integer(m.fileID), .optional(m.sha256?.hex), .integer(m.size),
                .text(m.placement.kind.rawValue), .optional(targetPath), .optional(archive), .optional(member), .int(duplicate),
                .text(m.rule), .optional(m.method), .optional(detail), .text(m.spellings.joined(separator: "\n")), .optional(target),
                .integer(m.runID), .integer(m.planID), .bool(m.current),
            ])
        }
        sink = writer.finish()
    }
}
