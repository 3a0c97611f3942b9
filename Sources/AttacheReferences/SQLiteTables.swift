import GRDBSQLite

extension SQLiteRecordSource {
    /// Every table and view of a database with its columns, read-only (for presets to pick a
    /// variant). Throws nothing useful: nil when the database cannot be opened.
    public static func tableColumns(database: String) throws -> [String: [String]]? {
        var db: OpaquePointer?
        guard sqlite3_open_v2("file:" + database + "?mode=ro", &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nil) == SQLITE_OK else {
            sqlite3_close(db)
            return nil
        }
        defer { sqlite3_close(db) }
        func rows(_ sql: String) -> [[String]] {
            var st: OpaquePointer?
            guard sqlite3_prepare_v2(db, sql, -1, &st, nil) == SQLITE_OK else { return [] }
            defer { sqlite3_finalize(st) }
            var out: [[String]] = []
            while sqlite3_step(st) == SQLITE_ROW {
                out.append((0..<sqlite3_column_count(st)).map { i in
                    sqlite3_column_text(st, i).map { String(cString: $0) } ?? ""
                })
            }
            return out
        }
        var out: [String: [String]] = [:]
        for t in rows("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')") {
            let name = t[0]
            let quoted = "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
            out[name] = rows("PRAGMA table_info(\(quoted))").map { $0[1] }
        }
        return out
    }
}
