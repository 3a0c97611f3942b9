import AttacheModel

/// The SQL scripts of a `--sql` run: changes go to the forward and the revert script as the
/// sources are read. (Filled in with the script writer.)
struct SQLScriptOutput {
    let file: String
    let dialect: SQLDialect

    init?(options: RewriteOptions, run: Int64?) throws {
        guard case .sql(let file, let dialect) = options.mode else { return nil }
        self.file = file
        self.dialect = dialect
    }

    mutating func add(table: String, rowID: Int64, key: [(String, String)], column: String, before: String, after: String,
                      note: String) throws {
    }

    func finish(result: RewriteResult) throws {
    }
}
