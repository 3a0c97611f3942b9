import AttacheConfig
import AttacheModel

/// Records from a table or a read-only query of a live MySQL/MariaDB or PostgreSQL database,
/// streamed through one read-only connection and one consistent snapshot (``LiveConnection``).
///
/// It behaves as ``SQLiteRecordSource`` does, so the same records give the same references:
/// - a `table` is read with `SELECT *`, ordered by the key columns, then by the primary key
///   (or every column, when the table has none) so ties come out the same way every run;
/// - a `query` is checked by ``LiveQueryGuard`` before it is sent, and runs as written;
/// - values become UTF-8 text (the session's charset; the server converts legacy columns), a
///   NULL is left out of `fields`, a value that is not UTF-8 (a binary column) is left out and
///   reported; a one-byte `BIT(1)` deleted flag reads as 0 or 1;
/// - `position` is "row N", counting from 1 in the order read.
public final class LiveRecordSource: RecordSource {
    public let name: String
    public let database: AttacheConfig.LiveDatabase
    public let columns: [String]
    /// The columns (lower-cased names) to decode; the others are passed over — nil: all.
    /// The key, `deleted` and `modified` columns are always read.
    public var onlyColumns: Set<String>?
    /// The statement this source runs.
    public let statement: String
    /// The table read (nil for a query), as the server spells it.
    public let table: String?
    let connection: any LiveConnection
    let roles: SourceRoleColumns
    /// The table's primary key columns (empty for a query, or a table without one).
    public let primaryKey: [String]

    /// Connects read-only and checks the table or query and the named columns.
    /// - Throws: a fatal ``SourceError``: `.badOption` (not exactly one of table/query), the
    ///   connection's errors, `.unknownTable` (with a suggestion), `.badQuery`, `.notReadOnly`,
    ///   `.unknownColumn` (listing the columns).
    public init(name: String, database: AttacheConfig.LiveDatabase, table: String?, query: String?, key: [String],
                deleted: String?, modified: String?) throws(SourceError) {
        func fail(_ kind: SourceError.Kind, _ message: String, position: String? = nil) -> SourceError {
            SourceError(kind: kind, source: name, file: database.url, position: position, message: message, fatal: true)
        }
        switch (table, query) {
        case (nil, nil): throw fail(.badOption, "give either `table` or `query`")
        case (.some, .some): throw fail(.badOption, "give either `table` or `query`, not both")
        default: break
        }
        if let query, let problem = LiveQueryGuard.problem(in: query, engine: database.engine) {
            throw fail(problem.kind, problem.message)
        }
        let connection = try LiveConnector.open(database, source: name, readOnly: true)
        var sql: String
        let columns: [String]
        let what: String
        if let table {
            let tables = try connection.tables()
            guard let index = SourceNames.index(of: table, in: tables.map(\.name), caseInsensitive: true) else {
                let names = tables.map(\.name)
                throw fail(.unknownTable, names.isEmpty
                    ? "the database has no table or view named '\(table)' (it has no tables at all, or none this user may see)"
                    : "the database has no table or view named '\(table)'." + SourceNames.didYouMean(table, among: names)
                        + " Tables and views: \(SourceNames.list(names))", position: table)
            }
            let actual = tables[index]
            columns = actual.columns
            what = "table '\(actual.name)'"
            sql = "SELECT * FROM " + connection.quoted(actual.name)
            self.table = actual.name
        } else {
            columns = try connection.resultColumns(of: query!)
            var seen: [String: Int] = [:]
            for (i, column) in columns.enumerated() {
                if let first = seen[column.lowercased()] {
                    throw fail(.badQuery, "the query returns two columns named '\(column)' (columns \(first + 1) and "
                        + "\(i + 1)); name them apart with AS")
                }
                seen[column.lowercased()] = i
            }
            what = "the query"
            sql = query!
            self.table = nil
        }
        roles = try SourceRoleColumns(key: key, deleted: deleted, modified: modified, columns: columns,
                                      caseInsensitive: true, source: name, file: database.url, what: what)
        var primary: [String] = []
        if let table = self.table {
            var terms = roles.key.map { columns[$0] }
            primary = try connection.primaryKey(of: table)
            if primary.isEmpty {
                terms += columns.filter { !terms.contains($0) }
            } else {
                terms += primary.filter { !terms.contains($0) }
            }
            if !terms.isEmpty { sql += " ORDER BY " + terms.map(connection.quoted).joined(separator: ", ") }
        }
        self.primaryKey = primary
        self.name = name
        self.database = database
        self.columns = columns
        self.statement = sql
        self.connection = connection
    }

    deinit { connection.close() }

    public func forEachRecord(_ body: (SourceRecord) throws -> Void, problem: (SourceError) -> Void) throws {
        var flag = roles.deleted.map { SourceDeletedFlag(column: columns[$0]) }
        var row = 0
        var values = [String?](repeating: nil, count: columns.count)
        let wanted = roles.marking(columns.map { onlyColumns?.contains($0.lowercased()) ?? true })
        try connection.stream(statement, columns: { _ in }, row: { raw in
            row += 1
            let position = "row \(row)"
            var fields: [String: String] = [:]
            fields.reserveCapacity(columns.count)
            for i in 0..<min(raw.count, columns.count) where wanted[i] {
                values[i] = raw[i].flatMap { text($0, column: i, position: position, problem: problem) }
                if let v = values[i] { fields[columns[i]] = v }
            }
            let deleted = roles.deleted.map { index in
                flag!.isDeleted(Self.bitFlag(raw[index]) ?? values[index], position: position, source: name,
                                file: database.url, problem: problem)
            } ?? false
            let modified = roles.modified.flatMap { values[$0] }.flatMap { $0.isEmpty ? nil : $0 }
            try body(SourceRecord(key: roles.key.map { values[$0] ?? "" }, fields: fields, deleted: deleted,
                                  modified: modified, position: position))
        })
        try connection.commit()
    }

    /// The declared maximum length (characters) of the table's `VARCHAR(n)`/`CHAR(n)` columns.
    public func declaredLengths() throws(SourceError) -> [String: Int] {
        guard let table else { return [:] }
        return try connection.declaredLengths(of: table)
    }

    /// How the rewrite names a row of a live table in its audit: its key values as a JSON array.
    public static func recordID(key: [String]) -> String {
        "[" + key.map(JSONText.string).joined(separator: ",") + "]"
    }

    /// A MySQL `BIT(1)` value arrives as one raw byte: 0 or 1.
    static func bitFlag(_ raw: UnsafeBufferPointer<UInt8>?) -> String? {
        guard let raw, raw.count == 1, raw[0] <= 1 else { return nil }
        return raw[0] == 1 ? "1" : "0"
    }

    private func text(_ buffer: UnsafeBufferPointer<UInt8>, column: Int, position: String,
                      problem: (SourceError) -> Void) -> String? {
        if let text = String(validating: buffer, as: UTF8.self) { return text }
        let offset = UTF8Validator.firstInvalidOffset(in: buffer) ?? 0
        problem(SourceError(
            kind: .undecodable, source: name, file: database.url, position: "\(position), column '\(columns[column])'",
            message: "the value (\(buffer.count) bytes) is not UTF-8 text (first bad byte at offset \(offset)): a binary "
                + "column, or text stored in a column whose charset is declared wrong; the field is left out — "
                + "CONVERT/CAST it in a query if it holds text",
            fatal: false))
        return nil
    }
}
