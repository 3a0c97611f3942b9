import GRDBSQLite

extension SQLiteRecordSource {
    /// Every table and view of a database with its columns, read through the same strictly
    /// read-only connection the source uses (for presets to pick a variant); nil when the
    /// database cannot be opened.
    public static func tableColumns(database: String) -> [String: [String]]? {
        guard let connection = try? SQLiteReadOnlyConnection(path: database, source: "preset") else { return nil }
        var out: [String: [String]] = [:]
        for t in connection.tablesAndViews() {
            var statement: OpaquePointer?
            defer { sqlite3_finalize(statement) }
            guard sqlite3_prepare_v2(connection.handle, "SELECT * FROM \(SQLiteReadOnlyConnection.quoted(t.name)) LIMIT 0", -1, &statement, nil) == SQLITE_OK,
                  let statement else { continue }
            out[t.name] = SQLiteRecordSource.resultColumns(statement)
        }
        return out
    }
}
