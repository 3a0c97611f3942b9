import CMariaDB

/// What the connected database holds: tables, keys, declared lengths, a query's columns —
/// read from `information_schema` of the connected database (`DATABASE()`).
extension MySQLConnection {
    func tables() throws(SourceError) -> [(name: String, columns: [String])] {
        let rows = try strings(
            "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
                + "ORDER BY TABLE_NAME, ORDINAL_POSITION")
        var result: [(name: String, columns: [String])] = []
        for row in rows {
            guard row.count == 2, let table = row[0], let column = row[1] else { continue }
            if result.last?.name == table { result[result.count - 1].columns.append(column) } else { result.append((table, [column])) }
        }
        return result
    }

    func primaryKey(of table: String) throws(SourceError) -> [String] {
        try requireTable(table)
        return try strings(
            "SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() "
                + "AND TABLE_NAME = \(literal(table)) AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION")
            .compactMap { $0.first ?? nil }
    }

    func declaredLengths(of table: String) throws(SourceError) -> [String: Int] {
        try requireTable(table)
        let rows = try strings(
            "SELECT COLUMN_NAME, CHARACTER_MAXIMUM_LENGTH FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
                + "AND TABLE_NAME = \(literal(table)) AND DATA_TYPE IN ('char', 'varchar')")
        var lengths: [String: Int] = [:]
        for row in rows {
            guard row.count == 2, let column = row[0], let length = row[1].flatMap({ Int($0) }) else { continue }
            lengths[column] = length
        }
        return lengths
    }

    /// Prepares the query (`mysql_stmt_prepare`) and reads its result metadata: the server
    /// checks the query and names its columns without running it.
    func resultColumns(of sql: String) throws(SourceError) -> [String] {
        let handle = try open()
        guard let statement = mysql_stmt_init(handle) else { throw queryError(sql: sql) }
        defer { mysql_stmt_close(statement) }
        var text = sql
        let rc = text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { mysql_stmt_prepare(statement, $0.baseAddress, UInt(bytes.count)) }
        }
        if rc != 0 { throw statementError(statement, sql: sql) }
        guard let metadata = mysql_stmt_result_metadata(statement) else {
            if mysql_stmt_errno(statement) != 0 { throw statementError(statement, sql: sql) }
            return []  // a statement without a result set
        }
        defer { mysql_free_result(metadata) }
        return Self.names(of: metadata, count: Int(mysql_num_fields(metadata)))
    }

    /// A prepared statement's error, mapped like a query's (the statement's errno is the
    /// server's; the connection's own error is set to the same by libmariadb).
    private func statementError(_ statement: UnsafeMutablePointer<MYSQL_STMT>, sql: String) -> SourceError {
        let error = queryError(sql: sql)
        if error.kind != .badQuery || mysql_stmt_errno(statement) == 0 { return error }
        let message = String(cString: mysql_stmt_error(statement))
        return SourceError(kind: .badQuery, source: source, file: database.url,
                           message: "MySQL/MariaDB refused query \(Self.shortened(sql)): \(message) "
                               + "(error \(mysql_stmt_errno(statement)))", fatal: true)
    }

    /// `.unknownTable` with "did you mean" when `table` is not a table or view of the database.
    private func requireTable(_ table: String) throws(SourceError) {
        let found = try strings(
            "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = \(literal(table))")
        if found.first?.first == "0" {
            let names = try tables().map(\.name)
            throw SourceError(kind: .unknownTable, source: source, file: database.url, position: table,
                              message: "database '\(database.database)' has no table or view '\(table)'."
                                  + SourceNames.didYouMean(table, among: names) + " Tables: \(SourceNames.list(names))",
                              fatal: true)
        }
    }
}
