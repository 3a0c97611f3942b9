import Foundation

/// The scratch PostgreSQL server `scripts/testdb/with-databases.sh` starts for a test run
/// (`ATTACHE_TEST_PG_HOST`: its socket folder; `ATTACHE_TEST_PG_PORT`; the superuser
/// `postgres` is trusted through the socket, TCP on 127.0.0.1 asks for a password).
///
/// Suites use `@Suite(.enabled(if: PostgreSQLTestServer.shouldRun, …))` and call
/// ``require()``: without a server the tests are skipped, except under `CI` where they run
/// and fail, so a CI run without the server cannot pass silently.
public struct PostgreSQLTestServer: Sendable {
    /// The socket folder (libpq's `host=` for a unix socket).
    public let host: String
    public let port: Int

    /// Why there is no server, as a test failure.
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The server from the environment, if the run has one.
    public static var current: PostgreSQLTestServer? {
        let env = ProcessInfo.processInfo.environment
        guard let host = env["ATTACHE_TEST_PG_HOST"], !host.isEmpty,
              let port = env["ATTACHE_TEST_PG_PORT"].flatMap({ Int($0) }) else { return nil }
        return PostgreSQLTestServer(host: host, port: port)
    }

    /// Whether PostgreSQL tests run: a server is there, or this is CI (where its absence fails).
    public static var shouldRun: Bool {
        current != nil || !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty
    }

    /// The server, or a failure saying how to get one.
    public static func require() throws -> PostgreSQLTestServer {
        if let current { return current }
        throw Unavailable(description: "no PostgreSQL test server (ATTACHE_TEST_PG_HOST/ATTACHE_TEST_PG_PORT unset): "
            + "run the tests through scripts/testdb/with-databases.sh")
    }

    /// A `postgresql://` URL for `user` and `database` through the socket folder, or over TCP
    /// on 127.0.0.1 (where a password is needed); `extra` query parameters are appended.
    public func url(database: String, user: String = "postgres", tcp: Bool = false, extra: String = "") -> String {
        let tail = extra.isEmpty ? "" : "&" + extra
        if tcp { return "postgresql://\(user)@127.0.0.1:\(port)/\(database)?sslmode=disable" + tail }
        return "postgresql://\(user)@/\(database)?host=\(host)&port=\(port)" + tail
    }

    /// Creates a database with a fresh name (`attache_t_…`) and returns the name; with `win1251`
    /// its encoding is WIN1251 (a legacy Cyrillic database).
    public func createDatabase(win1251: Bool = false) throws -> String {
        let name = "attache_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let options = win1251 ? " ENCODING 'WIN1251' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" : ""
        try psql("CREATE DATABASE \(name)\(options)", database: "postgres")
        return name
    }

    /// Creates a role that can log in with `password` (dropped first if it exists).
    public func createRole(_ name: String, password: String) throws {
        try psql("DROP ROLE IF EXISTS \(name); CREATE ROLE \(name) LOGIN PASSWORD '\(password.replacingOccurrences(of: "'", with: "''"))'",
                 database: "postgres")
    }

    /// Runs `sql` with psql as the superuser, stopping at the first error.
    /// - Returns: what psql printed (unaligned, tuples only).
    @discardableResult
    public func psql(_ sql: String, database: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", String(port),
                             "-U", "postgres", "-d", database, "-c", sql]
        var env = ProcessInfo.processInfo.environment
        env["PGCLIENTENCODING"] = "UTF8"
        env.removeValue(forKey: "PGPASSWORD")
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out; process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Unavailable(description: "psql failed (\(process.terminationStatus)) on: \(sql)\n"
                + String(decoding: errors, as: UTF8.self))
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// An md5 of every table of the public schema, its rows as text in a stable order: equal
    /// before and after means no table changed.
    public func checksumTables(database: String) throws -> String {
        let tables = try psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", database: database)
            .split(separator: "\n").map(String.init)
        var sums: [String] = []
        for table in tables {
            let sum = try psql("SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM \"\(table)\" t",
                               database: database)
            sums.append(table + "=" + sum.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return sums.joined(separator: ";")
    }
}
