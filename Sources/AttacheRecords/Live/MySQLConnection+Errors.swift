import CMariaDB
#if canImport(Glibc)
import Glibc
#endif

/// libmariadb's and the server's error numbers turned into ``SourceError``s that say what
/// happened and what to do.
extension MySQLConnection {
    /// Where the server is, as the URL says: "the socket /run/mysqld/mysqld.sock" or "127.0.0.1:3306".
    var serverAddress: String {
        if let socket = database.parameter("socket") { return "the socket \(socket)" }
        let host = database.host ?? "localhost"
        if host == "localhost", database.port == nil { return "localhost (the client's default socket)" }
        return "\(host):\(database.port ?? 3306)"
    }

    /// The user as the errors name it.
    private var userName: String { database.user ?? "(the default user)" }

    /// Errors of the client's own (2000–2999) that mean the server cannot be reached, did not
    /// answer in time, or the connection was lost; and the server's "connection killed" or
    /// "query interrupted" (1927, 1317) and statement timeouts (1969, 3024).
    static func isConnectionError(_ errno: UInt32) -> Bool {
        [2002, 2003, 2005, 2006, 2013, 2026, 2055, 1927, 1317, 1969, 3024, 1040, 1053].contains(errno)
    }

    /// An error of `mysql_real_connect`.
    func connectError(errno: UInt32, message: String) -> SourceError {
        func make(_ kind: SourceError.Kind, _ text: String) -> SourceError {
            SourceError(kind: kind, source: source, file: database.url, message: text, fatal: true)
        }
        switch errno {
        case 1045, 1698:
            let how = database.passwordEnv.map { "the environment variable \($0) (password_env)" }
                ?? "~/.my.cnf's [client] password (or name a variable with password_env:)"
            return make(.authentication, "MySQL/MariaDB at \(serverAddress) refused user '\(userName)' (\(message)). "
                + "Check the user in the URL and the password from \(how)"
                + (database.passwordEnv.map { getenvIsSet($0) ? "" : "; \($0) is not set" } ?? "") + ".")
        case 1049:
            let names = otherDatabases()
            return make(.notFound, "MySQL/MariaDB at \(serverAddress) has no database '\(database.database)'."
                + SourceNames.didYouMean(database.database, among: names)
                + (names.isEmpty ? "" : " Databases this user sees: \(SourceNames.list(names))"))
        case 1044, 1142, 1143, 1227:
            return make(.permission, "user '\(userName)' may not read database '\(database.database)' (\(message)). "
                + "Ask the DBA for: GRANT SELECT ON `\(database.database)`.* TO '\(userName)'")
        case _ where Self.isConnectionError(errno):
            return make(.connection, "cannot connect to MySQL/MariaDB at \(serverAddress): \(message) "
                + "(waited at most \(connectTimeout) s: connect_timeout=\(connectTimeout)). "
                + "Check that the server runs and that the URL's host, port or socket is right.")
        default:
            return make(.connection, "cannot connect to MySQL/MariaDB at \(serverAddress): \(message) (error \(errno))")
        }
    }

    /// The error of the last statement on the connection (`sql`, shortened, when given).
    func queryError(sql: String? = nil, context: String? = nil) -> SourceError {
        guard let handle else {
            return SourceError(kind: .connection, source: source, file: database.url,
                               message: "the connection to the database was already closed", fatal: true)
        }
        let errno = mysql_errno(handle)
        let message = String(cString: mysql_error(handle))
        let what = context ?? sql.map { "query \(Self.shortened($0))" } ?? "a statement"
        func make(_ kind: SourceError.Kind, _ text: String, position: String? = nil) -> SourceError {
            SourceError(kind: kind, source: source, file: database.url, position: position, message: text, fatal: true)
        }
        switch errno {
        case 1146:
            let table = Self.quotedName(in: message).map { name in name.split(separator: ".").last.map(String.init) ?? name }
            let names = table == nil ? [] : ((try? tables())?.map(\.name) ?? [])
            return make(.unknownTable, "\(message)." + (table.map { SourceNames.didYouMean($0, among: names) } ?? "")
                + (names.isEmpty ? "" : " Tables: \(SourceNames.list(names))"), position: table)
        case 1054:
            return make(.unknownColumn, "\(message) in \(what)", position: Self.quotedName(in: message))
        case 1792:
            return make(.notReadOnly, "the database refused a write on a read-only connection (\(message)): "
                + "sources are read only; \(what) tries to change the database")
        case 1044, 1142, 1143, 1227:
            return make(.permission, "user '\(userName)' lacks a privilege for \(what): \(message). "
                + "Ask the DBA to grant it (e.g. GRANT SELECT ON `\(database.database)`.* TO '\(userName)')")
        case 1045:
            return make(.authentication, "\(message) (in \(what))")
        case _ where Self.isConnectionError(errno):
            return make(.connection, "the connection to MySQL/MariaDB at \(serverAddress) failed during \(what): \(message) "
                + "(error \(errno); read_timeout=\(readTimeout) s). The read stopped there; run again "
                + "when the server is reachable.")
        default:
            return make(.badQuery, "MySQL/MariaDB refused \(what): \(message) (error \(errno))")
        }
    }

    /// The databases the user can list (for "did you mean"), through a second connection
    /// without a database; empty when that fails too.
    private func otherDatabases() -> [String] {
        let opened = Self.connect(database, schema: nil, connectTimeout: connectTimeout, readTimeout: readTimeout)
        guard let other = opened.handle else { return [] }
        defer { mysql_close(other) }
        guard mysql_query(other, "SHOW DATABASES") == 0, let result = mysql_store_result(other) else { return [] }
        defer { mysql_free_result(result) }
        var names: [String] = []
        while let row = mysql_fetch_row(result) {
            if let name = row[0] { names.append(String(cString: name)) }
        }
        return names.filter { !["information_schema", "performance_schema", "mysql", "sys"].contains($0) }
    }

    /// The first 'quoted' name in a server message ("Table 'crm.notes' doesn't exist").
    static func quotedName(in message: String) -> String? {
        let parts = message.split(separator: "'", omittingEmptySubsequences: false)
        return parts.count >= 3 ? String(parts[1]) : nil
    }

    /// At most 120 characters of a statement, on one line, for messages.
    static func shortened(_ sql: String) -> String {
        let line = String(sql.map { $0 == "\n" || $0 == "\r" || $0 == "\t" ? " " : $0 })
        return "'" + (line.count > 120 ? String(line.prefix(117)) + "…" : line) + "'"
    }

    private func getenvIsSet(_ name: String) -> Bool { getenv(name) != nil }
}
