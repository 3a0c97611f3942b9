import CLibPQ

/// What the database holds: tables, keys, declared lengths (from `pg_catalog`, which sees
/// every relation whatever the user's privileges, and honours the `search_path`).
extension PostgreSQLConnection {
    /// Tables, views, materialized views, partitioned and foreign tables visible without a
    /// schema (`pg_table_is_visible`: the first schema on the `search_path` that has the name
    /// wins) in the schemas on `current_schemas(false)` (not `pg_catalog`).
    func tables() throws(SourceError) -> [(name: String, columns: [String])] {
        let result = try guardedTyped(doing: "listing the tables") { () throws(PostgreSQLFailure) in
            try run("""
                SELECT c.relname, a.attname
                FROM pg_catalog.pg_class c
                JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f')
                  AND n.nspname = ANY (pg_catalog.current_schemas(false))
                  AND pg_catalog.pg_table_is_visible(c.oid)
                ORDER BY c.relname, a.attnum
                """)
        }
        var tables: [(name: String, columns: [String])] = []
        for r in 0..<result.rowCount {
            guard let name = result.text(r, 0), let column = result.text(r, 1) else { continue }
            if tables.last?.name == name { tables[tables.count - 1].columns.append(column) } else { tables.append((name, [column])) }
        }
        return tables
    }

    func primaryKey(of table: String) throws(SourceError) -> [String] {
        let oid = try relation(table)
        let result = try guardedTyped(doing: "reading the primary key of '\(table)'") { () throws(PostgreSQLFailure) in
            try run("""
                SELECT a.attname
                FROM pg_catalog.pg_index i
                JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[])
                WHERE i.indrelid = $1::oid AND i.indisprimary
                ORDER BY pg_catalog.array_position(i.indkey::int2[], a.attnum)
                """, [oid])
        }
        return (0..<result.rowCount).compactMap { result.text($0, 0) }
    }

    func declaredLengths(of table: String) throws(SourceError) -> [String: Int] {
        let oid = try relation(table)
        // varchar(n) and char(n) keep n + 4 in atttypmod; -1 means no limit.
        let result = try guardedTyped(doing: "reading the column types of '\(table)'") { () throws(PostgreSQLFailure) in
            try run("""
                SELECT a.attname, a.atttypmod - 4
                FROM pg_catalog.pg_attribute a
                WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
                  AND a.atttypid IN ('pg_catalog.varchar'::pg_catalog.regtype, 'pg_catalog.bpchar'::pg_catalog.regtype)
                  AND a.atttypmod > 4
                """, [oid])
        }
        var lengths: [String: Int] = [:]
        for r in 0..<result.rowCount {
            if let name = result.text(r, 0), let n = result.text(r, 1).flatMap({ Int($0) }) { lengths[name] = n }
        }
        return lengths
    }

    /// The oid of `table`: the name exactly as written (as the manifest's `table:` means it),
    /// else as SQL would read it unquoted (`schema.table`, folded to lower case).
    /// - Throws: `.unknownTable` with a did-you-mean over ``tables()``.
    func relation(_ table: String) throws(SourceError) -> String {
        let result = try guardedTyped(doing: "finding the table '\(table)'") { () throws(PostgreSQLFailure) in
            try run("""
                SELECT COALESCE(pg_catalog.to_regclass(pg_catalog.quote_ident($1)),
                                CASE WHEN $1 ~ '^[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?$'
                                     THEN pg_catalog.to_regclass($1) END)::oid
                """, [table])
        }
        if result.rowCount == 1, let oid = result.text(0, 0) { return oid }
        let names = (try? tables().map(\.name)) ?? []
        throw SourceError(kind: .unknownTable, source: source, file: database.url, position: table,
                          message: "there is no table or view '\(table)' in the database '\(database.database)' "
                              + "(schemas on the search_path)." + SourceNames.didYouMean(table, among: names)
                              + " Available: \(SourceNames.list(names))",
                          fatal: true)
    }
}
