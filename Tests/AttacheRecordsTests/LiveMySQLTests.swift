import AttacheTestSupport
import Foundation
import XCTest
@testable import AttacheRecords

/// `MySQLConnection` against a real MariaDB (scripts/testdb/mariadb.sh, started by
/// scripts/testdb/with-databases.sh): connecting, streaming, charsets, errors, writes.
final class LiveMySQLTests: XCTestCase {
    var server: MySQLTestServer!
    var db: String!

    override func setUpWithError() throws {
        server = try MySQLTestServer.require()
        db = try server.createDatabase(prefix: "live")
    }

    override func tearDownWithError() throws {
        if let server, let db { try server.dropDatabase(db) }
    }

    func open(_ url: String? = nil, passwordEnv: String? = nil, readOnly: Bool = true) throws -> any LiveConnection {
        let database = try LiveDatabase(engine: .mysql, url: url ?? server.url(database: db), passwordEnv: passwordEnv)
        return try LiveConnector.open(database, source: "crm", readOnly: readOnly)
    }

    /// The error `body` throws, as a SourceError (fails when it throws none or another kind of error).
    func sourceError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> SourceError? {
        do { try body() } catch let error as SourceError { return error } catch {
            XCTFail("expected a SourceError, got \(error)", file: file, line: line); return nil
        }
        XCTFail("expected an error, got none", file: file, line: line)
        return nil
    }

    /// Every row of `sql` as strings (NULL as nil).
    func rows(_ connection: any LiveConnection, _ sql: String) throws -> [[String?]] {
        var result: [[String?]] = []
        try connection.stream(sql, columns: { _ in }, row: { values in
            result.append(values.map { $0.map { String(decoding: $0, as: UTF8.self) } })
        })
        return result
    }

    func testConnectsThroughTheSocketAndOverTCP() throws {
        try server.sql("CREATE TABLE notes(id INT PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (1, 'K:\\\\scan.pdf')", database: db)
        let viaSocket = try open()
        XCTAssertEqual(try rows(viaSocket, "SELECT body FROM notes"), [["K:\\scan.pdf"]])

        let user = "tcp_\(getpid())"
        try server.createUser(user, password: "s3cret'pw", grants: ["SELECT ON `\(db!)`.*"])
        setenv("ATTACHE_TEST_MYSQL_PW", "s3cret'pw", 1)
        defer { unsetenv("ATTACHE_TEST_MYSQL_PW") }
        let viaTCP = try open(server.tcpURL(database: db, user: user), passwordEnv: "ATTACHE_TEST_MYSQL_PW")
        XCTAssertEqual(try rows(viaTCP, "SELECT id, body FROM notes"), [["1", "K:\\scan.pdf"]])
        // The session is the one LiveConnection promises: utf8mb4, ANSI quotes, a read-only transaction.
        let session = try rows(viaTCP, "SELECT @@character_set_client, @@character_set_results, @@SESSION.sql_mode, @@SESSION.tx_read_only")
        XCTAssertEqual(session[0][0], "utf8mb4")
        XCTAssertEqual(session[0][1], "utf8mb4")
        XCTAssertTrue(session[0][2]!.contains("ANSI_QUOTES") && session[0][2]!.contains("PIPES_AS_CONCAT"), session[0][2]!)
        XCTAssertEqual(session[0][3], "1")
        XCTAssertEqual(try rows(viaTCP, "SELECT \"body\" || '!' FROM \"notes\""), [["K:\\scan.pdf!"]])
    }

    func testStreamsTenThousandRowsWithColumnsFirst() throws {
        try server.sql("""
            CREATE TABLE big(id INT PRIMARY KEY, path VARCHAR(100));
            INSERT INTO big SELECT seq, CONCAT('K:\\\\docs\\\\', seq, '.pdf') FROM seq_1_to_10000;
            """, database: db)
        let connection = try open()
        var names: [String] = []
        var count = 0, sum = 0
        var seen: [Int: String] = [:]
        try connection.stream("SELECT id, path FROM big ORDER BY id", columns: { names = $0 }, row: { values in
            XCTAssertFalse(names.isEmpty, "columns come before the first row")
            let id = Int(String(decoding: values[0]!, as: UTF8.self))!
            count += 1; sum += id
            if [1, 5000, 10000].contains(id) { seen[id] = String(decoding: values[1]!, as: UTF8.self) }
        })
        XCTAssertEqual(names, ["id", "path"])
        XCTAssertEqual(count, 10_000)
        XCTAssertEqual(sum, 10_000 * 10_001 / 2)
        XCTAssertEqual(seen, [1: "K:\\docs\\1.pdf", 5000: "K:\\docs\\5000.pdf", 10000: "K:\\docs\\10000.pdf"])

        // A consumer that stops early: its error comes through, and the connection stays usable.
        struct Stop: Error {}
        XCTAssertThrowsError(try connection.stream("SELECT id FROM big", columns: { _ in }, row: { _ in throw Stop() })) {
            XCTAssertTrue($0 is Stop, "\($0)")
        }
        XCTAssertEqual(try rows(connection, "SELECT COUNT(*) FROM big"), [["10000"]])
    }

    func testNullIsNilAndEmptyIsEmpty() throws {
        try server.sql("CREATE TABLE t(id INT, a VARCHAR(10), b VARCHAR(10)); INSERT INTO t VALUES (1, NULL, '')", database: db)
        var got: [[UInt8]?] = []
        try open().stream("SELECT a, b FROM t", columns: { _ in }, row: { values in got = values.map { $0.map(Array.init) } })
        XCTAssertEqual(got.count, 2)
        XCTAssertNil(got[0])
        XCTAssertEqual(got[1], [])
    }

    func testLegacyCharsetsComeBackAsUTF8AndBlobsRaw() throws {
        try server.sql("""
            CREATE TABLE west(id INT, note VARCHAR(50)) CHARACTER SET latin1;
            CREATE TABLE east(id INT, note VARCHAR(50)) CHARACTER SET cp1251;
            CREATE TABLE files(id INT, data BLOB);
            INSERT INTO west VALUES (1, 'Café Müller\\\\Ablage.pdf');
            INSERT INTO east VALUES (1, 'Договор №5\\\\скан.pdf');
            INSERT INTO files VALUES (1, X'00FF80C3280A');
            """, database: db)
        // Stored in the legacy charsets, not as UTF-8 (é is E9 in latin1, № is B9 in cp1251).
        XCTAssertTrue(try server.sql("SELECT HEX(note) FROM west", database: db).hasPrefix("436166E9"))
        XCTAssertTrue(try server.sql("SELECT HEX(note) FROM east", database: db).contains("B935"))
        let connection = try open()
        XCTAssertEqual(try rows(connection, "SELECT note FROM west"), [["Café Müller\\Ablage.pdf"]])
        XCTAssertEqual(try rows(connection, "SELECT note FROM east"), [["Договор №5\\скан.pdf"]])
        var blob: [UInt8] = []
        try connection.stream("SELECT data FROM files", columns: { _ in }, row: { blob = Array($0[0]!) })
        XCTAssertEqual(blob, [0x00, 0xFF, 0x80, 0xC3, 0x28, 0x0A])
    }

    /// A table source decodes only the columns its roles name: a BLOB of file content beside
    /// the path is neither read into the record nor reported as undecodable.
    func testATableSourceDecodesOnlyTheColumnsItsRolesName() throws {
        try server.sql("""
            CREATE TABLE docs(id INT PRIMARY KEY, path VARCHAR(50), content LONGBLOB, note TEXT);
            INSERT INTO docs VALUES (1, 'K:\\\\a.pdf', X'00FF80C3280A', 'see K:\\\\b.pdf');
            """, database: db)
        let database = try LiveDatabase(engine: .mysql, url: server.url(database: db), passwordEnv: nil)
        let source = try LiveRecordSource(name: "crm", database: database, table: "docs", query: nil, key: ["id"],
                                          deleted: nil, modified: nil)
        var problems: [SourceError] = []
        source.onlyColumns = ["path", "note"]
        var fields: [[String: String]] = []
        try source.forEachRecord({ fields.append($0.fields) }, problem: { problems.append($0) })
        XCTAssertEqual(fields, [["id": "1", "path": "K:\\a.pdf", "note": "see K:\\b.pdf"]])
        XCTAssertEqual(problems.count, 0, "\(problems)")
        // Asked for, the BLOB is read and reported: it is not text.
        let all = try LiveRecordSource(name: "crm", database: database, table: "docs", query: nil, key: ["id"],
                                       deleted: nil, modified: nil)
        try all.forEachRecord({ _ in }, problem: { problems.append($0) })
        XCTAssertEqual(problems.map(\.kind), [.undecodable])
    }

    func testWrongPasswordIsAnAuthenticationError() throws {
        let user = "pw_\(getpid())"
        try server.createUser(user, password: "right", grants: ["SELECT ON `\(db!)`.*"])
        setenv("ATTACHE_TEST_MYSQL_PW", "wrong", 1)
        defer { unsetenv("ATTACHE_TEST_MYSQL_PW") }
        let error = sourceError { _ = try self.open(self.server.url(database: self.db, user: user), passwordEnv: "ATTACHE_TEST_MYSQL_PW") }
        XCTAssertEqual(error?.kind, .authentication)
        XCTAssertTrue(error?.message.contains("ATTACHE_TEST_MYSQL_PW") ?? false, error?.message ?? "")
        XCTAssertFalse(error?.description.contains("wrong") ?? true, "never a password in a message")
    }

    func testUnknownDatabaseIsNotFoundWithDidYouMean() throws {
        let error = sourceError { _ = try self.open(self.server.url(database: self.db + "x")) }
        XCTAssertEqual(error?.kind, .notFound)
        XCTAssertTrue(error?.message.contains("Did you mean '\(db!)'?") ?? false, error?.message ?? "")
    }

    func testMissingPrivilegesArePermissionErrors() throws {
        try server.sql("CREATE TABLE open_t(id INT); CREATE TABLE secret(id INT)", database: db)
        let none = "none_\(getpid())", some = "some_\(getpid())"
        try server.createUser(none, password: "pw", grants: [])
        try server.createUser(some, password: "pw", grants: ["SELECT ON `\(db!)`.open_t"])
        setenv("ATTACHE_TEST_MYSQL_PW", "pw", 1)
        defer { unsetenv("ATTACHE_TEST_MYSQL_PW") }
        let atConnect = sourceError { _ = try self.open(self.server.url(database: self.db, user: none), passwordEnv: "ATTACHE_TEST_MYSQL_PW") }
        XCTAssertEqual(atConnect?.kind, .permission)
        XCTAssertTrue(atConnect?.message.contains("GRANT SELECT") ?? false, atConnect?.message ?? "")

        let connection = try open(server.url(database: db, user: some), passwordEnv: "ATTACHE_TEST_MYSQL_PW")
        XCTAssertEqual(try rows(connection, "SELECT id FROM open_t"), [])
        let atQuery = sourceError { _ = try self.rows(connection, "SELECT id FROM secret") }
        XCTAssertEqual(atQuery?.kind, .permission)
        XCTAssertTrue(atQuery?.message.contains("SELECT command denied") ?? false, atQuery?.message ?? "")
    }

    func testReadOnlyConnectionRefusesWritesOnTheServer() throws {
        try server.sql("CREATE TABLE notes(id INT PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (1, 'a.pdf')", database: db)
        let before = try server.checksumTables(database: db)
        let connection = try open()
        for write in ["UPDATE notes SET body = 'b.pdf' WHERE id = 1", "INSERT INTO notes VALUES (2, 'c.pdf')",
                      "DELETE FROM notes"] {
            let error = sourceError { _ = try connection.execute(write) }
            XCTAssertEqual(error?.kind, .notReadOnly, write)
        }
        // Several statements in one are refused by the server (multi-statements are off).
        XCTAssertEqual(sourceError { _ = try self.rows(connection, "SELECT 1; DELETE FROM notes") }?.kind, .badQuery)
        // Still refused after the read-only transaction ends: the session itself is read-only.
        try connection.commit()
        XCTAssertEqual(sourceError { _ = try connection.execute("UPDATE notes SET body = 'b.pdf'") }?.kind, .notReadOnly)
        XCTAssertEqual(try server.sql("SELECT body FROM notes", database: db), "a.pdf\n")
        XCTAssertEqual(try server.checksumTables(database: db), before)
    }

    func testServerThatDoesNotAnswerTimesOut() throws {
        // A listening socket that never accepts: the kernel completes the TCP handshake, the
        // server's greeting never comes.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(listener, 0)
        defer { Glibc.close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                XCTAssertEqual(bind(listener, raw, length), 0)
                XCTAssertEqual(getsockname(listener, raw, &length), 0)
            }
        }
        XCTAssertEqual(listen(listener, 8), 0)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let url = "mysql://root@127.0.0.1:\(port)/\(db!)?connect_timeout=1"

        // On another thread, so a hang fails this test instead of stopping the suite.
        let done = expectation(description: "connect gives up")
        let box = ErrorBox()
        Thread.detachNewThread {
            do { _ = try LiveConnector.open(try LiveDatabase(engine: .mysql, url: url), source: "crm", readOnly: true) } catch {
                box.error = error
            }
            done.fulfill()
        }
        wait(for: [done], timeout: 60)
        let error = box.error as? SourceError
        XCTAssertEqual(error?.kind, .connection, "\(String(describing: box.error))")
        XCTAssertTrue(error?.message.contains("127.0.0.1:\(port)") ?? false, error?.message ?? "")
        XCTAssertTrue(error?.message.contains("connect_timeout=1") ?? false, error?.message ?? "")
    }

    func testNoServerAtTheSocketOrPortIsAConnectionError() throws {
        let noSocket = sourceError { _ = try self.open("mysql://root@/\(self.db!)?socket=/nonexistent/mysqld.sock") }
        XCTAssertEqual(noSocket?.kind, .connection)
        XCTAssertTrue(noSocket?.message.contains("the socket /nonexistent/mysqld.sock") ?? false, noSocket?.message ?? "")
        // A port nothing listens on: refused at once.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                _ = bind(listener, raw, length); _ = getsockname(listener, raw, &length)
            }
        }
        Glibc.close(listener)  // the port is free again, and closed
        let port = Int(UInt16(bigEndian: address.sin_port))
        let refused = sourceError { _ = try self.open("mysql://root@127.0.0.1:\(port)/\(self.db!)?connect_timeout=5") }
        XCTAssertEqual(refused?.kind, .connection)
        XCTAssertTrue(refused?.message.contains("127.0.0.1:\(port)") ?? false, refused?.message ?? "")
        XCTAssertEqual(sourceError { _ = try self.open(self.server.url(database: self.db, parameters: "connect_timeout=soon")) }?.kind, .badOption)
    }

    func testConnectionKilledMidStreamFailsTheStream() throws {
        try server.sql("CREATE TABLE slow(id INT PRIMARY KEY); INSERT INTO slow SELECT seq FROM seq_1_to_400", database: db)
        let connection = try open()
        let id = try rows(connection, "SELECT CONNECTION_ID()")[0][0]!
        var count = 0
        let error = sourceError {
            // Rows larger than the server's network buffer (16 KiB), so each is sent as it is
            // made rather than all at once at the end.
            try connection.stream("SELECT id, REPEAT('x', 40000), SLEEP(0.05) FROM slow ORDER BY id", columns: { _ in }, row: { _ in
                count += 1
                if count == 2 { try self.server.sql("KILL \(id)") }
            })
        }
        XCTAssertEqual(error?.kind, .connection, error?.message ?? "")
        XCTAssertLessThan(count, 400, "the stream stopped, it did not end as if the table were read")
    }

    func testWritableConnectionCommitsRollsBackAndCountsMatchedRows() throws {
        try server.sql("CREATE TABLE notes(id INT PRIMARY KEY, body VARCHAR(40)); INSERT INTO notes VALUES (1, 'a.pdf'), (2, 'b.pdf')", database: db)
        let connection = try open(readOnly: false)
        _ = try connection.execute("BEGIN")
        XCTAssertEqual(try connection.execute("UPDATE notes SET body = 'new.pdf' WHERE id = 1"), 1)
        try connection.rollback()
        XCTAssertEqual(try server.sql("SELECT body FROM notes WHERE id = 1", database: db), "a.pdf\n")

        _ = try connection.execute("BEGIN")
        XCTAssertEqual(try connection.execute("UPDATE notes SET body = 'new.pdf' WHERE id = 1"), 1)
        XCTAssertEqual(try connection.execute("UPDATE notes SET body = 'b.pdf' WHERE id = 2"), 1, "matched, though unchanged")
        XCTAssertEqual(try connection.execute("UPDATE notes SET body = 'x' WHERE id = 99"), 0)
        try connection.commit()
        XCTAssertEqual(try server.sql("SELECT body FROM notes ORDER BY id", database: db), "new.pdf\nb.pdf\n")

        // Literals round-trip quotes, backslashes and non-ASCII text.
        let tricky = "O'Brien \\\\srv\\share\\ \"x\" Müller"
        XCTAssertEqual(try connection.execute("UPDATE notes SET body = \(connection.literal(tricky)) WHERE id = 2"), 1)
        XCTAssertEqual(try rows(connection, "SELECT body FROM \(connection.quoted("notes")) WHERE id = 2"), [[tricky]])
        // Strict mode: a value longer than the column is refused, never truncated.
        let tooLong = sourceError { _ = try connection.execute("UPDATE notes SET body = \(connection.literal(String(repeating: "x", count: 41)))") }
        XCTAssertEqual(tooLong?.kind, .badQuery)
    }

    func testSchemaTablesKeysLengthsAndResultColumns() throws {
        try server.sql("""
            CREATE TABLE vtiger_attachments(attachmentsid INT, name VARCHAR(255), path TEXT, code CHAR(8), PRIMARY KEY (attachmentsid));
            CREATE TABLE links(crmid INT, attachmentsid INT, note TEXT, PRIMARY KEY (attachmentsid, crmid));
            CREATE TABLE nokey(a INT);
            CREATE VIEW v AS SELECT crmid FROM links;
            """, database: db)
        let connection = try open()
        let tables = try connection.tables()
        XCTAssertEqual(tables.map(\.name), ["links", "nokey", "v", "vtiger_attachments"])
        XCTAssertEqual(tables.last?.columns, ["attachmentsid", "name", "path", "code"])
        XCTAssertEqual(try connection.primaryKey(of: "vtiger_attachments"), ["attachmentsid"])
        XCTAssertEqual(try connection.primaryKey(of: "links"), ["attachmentsid", "crmid"])
        XCTAssertEqual(try connection.primaryKey(of: "nokey"), [])
        XCTAssertEqual(try connection.declaredLengths(of: "vtiger_attachments"), ["name": 255, "code": 8])
        XCTAssertEqual(try connection.resultColumns(of: "SELECT attachmentsid AS id, \"path\" FROM vtiger_attachments"), ["id", "path"])

        let table = sourceError { _ = try connection.primaryKey(of: "vtiger_attachment") }
        XCTAssertEqual(table?.kind, .unknownTable)
        XCTAssertTrue(table?.message.contains("Did you mean 'vtiger_attachments'?") ?? false, table?.message ?? "")
        let query = sourceError { _ = try self.rows(connection, "SELECT * FROM vtiger_atachments") }
        XCTAssertEqual(query?.kind, .unknownTable)
        XCTAssertTrue(query?.message.contains("Did you mean 'vtiger_attachments'?") ?? false, query?.message ?? "")
        let column = sourceError { _ = try connection.resultColumns(of: "SELECT pathh FROM vtiger_attachments") }
        XCTAssertEqual(column?.kind, .unknownColumn)
        XCTAssertEqual(column?.position, "pathh")
        XCTAssertEqual(sourceError { _ = try connection.resultColumns(of: "SELEC 1") }?.kind, .badQuery)
    }

    func testPasswordFromMyCnfWhenNoPasswordEnv() throws {
        let user = "cnf_\(getpid())"
        try server.createUser(user, password: "from-cnf", grants: ["SELECT ON `\(db!)`.*"])
        let home = Scratch("home")
        try "[client]\npassword=from-cnf\n".write(toFile: home.join(".my.cnf"), atomically: true, encoding: .utf8)
        let oldHome = getenv("HOME").map { String(cString: $0) }
        setenv("HOME", home.path, 1)
        defer { if let oldHome { setenv("HOME", oldHome, 1) } else { unsetenv("HOME") } }
        let connection = try open(server.tcpURL(database: db, user: user))
        XCTAssertEqual(try rows(connection, "SELECT CURRENT_USER()")[0][0], "\(user)@127.0.0.1")
    }

    func testClosedConnectionIsAnErrorAndCloseIsIdempotent() throws {
        let connection = try open()
        connection.close()
        connection.close()
        XCTAssertEqual(sourceError { _ = try connection.execute("SELECT 1") }?.kind, .connection)
    }
}

private final class ErrorBox: @unchecked Sendable {  // written by one thread before the expectation is fulfilled
    var error: (any Error)?
}
