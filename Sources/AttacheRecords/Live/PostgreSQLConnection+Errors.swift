import CLibPQ

/// PostgreSQL's failures as ``SourceError``s: a clear sentence naming what happened and what
/// to do; the error's `file` is the manifest's URL (which never holds a password).
extension PostgreSQLConnection {
    /// The error for a failed statement, by SQLSTATE (class 08 and a lost connection:
    /// `.connection`; 28: `.authentication`; 42501: `.permission`; 3D000: `.notFound`;
    /// 42P01/42703: `.unknownTable`/`.unknownColumn` with a did-you-mean; 25006 and a
    /// data-modifying `WITH` in a cursor: `.notReadOnly`; anything else: `.badQuery`).
    /// - Parameter offset: characters attache put before the query (the cursor's `DECLARE`),
    ///   taken off the server's error position.
    func sourceError(_ failure: PostgreSQLFailure, doing what: String, offset: Int = 0) -> SourceError {
        let state = failure.sqlstate ?? ""
        var server = failure.message
        if let detail = failure.detail { server += " (\(detail))" }
        func error(_ kind: SourceError.Kind, _ message: String, position: String? = nil) -> SourceError {
            SourceError(kind: kind, source: source, file: database.url, position: position, message: message, fatal: true)
        }
        if failure.lost || state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state) {
            return error(.connection, "the connection to the PostgreSQL server was lost while \(what): \(server). "
                + "Check that the server is up and reachable, then run again; nothing read so far is kept")
        }
        switch state {
        case "28P01", "28000":
            return error(.authentication, "PostgreSQL refused the user while \(what): \(server). "
                + "Check the user in the URL and its password (password_env:, ~/.pgpass or PGPASSWORD)")
        case "42501":
            return error(.permission, "the user lacks a privilege while \(what): \(server). "
                + "Ask the DBA to grant it (e.g. GRANT SELECT ON the table TO the user)")
        case "3D000":
            return error(.notFound, "\(server) (while \(what))")
        case "42P01":
            let name = Self.quotedName(in: failure.message)
            let names = (try? tables().map(\.name)) ?? []
            return error(.unknownTable, "\(server)." + (name.map { SourceNames.didYouMean($0, among: names) } ?? "")
                + " Available: \(SourceNames.list(names))", position: name)
        case "42703":
            let name = Self.quotedName(in: failure.message)
            let columns = (try? tables().flatMap(\.columns)) ?? []
            var unique: [String] = []
            for c in columns where !unique.contains(c) { unique.append(c) }
            return error(.unknownColumn, "\(server)." + (name.map { SourceNames.didYouMean($0, among: unique) } ?? ""),
                         position: name)
        case "25006":
            return error(.notReadOnly, "the query tries to change the database, and attache reads it read-only: \(server). "
                + "Use a query that only reads (SELECT)")
        case "0A000" where failure.message.contains("data-modifying"):
            return error(.notReadOnly, "the query tries to change the database (\(server)); attache only reads: "
                + "use a query that only reads (SELECT)")
        default:
            let at = failure.position.map { max(1, $0 - offset) }
            let hint = failure.hint.map { " Hint: \($0)" } ?? ""
            return error(.badQuery, "PostgreSQL rejected the query while \(what): \(server)" + (state.isEmpty ? "" : " [\(state)]")
                + (at.map { " at character \($0)" } ?? "") + "." + hint,
                         position: at.map { "character \($0) of the query" })
        }
    }

    /// The first `"name"` in a server message (`relation "nots" does not exist`).
    static func quotedName(in message: String) -> String? {
        let parts = message.split(separator: "\"", omittingEmptySubsequences: false)
        return parts.count >= 3 ? String(parts[1]) : nil
    }

    /// The error for a connection that did not open, from libpq's message (no SQLSTATE yet).
    static func connectionError(_ message: String, needsPassword: Bool, database: LiveDatabase, source: String,
                                listing: Bool) -> SourceError {
        func error(_ kind: SourceError.Kind, _ text: String) -> SourceError {
            SourceError(kind: kind, source: source, file: database.url, message: text, fatal: true)
        }
        let lower = message.lowercased()
        if lower.contains("password authentication failed") || lower.contains("no password supplied") || needsPassword
            || lower.contains("no pg_hba.conf entry") || (lower.contains("role \"") && lower.contains("does not exist"))
            || lower.contains("authentication failed") {
            return error(.authentication, "PostgreSQL refused the connection: \(message). Check the user in the URL and "
                + "its password: name the variable holding it with password_env:, or use ~/.pgpass or PGPASSWORD")
        }
        if lower.contains("database \"") && lower.contains("does not exist") {
            var text = "PostgreSQL has no database '\(database.database)': \(message)."
            if listing, let names = databaseNames(database, source: source) {
                text += SourceNames.didYouMean(database.database, among: names) + " Available: \(SourceNames.list(names))"
            } else {
                text += " Check the database name in the URL"
            }
            return error(.notFound, text)
        }
        if lower.contains("permission denied") {
            return error(.permission, "PostgreSQL refused the connection: \(message). Ask the DBA to GRANT CONNECT on the database")
        }
        if lower.contains("timeout") || lower.contains("timed out") {
            let seconds = database.parameter("connect_timeout") ?? "10"
            return error(.connection, "the PostgreSQL server did not answer within \(seconds) s (connect_timeout): \(message). "
                + "Check the host and port, the firewall, and that the server is up")
        }
        if lower.contains("connection refused") {
            return error(.connection, "nothing answers at this address: \(message). Check the host and port, and that the server is up")
        }
        if lower.contains("no such file or directory") {
            return error(.connection, "no PostgreSQL server socket there: \(message). Check the host= folder and port, "
                + "and that the server is up")
        }
        return error(.connection, "cannot connect to PostgreSQL: \(message)")
    }

    /// The databases of the server (to suggest one), when the same user can connect to the
    /// `postgres` database and list them; nil otherwise.
    static func databaseNames(_ database: LiveDatabase, source: String) -> [String]? {
        guard let other = try? connect(database, source: source, overridingDatabase: "postgres") else { return nil }
        defer { PQfinish(other) }
        guard let result = PQexec(other, "SELECT datname FROM pg_catalog.pg_database WHERE datallowconn AND NOT datistemplate ORDER BY 1")
        else { return nil }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK else { return nil }
        return (0..<PQntuples(result)).map { String(cString: PQgetvalue(result, $0, 0)) }
    }
}
