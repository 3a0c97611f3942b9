import AttacheTestSupport
import Foundation
import Testing

/// One of the scratch servers the test run started (scripts/testdb/), as the live-database
/// end-to-end tests use it: fresh databases, SQL loaded, a URL for the manifest, a checksum of
/// every table.
struct LiveServer: CustomStringConvertible {
    enum Engine: String { case mysql, postgresql }
    let engine: Engine
    /// MySQL: the socket; PostgreSQL: the socket folder.
    let socket: String
    let port: Int

    var description: String { engine.rawValue }

    /// The server of the test run (scripts/testdb/with-databases.sh), or an error saying how to get one.
    static func require(_ engine: Engine) throws -> LiveServer {
        let env = ProcessInfo.processInfo.environment
        let (s, p) = engine == .mysql ? ("ATTACHE_TEST_MYSQL_SOCKET", "ATTACHE_TEST_MYSQL_PORT") : ("ATTACHE_TEST_PG_HOST", "ATTACHE_TEST_PG_PORT")
        guard let socket = env[s], !socket.isEmpty, let port = env[p].flatMap({ Int($0) }) else {
            throw HarnessError("no \(engine.rawValue) test server (\(s) unset): run the tests through scripts/testdb/with-databases.sh")
        }
        return LiveServer(engine: engine, socket: socket, port: port)
    }

    /// Whether the live suites run: the servers are there, or this is CI (where their absence fails).
    static var shouldRun: Bool {
        let env = ProcessInfo.processInfo.environment
        return (env["ATTACHE_TEST_MYSQL_SOCKET"] != nil && env["ATTACHE_TEST_PG_HOST"] != nil) || !(env["CI"] ?? "").isEmpty
    }

    /// A new empty database; `legacy`: PostgreSQL's encoding WIN1251 (MySQL's legacy tables
    /// get their charset in their CREATE TABLE instead).
    func newDatabase(legacy: Bool = false) throws -> String {
        let name = "attache_e2e_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        if engine == .mysql {
            try sql("CREATE DATABASE \(name) CHARACTER SET utf8mb4", database: nil)
        } else {
            try sql("CREATE DATABASE \(name)" + (legacy ? " ENCODING 'WIN1251' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" : ""),
                    database: "postgres")
        }
        return name
    }

    /// Runs SQL as the superuser with the server's own client, stopping at the first error;
    /// returns what it printed (tab-separated, no headers).
    @discardableResult
    func sql(_ text: String, database: String?) throws -> String {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("attache-live-\(UUID().uuidString).sql").path
        // MySQL: a backslash is a character, as in standard SQL (the fixtures' paths are full of them).
        let script = engine == .mysql ? "SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@sql_mode, ''), 'NO_BACKSLASH_ESCAPES');\n" + text : text
        try script.write(toFile: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: input) }
        let argv: [String]
        if engine == .mysql {
            argv = ["/usr/bin/env", "mariadb", "--no-defaults", "--socket=\(socket)", "-uroot", "--batch", "--raw", "--skip-column-names",
                    "--default-character-set=utf8mb4"] + (database.map { [$0] } ?? [])
        } else {
            argv = ["/usr/bin/env", "PGCLIENTENCODING=UTF8", "psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                    "-h", socket, "-p", String(port), "-U", "postgres", "-d", database ?? "postgres"]
        }
        let r = try CLI.runTool(["/bin/sh", "-c", "\"$@\" < \"$0\"", input] + argv, timeout: 120)
        guard r.exitCode == 0 else { throw HarnessError("\(engine.rawValue) client failed: \(r)") }
        return r.stdout
    }

    /// Loads a SQLite database's tables and rows (scripts/testdb/sqlite_to_sql.py).
    func load(sqlite path: String, into database: String) throws {
        let script = AttacheBinary.packageRoot + "/scripts/testdb/sqlite_to_sql.py"
        let r = try CLI.runTool(["/usr/bin/env", "python3", script, path, "--dialect", engine.rawValue])
        guard r.exitCode == 0 else { throw HarnessError("sqlite_to_sql: \(r)") }
        try sql(r.stdout, database: database)
    }

    /// The superuser's URL (through the socket).
    func url(_ database: String) -> String {
        engine == .mysql ? "mysql://root@/\(database)?socket=\(socket)"
                         : "postgresql://postgres@/\(database)?host=\(socket)&port=\(port)"
    }

    /// A user with a password that may only SELECT (or do nothing, `grant: false`), and its
    /// URL (over TCP: the socket trusts anyone on PostgreSQL, and MariaDB's root uses it).
    func user(_ database: String, name: String, password: String, grant: Bool = true) throws -> String {
        if engine == .mysql {
            try sql("DROP USER IF EXISTS '\(name)'@'%'; CREATE USER '\(name)'@'%' IDENTIFIED BY '\(password)';"
                + (grant ? " GRANT SELECT ON \(database).* TO '\(name)'@'%';" : ""), database: nil)
            return "mysql://\(name)@127.0.0.1:\(port)/\(database)?connect_timeout=5"
        }
        try sql("DROP ROLE IF EXISTS \(name); CREATE ROLE \(name) LOGIN PASSWORD '\(password)'", database: "postgres")
        try sql("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC"
            + (grant ? "; GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(name)" : ""), database: database)
        return "postgresql://\(name)@127.0.0.1:\(port)/\(database)?sslmode=disable&connect_timeout=5"
    }

    /// A checksum of every table of `database` (its rows' content): equal before and after
    /// means no table changed. MySQL: CHECKSUM TABLE … EXTENDED; PostgreSQL: md5 of the rows
    /// as text, in order.
    func checksum(_ database: String) throws -> String {
        if engine == .mysql {
            let tables = try sql("SHOW TABLES", database: database).split(separator: "\n").map(String.init)
            guard !tables.isEmpty else { return "" }
            let out = try sql("CHECKSUM TABLE " + tables.map { "`\($0)`" }.joined(separator: ", ") + " EXTENDED", database: database)
            return out.split(separator: "\n").map { line in
                let cells = line.split(separator: "\t")
                return (cells.first?.split(separator: ".").last.map(String.init) ?? "") + "=" + (cells.last.map(String.init) ?? "")
            }.sorted().joined(separator: ";")
        }
        let tables = try sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", database: database)
            .split(separator: "\n").map(String.init)
        return try tables.map { t in
            t + "=" + (try sql("SELECT md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) FROM \"\(t)\" x",
                               database: database)).trimmingCharacters(in: .whitespacesAndNewlines)
        }.joined(separator: ";")
    }
}
