import AttacheConfig

/// Built-in knowledge of how common CRMs store attachments (Documentation/Presets.md).
///
/// A preset needs the CRM's database (`database:`) and the root holding its files (`root:`):
/// the install folder for vtiger, SuiteCRM and EspoCRM, the `filestore/<db>` folder for
/// Odoo, and the export folder for a Salesforce data export.
public enum Presets {
    public static let names = ["vtiger", "suitecrm", "odoo", "espocrm", "salesforce"]

    /// Expands a preset into a plan. `columnsOf` tells which columns a table has (to pick a variant).
    public static func plan(_ spec: SourceSpec, preset: String, columnsOf: (String) -> [String]?) -> Result<SourcePlan, PresetError> {
        guard let database = spec.live?.url ?? spec.database else {
            return .failure(PresetError(message: "preset '\(preset)' needs 'database:' (or 'mysql:'/'postgresql:')"))
        }
        guard let root = spec.root else {
            return .failure(PresetError(message: "preset '\(preset)' needs 'root:' — the root that holds the CRM's files"))
        }
        /// `alias.column AS name` when the table has the column, else `NULL AS name`: every preset
        /// offers the same record columns to `fields:` whatever the CRM's version.
        func column(_ table: String, _ alias: String, _ column: String, as name: String) -> String {
            (columnsOf(table)?.contains(column) ?? false) ? "\(alias).\(column) AS \(name)" : "NULL AS \(name)"
        }
        func sqlite(_ query: String, key: [String], file: String, deleted: String?, modified: String?, note: String) -> SourcePlan {
            SourcePlan(name: spec.name, input: spec.live.map { .live(database: $0, table: nil, query: query) }
                           ?? .sqlite(database: database, table: nil, query: query), key: key,
                       template: RecordTemplate(file), textColumns: [], base: root, deleted: deleted, modified: modified, note: note)
        }
        switch preset {
        case "vtiger":
            // vtiger 5–7: storage/<year>/<Month>/week<n>/<attachmentsid>_<name>; 7.2+ stores a hashed
            // 'storedname' instead of the name. The attachment's own crmentity row carries deleted/modified.
            guard let cols = columnsOf("vtiger_attachments") else { return .failure(PresetError(message: "no table vtiger_attachments in \(database): is it a vtiger database?")) }
            let hasStored = cols.contains("storedname")
            let stored = hasStored ? "COALESCE(NULLIF(a.storedname, ''), a.name)" : "a.name"
            let parent = columnsOf("vtiger_seattachmentsrel") != nil
                ? "(SELECT MIN(r.crmid) FROM vtiger_seattachmentsrel r WHERE r.attachmentsid = a.attachmentsid)" : "NULL"
            return .success(sqlite("""
                SELECT a.attachmentsid, a.path || a.attachmentsid || '_' || \(stored) AS file, e.deleted, e.modifiedtime,
                    a.name AS name, \(column("vtiger_crmentity", "e", "setype", as: "module")), \(parent) AS parent_id
                FROM vtiger_attachments a LEFT JOIN vtiger_crmentity e ON e.crmid = a.attachmentsid
                ORDER BY a.attachmentsid
                """, key: ["attachmentsid"], file: "{file}", deleted: "deleted", modified: "modifiedtime",
                note: hasStored ? "vtiger 7.2+ (storedname)" : "vtiger 5–7.1 (name)"))
        case "suitecrm":
            // SuiteCRM / SugarCRM CE: note attachments and document revisions live in upload/<id>, no extension.
            guard columnsOf("notes") != nil else { return .failure(PresetError(message: "no table notes in \(database): is it a SuiteCRM database?")) }
            var parts = ["SELECT 'note:' || n.id AS ref, 'upload/' || n.id AS file, n.deleted, n.date_modified, n.filename AS name, "
                + "\(column("notes", "n", "parent_type", as: "parent_type")), \(column("notes", "n", "parent_id", as: "parent_id")) "
                + "FROM notes n WHERE COALESCE(n.filename, '') <> ''"]
            if columnsOf("document_revisions") != nil {
                parts.append("SELECT 'revision:' || d.id, 'upload/' || d.id, d.deleted, d.date_modified, d.filename, 'Documents', "
                    + "\(column("document_revisions", "d", "document_id", as: "parent_id")) "
                    + "FROM document_revisions d WHERE COALESCE(d.filename, '') <> ''")
            }
            return .success(sqlite(parts.joined(separator: "\nUNION ALL\n") + "\nORDER BY 1", key: ["ref"], file: "{file}",
                                   deleted: "deleted", modified: "date_modified", note: parts.count == 2 ? "notes and document revisions" : "notes"))
        case "odoo":
            // Odoo: ir_attachment rows of type 'binary' stored in the filestore as <sha1[:2]>/<sha1>.
            // Odoo deletes attachments for good: there is no soft-delete column.
            guard columnsOf("ir_attachment") != nil else { return .failure(PresetError(message: "no table ir_attachment in \(database): is it an Odoo database?")) }
            return .success(sqlite("""
                SELECT id, store_fname, write_date, \(column("ir_attachment", "ir_attachment", "name", as: "name")),
                    \(column("ir_attachment", "ir_attachment", "res_model", as: "res_model")),
                    \(column("ir_attachment", "ir_attachment", "res_id", as: "res_id")) FROM ir_attachment
                WHERE type = 'binary' AND COALESCE(store_fname, '') <> '' ORDER BY id
                """, key: ["id"], file: "{store_fname}", deleted: nil, modified: "write_date", note: "filestore (store_fname)"))
        case "espocrm":
            // EspoCRM: data/upload/<id>; a copied attachment points at its original through source_id.
            guard let cols = columnsOf("attachment") else { return .failure(PresetError(message: "no table attachment in \(database): is it an EspoCRM database?")) }
            let src = cols.contains("source_id") ? "COALESCE(NULLIF(source_id, ''), id)" : "id"
            let modified = cols.contains("modified_at") ? "modified_at" : "created_at"
            return .success(sqlite("""
                SELECT id, 'data/upload/' || \(src) AS file, deleted, \(modified) AS modified,
                    \(column("attachment", "attachment", "name", as: "name")), \(column("attachment", "attachment", "parent_type", as: "parent_type")),
                    \(column("attachment", "attachment", "parent_id", as: "parent_id")) FROM attachment ORDER BY id
                """, key: ["id"], file: "{file}", deleted: "deleted", modified: "modified", note: "data/upload"))
        case "salesforce":
            // A Salesforce data export: Attachment.csv beside an Attachments/ folder of files named by Id.
            if spec.live != nil {
                return .failure(PresetError(message: "preset 'salesforce' reads a data export's Attachment.csv: give it with 'database:'"))
            }
            return .success(SourcePlan(name: spec.name, input: .csv(file: database, delimiter: spec.delimiter, encoding: spec.encoding),
                                       key: ["Id"], template: RecordTemplate("Attachments/{Id}"), textColumns: [], base: root,
                                       deleted: nil, modified: "LastModifiedDate",
                                       note: "Attachment.csv export (an export holds no deleted rows)"))
        default:
            return .failure(PresetError(message: "unknown preset '\(preset)'; known: \(names.joined(separator: ", "))"))
        }
    }

    public struct PresetError: Error, Sendable, Equatable {
        public let message: String
        /// The live database's error when the preset could not look at its tables (connection,
        /// password, permission): reported as that, with its exit code.
        public var source: SourceError? = nil
        public init(message: String, source: SourceError? = nil) { self.message = message; self.source = source }
    }
}
