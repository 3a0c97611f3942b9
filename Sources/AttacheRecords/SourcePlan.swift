import AttacheConfig
import AttacheModel
import AttacheSystem

/// What a source reads once a preset is expanded: the same shape as a hand-written source.
public struct SourcePlan: Sendable, Equatable {
    public enum Input: Sendable, Equatable {
        case sqlite(database: String, table: String?, query: String?)
        case csv(file: String, delimiter: Character?, encoding: String?)
        case textFiles(folder: String, encoding: String?)
    }
    public var name: String
    public var input: Input
    public var key: [String]
    public var template: RecordTemplate?
    public var textColumns: [String]
    /// What relative paths resolve against (a manifest `base`, or a preset's root).
    public var base: String?
    public var deleted: String?
    public var modified: String?
    /// For presets: the variant chosen and why (shown by `attache refs`).
    public var note: String?
    /// Columns kept with every reference (`fields:`), for policy layouts (`{record.COLUMN}`).
    public var fields: [String] = []
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
        case .preset(let preset):
            let probe = spec.database.flatMap { SQLiteRecordSource.tableColumns(database: $0) }
            self = try Presets.plan(spec, preset: preset, columnsOf: { probe?[$0] }).get()
        }
        fields = spec.fields
    }

    /// Opens the source this plan reads (checking that it exists and can be read, and for a
    /// database that the query only reads).
    /// - Throws: a fatal ``SourceError``.
    public func open() throws(SourceError) -> any RecordSource {
        switch input {
        case .sqlite(let db, let table, let query):
            return try SQLiteRecordSource(name: name, database: db, table: table, query: query, key: key,
                                          deleted: deleted, modified: modified)
        case .csv(let file, let delimiter, let encoding):
            return try CSVRecordSource(name: name, file: file, key: key, deleted: deleted, modified: modified,
                                       delimiter: delimiter, encoding: encoding)
        case .textFiles(let folder, let encoding):
            return try TextFilesSource(name: name, folder: folder, encoding: encoding)
        }
    }

    /// The database, CSV file or folder the plan reads, as the manifest names it.
    public var location: String {
        switch input {
        case .sqlite(let db, _, _): return db
        case .csv(let f, _, _): return f
        case .textFiles(let f, _): return f
        }
    }

    /// What must stay the same for a source not to be read again: its definition, and the size
    /// and modification time of what it reads (every file, hidden ones too, for a folder of
    /// text files; links are not followed).
    public var fingerprint: String {
        var parts = ["\(self)"]
        func stamp(_ path: RawPath) {
            guard case .success(let st) = RawFile.status(of: path, followLinks: false) else { return }
            parts.append("\(path.display):\(st.size):\(st.mtime.seconds).\(st.mtime.nanoseconds - st.mtime.seconds * 1_000_000_000)")
        }
        switch input {
        case .sqlite(let db, _, _):
            stamp(RawPath(db)); stamp(RawPath(db + "-wal"))
        case .csv(let f, _, _):
            stamp(RawPath(f))
        case .textFiles(let folder, _):
            var paths: [RawPath] = []
            Self.collect(RawPath(folder), into: &paths)
            for p in paths.sorted() { stamp(p) }
        }
        return parts.joined(separator: "|")
    }

    /// Every entry below `folder` (folders and files), recursively, not following links.
    private static func collect(_ folder: RawPath, into paths: inout [RawPath]) {
        guard case .success(let entries) = RawFile.list(folder) else { return }
        for e in entries {
            let path = folder.appending(e.name)
            paths.append(path)
            if e.kind == .directory { collect(path, into: &paths) }
        }
    }
}
