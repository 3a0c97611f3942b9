import AttacheConfig
import AttacheModel
import AttacheSystem

/// What a source reads once a preset is expanded: the same shape as a hand-written source.
public struct SourcePlan: Sendable, Equatable {
    public enum Input: Sendable, Equatable {
        case sqlite(database: String, table: String?, query: String?)
        case csv(file: String, delimiter: Character?, encoding: String?)
        case textFiles(folder: String, encoding: String?)
        /// A live MySQL/MariaDB or PostgreSQL database (``LiveRecordSource``).
        case live(database: AttacheConfig.LiveDatabase, table: String?, query: String?)
    }
    public var name: String
    public var input: Input
    public var key: [String]
    public var template: RecordTemplate?
    public var textColumns: [String]
    /// What relative paths resolve against (a manifest `base`, or a preset's root).
    public var base: String?
    /// Where bare relative paths in the text columns start (the manifest's `relative_base`,
    /// else an explicitly written `base`); nil when the text is not searched for them (a
    /// preset, a source with only `root:`). Set, it turns on ``PathGrammar/extract(from:posixPrefixes:relative:)``'s
    /// `relative` and makes the source read again after each scan (the catalog chooses where
    /// such a path starts).
    public var relativeBase: String? = nil
    public var deleted: String?
    public var modified: String?
    /// For presets: the variant chosen and why (shown by `attache refs`).
    public var note: String?
    /// Columns kept with every reference (`fields:`), for policy layouts (`{record.COLUMN}`).
    public var fields: [String] = []
    /// The manifest's `preset:` this plan was expanded from, or nil for a hand-written source.
    public var preset: String? = nil
}

extension SourcePlan {
    /// The plan for a manifest source: its own settings, or its preset expanded against the
    /// tables of its database (read through the same read-only connection a source uses).
    /// - Throws: ``Presets/PresetError`` when the preset cannot be expanded.
    public init(_ spec: SourceSpec) throws(Presets.PresetError) {
        switch spec.kind {
        case .sqlite(let db):
            self.init(name: spec.name, input: .sqlite(database: db, table: spec.table, query: spec.query), key: spec.key,
                      template: spec.file.flatMap(RecordTemplate.init), textColumns: spec.text, base: spec.base ?? spec.root,
                      deleted: spec.deleted, modified: spec.modified, note: nil)
        case .csv(let file):
            self.init(name: spec.name, input: .csv(file: file, delimiter: spec.delimiter, encoding: spec.encoding), key: spec.key,
                      template: spec.file.flatMap(RecordTemplate.init), textColumns: spec.text, base: spec.base ?? spec.root,
                      deleted: spec.deleted, modified: spec.modified, note: nil)
        case .textFiles(let folder):
            self.init(name: spec.name, input: .textFiles(folder: folder, encoding: spec.encoding), key: [],
                      template: nil, textColumns: ["text"], base: spec.base ?? spec.root, deleted: nil, modified: nil, note: nil)
        case .mysql, .postgresql:
            self.init(name: spec.name, input: .live(database: spec.live!, table: spec.table, query: spec.query), key: spec.key,
                      template: spec.file.flatMap(RecordTemplate.init), textColumns: spec.text, base: spec.base ?? spec.root,
                      deleted: spec.deleted, modified: spec.modified, note: nil)
        case .preset(let preset):
            let probe: [String: [String]]?
            if let live = spec.live {
                do { probe = try LiveRecordSource.tableColumns(live, source: spec.name) } catch {
                    throw Presets.PresetError(message: error.message, source: error)
                }
            } else {
                probe = spec.database.flatMap { SQLiteRecordSource.tableColumns(database: $0) }
            }
            self = try Presets.plan(spec, preset: preset, columnsOf: { probe?[$0] }).get()
            self.preset = preset
        }
        fields = spec.fields
        if case .preset = spec.kind {} else { relativeBase = spec.relativeBase ?? spec.base }
    }

    /// What a relative path found in the text columns resolves against: ``relativeBase`` when
    /// set, else ``base`` (as before `relative_base` existed, for `./x` and `..\x`).
    public var textBase: String? { relativeBase ?? base }

    /// The columns the references stage reads from each record, lower-cased: the key, the
    /// `file` template's, the `text` columns, `deleted`, `modified` and the kept `fields`.
    /// Other columns of a table are never decoded — a BLOB of file content, a column in
    /// another charset — so they cost nothing and are no problem of the record's.
    public var usedColumns: Set<String> {
        Set((key + (template?.columns ?? []) + textColumns + [deleted, modified].compactMap { $0 } + fields).map { $0.lowercased() })
    }

    /// Opens the source this plan reads (checking that it exists and can be read, and for a
    /// database that the query only reads).
    /// - Throws: a fatal ``SourceError``.
    public func open() throws(SourceError) -> any RecordSource {
        switch input {
        case .sqlite(let db, let table, let query):
            var source = try SQLiteRecordSource(name: name, database: db, table: table, query: query, key: key,
                                                deleted: deleted, modified: modified)
            source.onlyColumns = usedColumns
            return source
        case .csv(let file, let delimiter, let encoding):
            return try CSVRecordSource(name: name, file: file, key: key, deleted: deleted, modified: modified,
                                       delimiter: delimiter, encoding: encoding)
        case .textFiles(let folder, let encoding):
            return try TextFilesSource(name: name, folder: folder, encoding: encoding)
        case .live(let database, let table, let query):
            let source = try LiveRecordSource(name: name, database: database, table: table, query: query, key: key,
                                              deleted: deleted, modified: modified)
            source.onlyColumns = usedColumns
            return source
        }
    }

    /// The database, CSV file or folder the plan reads, as the manifest names it.
    public var location: String {
        switch input {
        case .sqlite(let db, _, _): return db
        case .csv(let f, _, _): return f
        case .textFiles(let f, _): return f
        case .live(let d, _, _): return d.url
        }
    }
}
