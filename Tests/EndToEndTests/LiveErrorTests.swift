import AttacheTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Bad live sources: each a clear error naming the source, with its documented exit code, and
/// nothing half-written in the catalog.
@Suite(.serialized, .enabled(if: LiveServer.shouldRun, "needs the scratch servers of scripts/testdb/with-databases.sh"),
       .timeLimit(.minutes(5)))
struct LiveErrorTests {
    /// A scratch migration with one file and one live table `memo` pointing at it.
    struct Memo {
        let scratch: Scratch
        let server: LiveServer
        let database: String
        var dir: String { scratch.path }

        init(_ engine: LiveServer.Engine, rows: Int = 3) throws {
            scratch = Scratch("live-\(engine.rawValue)")
            server = try LiveServer.require(engine)
            try Tree.make(at: scratch.join("legacy"), [.text("Scans/a.pdf", "%PDF a")])
            database = try server.newDatabase()
            var sql = "CREATE TABLE memo (id INTEGER PRIMARY KEY, body TEXT, modified VARCHAR(30));\n"
                + "CREATE TABLE control (slow INTEGER);\nINSERT INTO control VALUES (0);\n"
            for i in 1...rows { sql += "INSERT INTO memo VALUES (\(i), 'see K:\\Scans\\a.pdf', '2020-01-0\(i % 9 + 1)');\n" }
            try server.sql(sql, database: database)
        }

        /// Writes the manifest with one source reading `url` (`extra`: more source keys).
        func manifest(url: String, _ extra: String = "table: memo") throws {
            let text = """
                version: 1
                catalog: attache.db
                roots:
                  - path: legacy
                    aliases: ['K:\\']
                sources:
                  - name: memo
                    \(server.engine.rawValue): '\(url)'
                    key: id
                    text: body
                    \(extra.replacingOccurrences(of: "\n", with: "\n    "))
                """
            try text.write(toFile: scratch.join("attache.yaml"), atomically: true, encoding: .utf8)
        }

        func run(_ args: [String], env: [String: String] = [:], timeout: Double = 60) throws -> RunResult {
            try CLI.run(args, cwd: dir, env: env, timeout: timeout)
        }

        func refsCount() throws -> Int {
            try listItems(try run(["list", "refs", "--format", "json"])).filter { $0["source"] as? String == "memo" }.count
        }
    }

    @Test(arguments: [LiveServer.Engine.mysql, .postgresql])
    func wrongPasswordAndMissingPrivilegeExit77WithoutThePassword(_ engine: LiveServer.Engine) throws {
        let m = try Memo(engine)
        let url = try m.server.user(m.database, name: "attache_pw_" + String(UInt32.random(in: 0...UInt32.max), radix: 36), password: "right-one")
        try m.manifest(url: url, "table: memo\npassword_env: MEMO_PW")
        #expect(try m.run(["scan", "-q"]).exitCode == 0)
        let wrong = try m.run(["refs"], env: ["MEMO_PW": "wrong-secret"])
        #expect(wrong.exitCode == 77, "\(wrong)")
        #expect(wrong.stderr.contains("memo") && wrong.stderr.lowercased().contains("password"), "\(wrong)")
        #expect(!wrong.stderr.contains("wrong-secret") && !wrong.stdout.contains("wrong-secret"))
        let right = try m.run(["refs"], env: ["MEMO_PW": "right-one"])
        #expect(right.exitCode == 0, "\(right)")
        #expect(try m.refsCount() == 3)

        let none = try m.server.user(m.database, name: "attache_none_" + String(UInt32.random(in: 0...UInt32.max), radix: 36), password: "pw", grant: false)
        try m.manifest(url: none, "table: memo\npassword_env: MEMO_PW")
        let denied = try m.run(["refs", "--force"], env: ["MEMO_PW": "pw"])
        #expect(denied.exitCode == 77 || denied.exitCode == 65, "\(denied)")
        #expect(denied.stderr.contains("memo"), "\(denied)")
    }

    @Test(arguments: [LiveServer.Engine.mysql, .postgresql])
    func unknownTablesWritesAndServersThatDoNotAnswer(_ engine: LiveServer.Engine) throws {
        let m = try Memo(engine)
        try m.manifest(url: m.server.url(m.database))
        let scan = try m.run(["scan", "-q"])
        #expect(scan.exitCode == 0, "\(scan)")
        try m.manifest(url: m.server.url(m.database), "table: memos")
        let table = try m.run(["refs"])
        #expect(table.exitCode == 65 && table.stderr.contains("Did you mean 'memo'"), "\(table)")

        // An unknown database (one letter off): exit 66, with the one meant.
        let typo = String(m.database.dropLast()) + (m.database.hasSuffix("x") ? "y" : "x")
        try m.manifest(url: m.server.url(typo))
        let database = try m.run(["refs"])
        #expect(database.exitCode == 66 && database.stderr.contains(m.database), "\(database)")
        try m.manifest(url: m.server.url(m.database), "table: memo\ndeleted: gone")
        let column = try m.run(["refs"])
        #expect(column.exitCode == 65 && column.stderr.contains("'gone'"), "\(column)")

        try m.manifest(url: m.server.url(m.database), "query: SELECT id, body FROM memo; DELETE FROM memo")
        let write = try m.run(["refs"])
        #expect(write.exitCode == 65 && write.stderr.contains("more than one statement"), "\(write)")
        try m.manifest(url: m.server.url(m.database), "query: DELETE FROM memo")
        #expect(try m.run(["refs"]).exitCode == 65)
        #expect(try m.server.sql("SELECT COUNT(*) FROM memo", database: m.database).contains("3"))

        // A port that accepts the connection and never answers: a timeout, not a hang.
        let silent = try SilentListener()
        let url = engine == .mysql ? "mysql://root@127.0.0.1:\(silent.port)/x?connect_timeout=1"
                                   : "postgresql://postgres@127.0.0.1:\(silent.port)/x?connect_timeout=1"
        try m.manifest(url: url)
        let started = Date()
        let hang = try m.run(["refs"], timeout: 40)
        #expect(hang.exitCode == 69, "\(hang)")
        #expect(Date().timeIntervalSince(started) < 35, "gave up only after the harness's limit")
        #expect(hang.stderr.contains("memo"), "\(hang)")
    }

    @Test(arguments: [LiveServer.Engine.mysql, .postgresql])
    func aConnectionLostMidReadKeepsThePreviousReferences(_ engine: LiveServer.Engine) throws {
        let m = try Memo(engine, rows: 60)
        let slow = engine == .mysql ? "SLEEP((SELECT slow FROM control) * 0.1)" : "pg_sleep((SELECT slow FROM control) * 0.1)::text"
        try m.manifest(url: m.server.url(m.database), "query: SELECT id, body, \(slow) AS pause FROM memo ORDER BY id")
        #expect(try m.run(["scan", "-q"]).exitCode == 0)
        #expect(try m.run(["refs"]).exitCode == 0)
        #expect(try m.refsCount() == 60)
        try m.server.sql("UPDATE control SET slow = 1", database: m.database)
        let child = try CLI.start(["refs", "--force"], cwd: m.dir)
        var killed = false
        for _ in 0..<100 where !killed {
            usleep(100_000)
            killed = try endReading(engine, m)
        }
        let r = child.wait(timeout: 60)
        #expect(killed, "the reading query never showed up on the server")
        #expect(r.exitCode == 69, "\(r)")
        #expect(r.stderr.contains("memo"), "\(r)")
        #expect(try m.refsCount() == 60, "the source keeps the references it had")
    }

    /// Ends attache's reading connection from the server's side; false while it is not there yet.
    private func endReading(_ engine: LiveServer.Engine, _ m: Memo) throws -> Bool {
        if engine == .mysql {
            let ids = try m.server.sql("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE '%SLEEP((SELECT slow%' "
                + "AND INFO NOT LIKE '%PROCESSLIST%'", database: m.database)
            guard let id = ids.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: { Int($0) != nil })
            else { return false }
            _ = try? m.server.sql("KILL \(id)", database: m.database)
            return true
        }
        let n = try m.server.sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'attache' "
            + "AND state = 'active' AND pid <> pg_backend_pid()", database: m.database)
        return (Int(n.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 0
    }
}

/// A TCP port on 127.0.0.1 that accepts connections (the kernel's backlog) and never answers.
final class SilentListener {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else { close(fd); throw HarnessError("cannot listen on 127.0.0.1") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: addr.sin_port))
    }

    deinit { close(fd) }
}
