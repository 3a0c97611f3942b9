import GRDBSQLite

extension SQLiteRecordSource {
    typealias Fail = (SourceError.Kind, String, String?) -> SourceError

    /// `SELECT * FROM "table"` and its columns; the table must exist (case-insensitively).
    static func tablePlan(_ table: String, connection: SQLiteReadOnlyConnection,
                          fail: Fail)
        throws(SourceError) -> (sql: String, columns: [String], what: String) {
        let existing = connection.tablesAndViews().map(\.name)
        guard let index = SourceNames.index(of: table, in: existing, caseInsensitive: true) else {
            let message = existing.isEmpty
                ? "the database has no table or view named '\(table)' (it has no tables at all)"
                : "the database has no table or view named '\(table)'."
                    + SourceNames.didYouMean(table, among: existing)
                    + " Tables and views: \(SourceNames.list(existing))"
            throw fail(.unknownTable, message, table)
        }
        let actual = existing[index]
        let sql = "SELECT * FROM " + SQLiteReadOnlyConnection.quoted(actual)
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(connection.handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw fail(.unreadable, "SQLite cannot read table '\(actual)': \(connection.lastMessage)", actual)
        }
        defer { sqlite3_finalize(statement) }
        return (sql, resultColumns(statement), "table '\(actual)'")
    }

    /// ` ORDER BY` the key columns, then a tie-breaker: rowid where the table has one, else
    /// every column (views, `WITHOUT ROWID` tables).
    static func orderBy(_ keyColumns: [String], table: String, columns: [String],
                        connection: SQLiteReadOnlyConnection) -> String {
        let from = " FROM " + SQLiteReadOnlyConnection.quoted(table)
        var terms = keyColumns.map(SQLiteReadOnlyConnection.quoted)
        if connection.prepares("SELECT _rowid_" + from + " LIMIT 0") {
            terms.append("_rowid_")
        } else {
            terms += columns.indices.map { String($0 + 1) }
        }
        return terms.isEmpty ? "" : " ORDER BY " + terms.joined(separator: ", ")
    }

    /// Checks a user query: it prepares, is one statement, only reads, and names its result
    /// columns apart.
    static func queryPlan(_ query: String, connection: SQLiteReadOnlyConnection,
                          fail: Fail)
        throws(SourceError) -> (sql: String, columns: [String], what: String) {
        var statement: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        connection.queryGuard.reset()
        let utf8 = Array(query.utf8CString)
        var consumed = 0
        let rc: Int32 = utf8.withUnsafeBufferPointer { buffer in
            let rc = sqlite3_prepare_v2(connection.handle, buffer.baseAddress, -1, &statement, &tail)
            // How much of the text the first statement used.
            if let tail { consumed = buffer.baseAddress!.distance(to: tail) }
            return rc
        }
        defer { sqlite3_finalize(statement) }
        if rc != SQLITE_OK {
            if let denied = connection.queryGuard.denied {
                throw notReadOnly(denied.description, write: connection.queryGuard.deniedWrite, fail: fail)
            }
            var message = "SQLite cannot prepare the query: \(connection.lastMessage)"
            let prefix = "no such table: "
            if connection.lastMessage.hasPrefix(prefix) {
                let missing = String(connection.lastMessage.dropFirst(prefix.count))
                message += "." + SourceNames.didYouMean(missing, among: connection.tablesAndViews().map(\.name))
            }
            throw fail(.badQuery, message, nil)
        }
        guard let statement else { throw fail(.badQuery, "the query is empty", nil) }
        let rest = String(decoding: utf8[consumed..<max(consumed, utf8.count - 1)].map { UInt8(bitPattern: $0) },
                          as: UTF8.self)
        if let extra = firstStatement(after: rest) {
            throw fail(.badQuery, "the query holds more than one statement (then: '\(extra)'); "
                + "a source query must be a single SELECT", nil)
        }
        guard sqlite3_stmt_readonly(statement) != 0 else {
            throw notReadOnly("a write", write: true, fail: fail)
        }
        let columns = resultColumns(statement)
        guard !columns.isEmpty else {
            // e.g. REINDEX on a database without indexes: it passes the other checks.
            throw notReadOnly("a statement that returns no columns is not a SELECT", write: true, fail: fail)
        }
        var seen: [String: Int] = [:]
        for (i, column) in columns.enumerated() {
            if let first = seen[column.lowercased()] {
                throw fail(.badQuery, "the query returns two columns named '\(column)' (columns \(first + 1) and "
                    + "\(i + 1)); name them apart with AS", nil)
            }
            seen[column.lowercased()] = i
        }
        return (query, columns, "the query")
    }

    private static func notReadOnly(_ what: String, write: Bool,
                                    fail: Fail) -> SourceError {
        let effect = write ? "the query would modify the database" : "the query would change the connection"
        return fail(.notReadOnly, "\(effect) (\(what)); a source query must only read: one SELECT "
            + "(WITH … SELECT and VALUES are fine). The database was not touched.", nil)
    }

    /// The start of a statement in what follows the first one, ignoring spaces, `;` and
    /// comments; nil when there is none.
    static func firstStatement(after text: String) -> String? {
        let chars = Array(text.unicodeScalars)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" || c == ";" {
                i += 1
            } else if c == "-" && i + 1 < chars.count && chars[i + 1] == "-" {
                while i < chars.count && chars[i] != "\n" { i += 1 }
            } else if c == "/" && i + 1 < chars.count && chars[i + 1] == "*" {
                i += 2
                while i + 1 < chars.count && !(chars[i] == "*" && chars[i + 1] == "/") { i += 1 }
                i += 2
            } else {
                var snippet = String(String.UnicodeScalarView(chars[i...].prefix(40)))
                if chars.count - i > 40 { snippet += "…" }
                return snippet
            }
        }
        return nil
    }

    static func resultColumns(_ statement: OpaquePointer) -> [String] {
        (0..<sqlite3_column_count(statement)).map { i in
            sqlite3_column_name(statement, i).map { String(cString: $0) } ?? "column \(i + 1)"
        }
    }
}
