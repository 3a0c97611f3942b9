/// One record of a legacy source: a row of a table or query, a CSV record, or a text file.
public struct SourceRecord: Sendable {
    /// The values of the source's `key` columns, in order (for text files: the file's path
    /// relative to the folder).
    public var key: [String]
    /// Column name → value; a SQL NULL is absent. For text files, one field: `text`.
    public var fields: [String: String]
    /// Whether the record is soft-deleted (the `deleted` column is truthy: 1, true, yes, y, t).
    public var deleted: Bool
    /// The `modified` column's value as written (a date or timestamp), if any.
    public var modified: String?
    /// Where the record is, for messages: "row 17", "record 17 (line 42)", "notes/a.html".
    public var position: String
    /// A SQLite table's rowid, when the source was opened to be rewritten (nil otherwise).
    public var rowID: Int64?

    public init(key: [String], fields: [String: String], deleted: Bool = false, modified: String? = nil, position: String,
                rowID: Int64? = nil) {
        self.key = key; self.fields = fields; self.deleted = deleted; self.modified = modified; self.position = position
        self.rowID = rowID
    }
}

/// Reads the records of one source, one at a time (memory stays flat in the number of records).
public protocol RecordSource {
    /// The columns a record has (for a query: its result columns), to validate templates.
    var columns: [String] { get }
    /// Calls `body` for every record in a stable order; `problem` for per-record problems.
    /// - Throws: a fatal ``SourceError``.
    func forEachRecord(_ body: (SourceRecord) throws -> Void, problem: (SourceError) -> Void) throws
}
