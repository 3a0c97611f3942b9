import AttacheTestSupport
import Foundation
import Testing

/// `attache rewrite` on a live MySQL/MariaDB or PostgreSQL table: the scripts for the DBA by
/// default (the database untouched), `--in-place` in one checked transaction (the same values
/// as the SQLite copy of the same records), verify, and a revert that leaves every table as it
/// was; a row changed between the read and the writes rolls everything back.
@Suite(.serialized, .enabled(if: LiveServer.shouldRun, "needs the scratch servers of scripts/testdb/with-databases.sh"),
       .timeLimit(.minutes(5)))
struct LiveRewriteTests {
    /// The rewrite tests' migration with its notes table on a live server instead of SQLite.
    struct LiveMigration {
        let m: RewriteMigration
        let server: LiveServer
        let database: String

        init(_ engine: LiveServer.Engine) throws {
            m = try RewriteMigration("live-rewrite-\(engine.rawValue)")
            server = try LiveServer.require(engine)
            database = try server.newDatabase()
            try server.load(sqlite: m.database, into: database)
            let path = m.scratch.join("attache.yaml")
            let text = try String(contentsOfFile: path, encoding: .utf8)
                .replacingOccurrences(of: "sqlite: records/crm.sqlite", with: "\(engine.rawValue): '\(server.url(database))'")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }

        func checksum() throws -> String { try server.checksum(database) }
    }

    /// The values the SQLite copy of the same records got, loaded into a second database of the
    /// same server, checksummed the same way.
    func expectedChecksum(_ engine: LiveServer.Engine, server: LiveServer) throws -> (checksum: String, exit: Int32) {
        let lite = try RewriteMigration("live-expected-\(engine.rawValue)")
        try lite.prepare()
        let r = try lite.run(["rewrite"])
        let db = try server.newDatabase()
        try server.load(sqlite: lite.copy, into: db)
        return (try server.checksum(db), r.exitCode)
    }

    @Test(arguments: [LiveServer.Engine.mysql, .postgresql])
    func scriptsThenInPlaceThenRevert(_ engine: LiveServer.Engine) throws {
        let live = try LiveMigration(engine)
        let expected = try expectedChecksum(engine, server: live.server)
        try live.m.prepare()
        let original = try live.checksum()

        // Default: the scripts for the DBA; the database untouched.
        let scripts = try live.m.run(["rewrite"])
        #expect(scripts.exitCode == expected.exit, "\(scripts)")
        let forward = live.m.output + "/notes/notes.\(engine.rawValue).sql"
        #expect(FileManager.default.fileExists(atPath: forward), "\(scripts)")
        #expect(FileManager.default.fileExists(atPath: live.m.output + "/notes/notes.\(engine.rawValue).revert.sql"))
        #expect(try live.checksum() == original, "the default mode wrote to the live database")
        let text = try String(contentsOfFile: forward, encoding: .utf8)
        #expect(text.contains("UPDATE") && text.contains("NEWSRV"), "\(text.prefix(600))")

        // The DBA runs the script with the server's own client: the same values as the SQLite
        // copy; then its revert script: every table as it was.
        try live.server.sql(text, database: live.database)
        #expect(try live.checksum() == expected.checksum, "the DBA's script gave other values than the SQLite copy")
        let revertScript = try String(contentsOfFile: live.m.output + "/notes/notes.\(engine.rawValue).revert.sql", encoding: .utf8)
        try live.server.sql(revertScript, database: live.database)
        #expect(try live.checksum() == original, "the revert script did not restore the table")

        // In place: the same values as the SQLite copy got.
        let inPlace = try live.m.run(["rewrite", "--in-place"])
        #expect(inPlace.exitCode == expected.exit, "\(inPlace)")
        let rewritten = try live.checksum()
        #expect(rewritten == expected.checksum, "the live table differs from the SQLite copy's values")
        #expect(rewritten != original)
        let verify = try live.m.run(["verify", "--references"])
        #expect(verify.exitCode == 0, "\(verify)")
        let audit = try live.m.audit()
        #expect(audit.contains { $0["outcome"] as? String == "rewritten" && ($0["record_id"] as? String ?? "").hasPrefix("[") }, "\(audit.prefix(3))")

        // Again: every span is already rewritten; nothing changes.
        let again = try live.m.run(["rewrite", "--in-place"])
        #expect(again.exitCode == expected.exit, "\(again)")
        #expect(try live.checksum() == rewritten)

        // Revert: every table as it was, byte for byte.
        let revert = try live.m.run(["rewrite", "--revert"])
        #expect(revert.exitCode == 0, "\(revert)")
        #expect(try live.checksum() == original, "the revert did not restore the table")
    }

    @Test(arguments: [LiveServer.Engine.mysql, .postgresql])
    func aRowChangedBetweenTheReadAndTheWritesRollsEverythingBack(_ engine: LiveServer.Engine) throws {
        let live = try LiveMigration(engine)
        try live.m.prepare()
        let gate = live.m.scratch.join("gate")
        let child = try CLI.start(["rewrite", "--in-place"], cwd: live.m.dir, env: ["ATTACHE_FAULT_LIVE_SCRIPT_GATE": gate])
        var waited = 0
        while !child.stderrSoFar().contains("fault seam: waiting for"), waited < 300 { usleep(100_000); waited += 1 }
        try live.server.sql("UPDATE notes SET body = 'edited meanwhile: K:\\Scans\\scan 1.pdf' WHERE id = 5", database: live.database)
        let changed = try live.checksum()
        FileManager.default.createFile(atPath: gate, contents: Data())
        let r = child.wait(timeout: 60)
        #expect(r.exitCode == 3, "\(r)")
        #expect(r.stdout.contains("rolled back") || r.stderr.contains("rolled back"), "\(r)")
        #expect(try live.checksum() == changed, "a rolled-back rewrite left changes")
    }
}
