import GRDBSQLite

/// Records from a table or a read-only query of a SQLite database, one per result row,
/// streamed with `sqlite3_step` (memory stays flat).
///
/// - The database is opened read-only and never created; see ``SQLiteReadOnlyConnection``
///   for the locks (read-only open, `query_only`, an authorizer) and for WAL databases.
/// - A `table` (or view) is read with `SELECT *`, ordered by the key columns — then by rowid
///   (or, for a view or a `WITHOUT ROWID` table, by every column) so ties come out the same way
///   every run; with no key, by rowid alone. Names match case-insensitively, as in SQL.
/// - A `query` runs as written (its own ORDER BY decides the order). It must be one statement
///   that only reads: anything else is refused before it runs.
/// - Values become text: integers in decimal, reals as SQLite prints them, TEXT and BLOB as
///   UTF-8. A NULL is left out of `fields` (and is "" in `key`); a value that is not UTF-8 is
///   left out too and reported (non-fatal `.undecodable`, naming the row and column).
/// - `deleted` is truthy for a non-zero number, `true`, `yes`, `y`, `t` (see
///   `SourceDeletedFlag`); `modified` is the column's text (nil when NULL or empty).
/// - `position` is "row N", counting from 1 in the order read.
public struct SQLiteRecordSource: RecordSource {
    /// The source's name in the manifest.
    public let name: String
    /// The database file, as given.
    public let database: String
    /// The result columns, in order.
    public let columns: [String]
    /// The columns (lower-cased names) to decode; the others are passed over — nil: all.
    /// The key, `deleted` and `modified` columns are always read.
    public var onlyColumns: Set<String>?
    /// The statement this source runs.
    public let statement: String
    /// Whether the database was opened with `immutable=1` (a WAL database with no pending log).
    public var isImmutable: Bool { connection.immutable }

    private let connection: SQLiteReadOnlyConnection
    private let roles: SourceRoleColumns
    private let deletedColumn: String?
    private let readsRowID: Bool

    /// Opens `database` read-only and checks the table or query and the named columns.
    /// - Parameters:
    ///   - table: the table or view to read (exclusive with `query`).
    ///   - query: one read-only SQL statement (exclusive with `table`).
    ///   - key: the columns identifying a record (may be empty).
    ///   - deleted: a soft-delete flag column; `modified`: a last-modified column.
    /// - Throws: a fatal ``SourceError``: `.badOption` (not exactly one of table/query),
    ///   `.notFound` (no file), `.unreadable` (not a database, cannot be read), `.unknownTable`
    ///   (with a suggestion), `.badQuery` (does not prepare, several statements, duplicate
    ///   result names), `.notReadOnly`, `.unknownColumn` (listing the columns).
    ///   - withRowID: read each row's rowid too (``SourceRecord/rowID``), to rewrite it: the
    ///     rows come out in the same order; nil for a view or a `WITHOUT ROWID` table.
    public init(name: String, database: String, table: String?, query: String?, key: [String],
                deleted: String?, modified: String?, withRowID: Bool = false) throws(SourceError) {
        func fail(_ kind: SourceError.Kind, _ message: String, position: String? = nil) -> SourceError {
            SourceError(kind: kind, source: name, file: database, position: position, message: message, fatal: true)
        }
        switch (table, query) {
        case (nil, nil): throw fail(.badOption, "give either `table` or `query`")
        case (.some, .some): throw fail(.badOption, "give either `table` or `query`, not both")
        default: break
        }
        let connection = try SQLiteReadOnlyConnection(path: database, source: name)
        let plan: (sql: String, columns: [String], what: String)
        if let table {
            plan = try Self.tablePlan(table, connection: connection, fail: fail)
        } else {
            plan = try Self.queryPlan(query!, connection: connection, fail: fail)
        }
        self.roles = try SourceRoleColumns(key: key, deleted: deleted, modified: modified, columns: plan.columns,
                                           caseInsensitive: true, source: name, file: database, what: plan.what)
        var sql = plan.sql
        var readsRowID = false
        if let table, withRowID, connection.prepares("SELECT _rowid_ FROM " + SQLiteReadOnlyConnection.quoted(table) + " LIMIT 0") {
            // After every column, so the columns keep their indexes.
            sql = "SELECT *, _rowid_ FROM " + sql.dropFirst("SELECT * FROM ".count)
            readsRowID = true
        }
        if table != nil {
            sql += Self.orderBy(roles.key.map { plan.columns[$0] }, table: table!, columns: plan.columns,
                                connection: connection)
        }
        self.name = name
        self.database = database
        self.columns = plan.columns
        self.statement = sql
        self.connection = connection
        self.deletedColumn = roles.deleted.map { plan.columns[$0] }
        self.readsRowID = readsRowID
    }

    /// Streams every row; see the type's description.
    public func forEachRecord(_ body: (SourceRecord) throws -> Void, problem: (SourceError) -> Void) throws {
        try forEachRecord(only: nil, body, problem: problem)
    }

    /// Streams the rows, decoding only those `only` wants (by row number, from 1): the rewrite
    /// reads every row to keep the numbering, and decodes the ones with references.
    public func forEachRecord(only: ((Int) -> Bool)?, _ body: (SourceRecord) throws -> Void,
                              problem: (SourceError) -> Void) throws {
        var prepared: OpaquePointer?
        guard sqlite3_prepare_v2(connection.handle, statement, -1, &prepared, nil) == SQLITE_OK, let prepared else {
            throw SourceError(kind: .unreadable, source: name, file: database, position: nil,
                              message: "SQLite cannot run the source's statement: \(connection.lastMessage)", fatal: true)
        }
        defer { sqlite3_finalize(prepared) }
        let reader = SQLiteRowReader(statement: prepared, columns: columns, source: name, file: database)
        let wanted = onlyColumns.map { only in roles.marking(columns.map { only.contains($0.lowercased()) }) }
        var flag = deletedColumn.map { SourceDeletedFlag(column: $0) }
        var row = 0
        while true {
            let rc = sqlite3_step(prepared)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else {
                throw SourceError(kind: .unreadable, source: name, file: database, position: "row \(row + 1)",
                                  message: "SQLite stopped reading: \(connection.lastMessage)", fatal: true)
            }
            row += 1
            if let only, !only(row) { continue }
            let position = "row \(row)"
            let values = reader.values(position: position, wanted: wanted, problem: problem)
            var fields: [String: String] = [:]
            fields.reserveCapacity(columns.count)
            for (i, value) in values.enumerated() {
                if let value { fields[columns[i]] = value }
            }
            let deleted = roles.deleted.map { index in
                flag!.isDeleted(values[index], position: position, source: name, file: database, problem: problem)
            } ?? false
            let modified = roles.modified.flatMap { values[$0] }.flatMap { $0.isEmpty ? nil : $0 }
            let rowID = readsRowID ? sqlite3_column_int64(prepared, Int32(columns.count)) : nil
            try body(SourceRecord(key: roles.key.map { values[$0] ?? "" }, fields: fields, deleted: deleted,
                                  modified: modified, position: position, rowID: rowID))
        }
    }
}
