import AttacheConfig
import AttacheTestSupport
import Foundation
import Testing
@testable import AttacheRecords
#if canImport(Glibc)
import Glibc
#endif

/// ``PostgreSQLConnection`` against a real server (scripts/testdb/with-databases.sh starts one).
/// Serialized: some tests set process-wide environment variables (PGPASSWORD).
@Suite(.serialized, .enabled(if: PostgreSQLTestServer.shouldRun, "needs scripts/testdb/with-databases.sh (a PostgreSQL server)"))
struct LivePostgreSQLTests {
    let server: PostgreSQLTestServer

    init() throws { server = try PostgreSQLTestServer.require() }

    // MARK: Helpers

    func open(_ url: String, passwordEnv: String? = nil, readOnly: Bool = true) throws -> any LiveConnection {
        let database = try LiveDatabase(engine: .postgresql, url: url, passwordEnv: passwordEnv)
        return try LiveConnector.open(database, source: "odoo", readOnly: readOnly)
    }

    /// A fresh database with `sql` run in it; returns its name.
    func database(_ sql: String, win1251: Bool = false) throws -> String {
        let name = try server.createDatabase(win1251: win1251)
        if !sql.isEmpty { try server.psql(sql, database: name) }
        return name
    }

    /// Every row of `sql` as text (nil for NULL), and the column names.
    func readAll(_ connection: any LiveConnection, _ sql: String) throws -> (columns: [String], rows: [[String?]]) {
        var columns: [String] = []
        var rows: [[String?]] = []
        try connection.stream(sql, columns: { columns = $0 }, row: { values in
            rows.append(values.map { $0.map { String(decoding: $0, as: UTF8.self) } })
        })
        return (columns, rows)
    }

    /// The ``SourceError`` `body` throws (nil when it throws none).
    func sourceError(_ body: () throws -> Void) -> SourceError? {
        do { try body(); return nil } catch let error as SourceError { return error } catch {
            Issue.record("expected a SourceError, got \(error)"); return nil
        }
    }

    static func uniqueRole() -> String { "attache_r_" + String(UInt64.random(in: 0...UInt64.max), radix: 36) }

    // MARK: Connecting

    @Test func connectsThroughTheSocketFolder() throws {
        let db = try database("")
        let connection = try open(server.url(database: db))
        #expect(try readAll(connection, "SELECT current_user, current_setting('transaction_read_only'), "
            + "current_setting('transaction_isolation'), current_setting('client_encoding'), "
            + "current_setting('application_name')").rows
            == [["postgres", "on", "repeatable read", "UTF8", "attache"]])
    }

    @Test func connectsOverTCPWithThePasswordFromPasswordEnv() throws {
        let role = Self.uniqueRole()
        try server.createRole(role, password: "s3cret'pw")
        setenv("ATTACHE_T_PG_PASSWORD", "s3cret'pw", 1)
        let connection = try open(server.url(database: "postgres", user: role, tcp: true), passwordEnv: "ATTACHE_T_PG_PASSWORD")
        #expect(try readAll(connection, "SELECT current_user, inet_server_addr() IS NOT NULL").rows == [[role, "t"]])
    }

    @Test func connectsOverTCPWithPGPASSWORD() throws {
        let role = Self.uniqueRole()
        try server.createRole(role, password: "from-pgpassword")
        setenv("PGPASSWORD", "from-pgpassword", 1)
        defer { unsetenv("PGPASSWORD") }
        let connection = try open(server.url(database: "postgres", user: role, tcp: true))
        #expect(try readAll(connection, "SELECT current_user").rows == [[role]])
    }

    @Test func aWrongPasswordIsAnAuthenticationError() throws {
        let role = Self.uniqueRole()
        try server.createRole(role, password: "right")
        setenv("ATTACHE_T_PG_WRONG", "wrong", 1)
        let error = sourceError { _ = try open(server.url(database: "postgres", user: role, tcp: true), passwordEnv: "ATTACHE_T_PG_WRONG") }
        #expect(error?.kind == .authentication)
        #expect(error?.message.contains("password_env") == true)
        #expect(error?.file == server.url(database: "postgres", user: role, tcp: true))
        #expect(error?.description.contains("wrong") == false, "never a password in an error")
    }

    @Test func anUnknownDatabaseIsNotFoundWithDidYouMean() throws {
        let db = try database("")
        let error = sourceError { _ = try open(server.url(database: String(db.dropLast()))) }
        #expect(error?.kind == .notFound)
        #expect(error?.message.contains("Did you mean '\(db)'?") == true)
    }

    /// A TCP socket that accepts connections (the kernel's backlog) and never answers.
    @Test(.timeLimit(.minutes(5))) func aServerThatNeverAnswersIsAConnectionError() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { Glibc.close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        #expect(bound && listen(fd, 8) == 0)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let url = "postgresql://postgres@127.0.0.1:\(port)/postgres?sslmode=disable&connect_timeout=1"
        let error = sourceError { _ = try open(url) }
        #expect(error?.kind == .connection)
        #expect(error?.message.contains("did not answer within 1 s") == true)
    }

    @Test func nothingListeningIsAConnectionError() throws {
        let error = sourceError { _ = try open("postgresql://postgres@/postgres?host=/nonexistent-attache&port=5") }
        #expect(error?.kind == .connection)
    }

    // MARK: Reading

    @Test func streamsTenThousandRowsAcrossBatches() throws {
        let db = try database("CREATE TABLE t AS SELECT i AS id, 'value ' || i AS body FROM generate_series(1, 10000) i")
        let connection = try open(server.url(database: db))
        var count = 0
        var columns: [String] = []
        try connection.stream("SELECT id, body FROM t ORDER BY id", columns: { columns = $0 }, row: { values in
            count += 1
            #expect(values.count == 2)
            let id = String(decoding: values[0]!, as: UTF8.self), body = String(decoding: values[1]!, as: UTF8.self)
            if id != String(count) || body != "value \(count)" { Issue.record("row \(count): \(id) \(body)") }
        })
        #expect(columns == ["id", "body"])
        #expect(count == 10000)
        // The snapshot's transaction is still usable after the cursor.
        #expect(try readAll(connection, "SELECT count(*) FROM t").rows == [["10000"]])
    }

    @Test func nullIsNotTheEmptyStringAndBooleansAndByteaAreText() throws {
        let connection = try open(server.url(database: "postgres"))
        let result = try readAll(connection, "SELECT NULL::text AS a, ''::text AS b, true AS c, false AS d, '\\x00ff'::bytea AS e, 12.50::numeric AS f")
        #expect(result.columns == ["a", "b", "c", "d", "e", "f"])
        #expect(result.rows == [[nil, "", "t", "f", "\\x00ff", "12.50"]])
    }

    @Test func aWIN1251DatabaseComesBackAsUTF8() throws {
        let db = try database("CREATE TABLE notes(id int PRIMARY KEY, body varchar(40)); "
            + "INSERT INTO notes VALUES (1, 'Счёт №5 — K:\\сканы\\договор.pdf')", win1251: true)
        #expect(try server.psql("SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = '\(db)'", database: db)
            .hasPrefix("WIN1251"))
        let connection = try open(server.url(database: db))
        #expect(try readAll(connection, "SELECT body FROM notes").rows == [["Счёт №5 — K:\\сканы\\договор.pdf"]])
    }

    @Test func resultColumnsDescribeWithoutRunning() throws {
        let db = try database("CREATE TABLE notes(id int, body text)")
        let connection = try open(server.url(database: db), readOnly: false)
        #expect(try connection.resultColumns(of: "SELECT body, id AS key FROM notes") == ["body", "key"])
        #expect(try connection.resultColumns(of: "DELETE FROM notes RETURNING id") == ["id"])
        #expect(try server.psql("SELECT count(*) FROM notes", database: db).hasPrefix("0"))
    }

    @Test func literalsAndIdentifiersRoundTrip() throws {
        let connection = try open(server.url(database: "postgres"))
        let text = "it's K:\\scans\\\"a\".pdf"
        #expect(connection.literal(text) == "'it''s K:\\scans\\\"a\".pdf'")
        #expect(connection.quoted("Odd \"name\"") == "\"Odd \"\"name\"\"\"")
        #expect(try readAll(connection, "SELECT \(connection.literal(text)) AS \(connection.quoted("Odd \"name\""))").rows == [[text]])
    }

    // MARK: Errors

    @Test func aRoleWithoutSelectIsAPermissionError() throws {
        let role = Self.uniqueRole()
        try server.createRole(role, password: "x")
        let db = try database("CREATE TABLE notes(id int); REVOKE ALL ON notes FROM PUBLIC")
        // The socket trusts every role (the script's pg_hba), so no password is needed here.
        let connection = try open(server.url(database: db, user: role))
        let error = sourceError { _ = try readAll(connection, "SELECT * FROM notes") }
        #expect(error?.kind == .permission)
        #expect(error?.message.contains("notes") == true)
        #expect(error?.message.contains("GRANT SELECT") == true)
    }

    @Test func writesOnAReadOnlyConnectionAreRefusedAndChangeNothing() throws {
        let db = try database("CREATE TABLE notes(id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, 'a'), (2, 'b'); "
            + "CREATE SEQUENCE s")
        let before = try server.checksumTables(database: db)
        let connection = try open(server.url(database: db))
        let cte = sourceError { _ = try readAll(connection, "WITH x AS (DELETE FROM notes RETURNING *) SELECT * FROM x") }
        #expect(cte?.kind == .notReadOnly)
        let function = sourceError { _ = try readAll(connection, "SELECT nextval('s')") }
        #expect(function?.kind == .notReadOnly, "nextval writes: the read-only transaction refuses it")
        // The failed reads rolled back to their savepoints: the snapshot is still usable.
        #expect(try readAll(connection, "SELECT count(*) FROM notes").rows == [["2"]])
        let update = sourceError { _ = try connection.execute("UPDATE notes SET body = 'changed'") }
        #expect(update?.kind == .notReadOnly)
        try connection.rollback()
        connection.close()
        #expect(try server.checksumTables(database: db) == before)
    }

    @Test func unknownTablesColumnsAndBadSyntaxSayWhat() throws {
        let db = try database("CREATE TABLE ir_attachment(id int PRIMARY KEY, store_fname varchar(400))")
        let connection = try open(server.url(database: db))
        let table = sourceError { _ = try readAll(connection, "SELECT * FROM ir_attachments") }
        #expect(table?.kind == .unknownTable)
        #expect(table?.message.contains("Did you mean 'ir_attachment'?") == true)
        let column = sourceError { _ = try readAll(connection, "SELECT store_fnam FROM ir_attachment") }
        #expect(column?.kind == .unknownColumn)
        #expect(column?.message.contains("Did you mean 'store_fname'?") == true)
        let syntax = sourceError { _ = try readAll(connection, "SELECT id FROM ir_attachment WHERE") }
        #expect(syntax?.kind == .badQuery)
        #expect(syntax?.position == "character 35 of the query")
        let twoStatements = sourceError { _ = try readAll(connection, "SELECT 1; DELETE FROM ir_attachment") }
        #expect(twoStatements?.kind == .badQuery)
        let key = sourceError { _ = try connection.primaryKey(of: "ir_atachment") }
        #expect(key?.kind == .unknownTable)
        #expect(key?.message.contains("Did you mean 'ir_attachment'?") == true)
    }

    @Test(.timeLimit(.minutes(5))) func aConnectionTerminatedMidStreamIsAConnectionError() throws {
        let db = try database("CREATE TABLE t AS SELECT i AS id FROM generate_series(1, 400) i")
        let connection = try open(server.url(database: db))
        let pid = try readAll(connection, "SELECT pg_backend_pid()").rows[0][0]!
        let server = self.server
        let killer = Thread {
            // Waits until the slow read runs, then ends its backend from another session.
            for _ in 0..<600 {
                let active = (try? server.psql("SELECT count(*) FROM pg_stat_activity WHERE pid = \(pid) "
                    + "AND state = 'active' AND query LIKE 'FETCH%'", database: "postgres")) ?? ""
                if active.hasPrefix("1") { break }
                usleep(50_000)
            }
            _ = try? server.psql("SELECT pg_terminate_backend(\(pid))", database: "postgres")
        }
        killer.start()
        var rows = 0
        let error = sourceError { try connection.stream("SELECT id, pg_sleep(0.05) FROM t", columns: { _ in }, row: { _ in rows += 1 }) }
        #expect(error?.kind == .connection)
        #expect(rows < 400)
        #expect(sourceError { _ = try connection.tables() }?.kind == .connection)
    }

    // MARK: Writing

    @Test func aWritableConnectionRollsBackAndCommits() throws {
        let db = try database("CREATE TABLE notes(id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, 'a'), (2, 'a'), (3, 'b')")
        let connection = try open(server.url(database: db), readOnly: false)
        _ = try connection.execute("BEGIN")
        #expect(try connection.execute("UPDATE notes SET body = 'x' WHERE body = 'a'") == 2)
        try connection.rollback()
        #expect(try server.psql("SELECT string_agg(body, ',' ORDER BY id) FROM notes", database: db).hasPrefix("a,a,b"))
        _ = try connection.execute("BEGIN")
        // Setting a value to what it already is still counts the row.
        #expect(try connection.execute("UPDATE notes SET body = 'b' WHERE id >= 2") == 2)
        try connection.commit()
        #expect(try server.psql("SELECT string_agg(body, ',' ORDER BY id) FROM notes", database: db).hasPrefix("a,b,b"))
        // Streaming in autocommit runs in a transaction of its own, ended afterwards.
        #expect(try readAll(connection, "SELECT id FROM notes ORDER BY id").rows == [["1"], ["2"], ["3"]])
        #expect(try connection.execute("UPDATE notes SET body = 'c' WHERE id = 1") == 1)
        connection.close()
        connection.close()
        #expect(try server.psql("SELECT body FROM notes WHERE id = 1", database: db).hasPrefix("c"))
    }

    // MARK: Catalog

    @Test func tablesKeysAndDeclaredLengths() throws {
        let db = try database("""
            CREATE TABLE notes(note_id int, part int, body varchar(200), code char(3), memo text, PRIMARY KEY (part, note_id));
            CREATE TABLE plain(a int);
            CREATE VIEW recent AS SELECT body FROM notes;
            ALTER TABLE plain DROP COLUMN a; ALTER TABLE plain ADD COLUMN b varchar;
            """)
        let connection = try open(server.url(database: db))
        let tables = try connection.tables()
        #expect(tables.map(\.name) == ["notes", "plain", "recent"])
        #expect(tables.first?.columns == ["note_id", "part", "body", "code", "memo"])
        #expect(tables.dropFirst().first?.columns == ["b"])
        #expect(try connection.primaryKey(of: "notes") == ["part", "note_id"])
        #expect(try connection.primaryKey(of: "plain") == [])
        #expect(try connection.declaredLengths(of: "notes") == ["body": 200, "code": 3])
        #expect(try connection.declaredLengths(of: "public.notes") == ["body": 200, "code": 3])
        #expect(try connection.declaredLengths(of: "plain") == [:])
    }
}
