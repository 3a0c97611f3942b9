import AttacheTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `attache rewrite` end to end on a SQLite table: every spelling a note uses, rewritten to
/// the target's address in its context; every other byte, column and row kept; the audit,
/// the revert, in place, and the records that must not be rewritten.
@Suite(.serialized) struct RewriteScenarioTests {
    @Test func copiesSpellEveryReferenceInItsContextAndKeepEverythingElse() throws {
        let m = try RewriteMigration("rewrite-copy")
        try m.prepare()
        let before = try Data(contentsOf: URL(fileURLWithPath: m.database))
        let r = try m.run(["rewrite", "--format", "json"])
        #expect(r.exitCode == 3, "\(r)")          // the VARCHAR(30) column cannot take its new path
        let summary = try jsonObject(r)
        let totals = summary["totals"] as? [String: Any] ?? [:]
        #expect(int(totals["rewritten"]) == 6, "\(summary)")
        #expect(int(totals["unresolved"]) == 1 && int(totals["flagged"]) == 1 && int(totals["failed"]) == 1, "\(summary)")
        // The source is untouched, byte for byte.
        #expect(try Data(contentsOf: URL(fileURLWithPath: m.database)) == before)

        let rows = try RewriteMigration.rows(m.copy)
        let original = try RewriteMigration.rows(m.database)
        #expect(rows[1]?["body"] == #"See \\NEWSRV\crm\share\Contracts\Smith & Sons #4\100% done.pdf today."#)
        #expect(rows[2]?["body"] == #"Договор: \\NEWSRV\crm\share\Договоры\АО Вектор\акт 3.pdf"#)
        // In an href, the record wrote a file: URL: it stays one, percent-encoded; the text around keeps its entity.
        #expect(rows[3]?["body"] == #"<p>Scan: <a href="file://NEWSRV/crm/share/Scans/scan%201.pdf">scan</a> &amp; more</p>"#)
        #expect(rows[4]?["body"] == #"<p>\\NEWSRV\crm\share\合同\合同 2019.pdf</p>"#)
        // A duplicate's reference leads to the copy that was kept.
        let links = byKey(try listItems(try m.run(["list", "links", "--format", "json"])))
        let kept = (links["5"]?["target_path"] as? String ?? "?").replacingOccurrences(of: "/", with: "\\")
        #expect(rows[5]?["body"] == "The copy: \\\\NEWSRV\\crm\\" + kept)
        // An archived file: archive#member.
        let old = rows[6]?["body"] ?? ""
        #expect(old?.hasPrefix(#"Old one: \\NEWSRV\crm\_archive\"#) == true && old?.hasSuffix("#share/Old/archived.pdf") == true, "\(String(describing: old))")
        // Missing file, dropped file (flagged by default), a column too short: the old text stays.
        #expect(rows[7]?["body"] == original[7]?["body"])
        #expect(rows[9]?["body"] == original[9]?["body"])
        #expect(rows[9]?["short"] == original[9]?["short"])
        // Untouched rows and columns are identical.
        #expect(rows[8] == original[8])
        for id in 1...9 { #expect(rows[id]?["account"] == original[id]?["account"]) }

        let attention = try m.audit(["--attention"])
        let outcomes = Dictionary(grouping: attention, by: { $0["position"] as? String ?? "" }).mapValues { $0.map { $0["outcome"] as? String ?? "" }.sorted() }
        #expect(outcomes["row 7"] == ["unresolved"], "\(outcomes)")
        #expect(outcomes["row 9"] == ["failed", "flagged"], "\(outcomes)")
        let failed = attention.first { $0["outcome"] as? String == "failed" }
        #expect((failed?["detail"] as? String ?? "").contains("allows 30"), "\(String(describing: failed))")

        let v = try m.run(["verify", "--references"])
        #expect(v.exitCode == 0, "\(v)")
        #expect(v.stdout.contains("6 references checked, 6 open the right bytes"), "\(v)")
        // The importer's link table is in the output.
        #expect(FileManager.default.fileExists(atPath: m.output + "/links.csv"))
        #expect(FileManager.default.fileExists(atPath: m.output + "/links.json"))
    }

    @Test func revertGivesTheOriginalValuesBackAndARerunIsTheSame() throws {
        let m = try RewriteMigration("rewrite-revert")
        try m.prepare()
        _ = try m.run(["rewrite"])
        let first = try Data(contentsOf: URL(fileURLWithPath: m.copy))
        _ = try m.run(["rewrite"])
        // A second copy run starts from the source again: the same values.
        #expect(try RewriteMigration.rows(m.copy)[1]?["body"] == #"See \\NEWSRV\crm\share\Contracts\Smith & Sons #4\100% done.pdf today."#)
        #expect(try Data(contentsOf: URL(fileURLWithPath: m.copy)).count == first.count)
        let r = try m.run(["rewrite", "--revert"])
        #expect(r.exitCode == 0, "\(r)")
        #expect(try RewriteMigration.rows(m.copy) == RewriteMigration.rows(m.database))
        // Nothing left to revert: the latest run is reverted.
        let again = try m.run(["rewrite", "--revert"])
        #expect(again.exitCode == 66, "\(again)")
    }

    @Test func inPlaceBacksUpFirstIsIdempotentAndRevertsExactly() throws {
        let m = try RewriteMigration("rewrite-in-place")
        try m.prepare()
        let original = try RewriteMigration.rows(m.database)
        let originalBytes = try Data(contentsOf: URL(fileURLWithPath: m.database))
        let r = try m.run(["rewrite", "--in-place"])
        #expect(r.exitCode == 3, "\(r)")
        let backups = try FileManager.default.subpathsOfDirectory(atPath: m.output + "/backups").filter { $0.hasSuffix("crm.sqlite") }
        #expect(backups.count == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: m.output + "/backups/" + backups[0])) == originalBytes)
        let rewritten = try RewriteMigration.rows(m.database)
        #expect(rewritten[1]?["body"] == #"See \\NEWSRV\crm\share\Contracts\Smith & Sons #4\100% done.pdf today."#)
        // Again: every span already holds its new text.
        let again = try m.run(["rewrite", "--in-place", "--format", "json"])
        let totals = try jsonObject(again)["totals"] as? [String: Any] ?? [:]
        #expect(int(totals["rewritten"]) == 0 && int(totals["unchanged"]) == 6, "\(again)")
        #expect(try RewriteMigration.rows(m.database) == rewritten)
        #expect(try m.run(["verify", "--references"]).exitCode == 0)
        let back = try m.run(["rewrite", "--revert"])
        #expect(back.exitCode == 0, "\(back)")
        #expect(try RewriteMigration.rows(m.database) == original)
    }

    @Test func aRecordChangedSinceRefsIsRefusedNotRewrittenBlindly() throws {
        let m = try RewriteMigration("rewrite-changed")
        try m.prepare()
        try RewriteMigration.sql(m.database, #"UPDATE notes SET body = 'Now: K:\Scans\other.pdf and more' WHERE id = 2;"#)
        let r = try m.run(["rewrite"])
        #expect(r.exitCode == 3, "\(r)")
        #expect(r.stdout.contains("changed since 'attache refs' read it"), "\(r)")
        let rows = try RewriteMigration.rows(m.copy)
        #expect(rows[2]?["body"] == #"Now: K:\Scans\other.pdf and more"#)
        #expect((rows[1]?["body"] ?? nil)?.contains(#"\\NEWSRV\crm\"#) == true)
        let refused = try m.audit(["--attention"]).filter { $0["outcome"] as? String == "refused" }
        #expect(refused.count == 1 && refused.first?["position"] as? String == "row 2", "\(refused)")
    }

    @Test func verifyReferencesFindsATargetFileThatChanged() throws {
        let m = try RewriteMigration("rewrite-verify")
        try m.prepare()
        _ = try m.run(["rewrite"])
        let file = m.target + "/share/Contracts/Smith & Sons #4/100% done.pdf"
        try Data("tampered".utf8).write(to: URL(fileURLWithPath: file))
        let v = try m.run(["verify", "--references"])
        #expect(v.exitCode == 5, "\(v)")
        #expect(v.stdout.contains("row 1") && v.stdout.contains("SHA-256 differs"), "\(v)")
    }

    @Test func badRequestsAreClearErrors() throws {
        let m = try RewriteMigration("rewrite-errors")
        // Nothing applied yet.
        #expect(try m.run(["scan"]).exitCode == 0)
        #expect(try m.run(["refs"]).exitCode == 3)
        let early = try m.run(["rewrite"])
        #expect(early.exitCode == 66 && early.stderr.contains("nothing was applied yet"), "\(early)")
        #expect(try m.run(["plan"]).exitCode == 0)
        #expect(try m.run(["apply"]).exitCode == 0)
        // The output cannot be a folder: a file is in the way.
        try Data().write(to: URL(fileURLWithPath: m.dir + "/afile"))
        let blocked = try m.run(["rewrite", "--out", "afile/out"])
        #expect(blocked.exitCode == 74, "\(blocked)")
        #expect(blocked.stderr.contains("afile"), "\(blocked)")
        #expect(try m.run(["rewrite", "--in-place", "--sql", "x.sql"]).exitCode == 64)
        #expect(try m.run(["rewrite", "--source", "nope"]).exitCode == 64)
        let none = try m.run(["rewrite", "--revert"])
        #expect(none.exitCode == 66, "\(none)")
    }

    @Test(.enabled(if: CLI.canRunAsNobody, "needs root and setpriv to run attache as nobody"))
    func anOutputFolderTheUserCannotWriteExits74AndLeavesNothingHalfWritten() throws {
        let m = try RewriteMigration("rewrite-eacces")
        try m.prepare()
        // nobody may read the records and write the catalog, not the output folder (root's, 755).
        try FileManager.default.createDirectory(atPath: m.output, withIntermediateDirectories: false)
        chmod(m.dir, 0o777)
        for suffix in ["", "-wal", "-shm"] { chmod(m.dir + "/attache.db" + suffix, 0o666) }
        let bin = try PermissionTests.binaryForNobody(m.scratch)
        let r = try m.run(["rewrite"], asNobody: true, binary: bin)
        #expect(r.exitCode == 74, "\(r)")
        #expect(r.stderr.contains("Permission denied") && r.stderr.contains(m.output), "\(r)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: m.output).isEmpty)
        // The run is recorded as failed, and nothing of it can be reverted.
        #expect(try m.run(["rewrite", "--revert"]).exitCode == 66)
    }

    @Test func aDesignatedColumnReceivesAComposedReferencesNewLocation() throws {
        let m = try RewriteMigration("rewrite-column", extraManifest: """
              - name: attachments
                sqlite: records/crm.sqlite
                table: attachments
                key: [id]
                file: 'K:\\{folder}\\{name}'
                rewrite_column: location
            """)
        try RewriteMigration.sql(m.database, """
            CREATE TABLE attachments (id INTEGER PRIMARY KEY, folder TEXT, name TEXT, location VARCHAR(200));
            INSERT INTO attachments VALUES (1, 'Scans', 'scan 1.pdf', NULL), (2, 'Nope', 'gone.pdf', 'old text');
            """)
        try m.prepare()
        let r = try m.run(["rewrite", "--source", "attachments", "--format", "json"])
        #expect(r.exitCode == 0, "\(r)")
        let copy = m.output + "/attachments/crm.sqlite"
        let py = "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print('|'.join(str(v) for r in c.execute('SELECT location FROM attachments ORDER BY id') for v in r))"
        let values = try CLI.runTool(["/usr/bin/env", "python3", "-c", py, copy]).stdout
        #expect(values == #"\\NEWSRV\crm\share\Scans\scan 1.pdf|old text"# + "\n", "\(values)")
        // Without a designated column, the same reference is only in the link table.
        let links = try String(contentsOfFile: m.output + "/links.csv", encoding: .utf8)
        #expect(links.contains("attachments") && links.contains(#"\\NEWSRV\crm\share\Scans\scan 1.pdf"#), "\(links)")
    }

    @Test func aSecondRewriteOfTheSameCatalogIsRefusedWhileOneRuns() throws {
        let m = try RewriteMigration("rewrite-lock")
        try m.prepare()
        // Another process holds the lock, as a running rewrite does.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", """
            import fcntl, sys, time
            f = open(sys.argv[1], 'w'); fcntl.flock(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(30)
            """, m.dir + "/attache.db.rewrite-lock"]
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        defer { holder.terminate(); holder.waitUntilExit() }
        _ = out.fileHandleForReading.availableData   // "locked"
        let r = try m.run(["rewrite"])
        #expect(r.exitCode == 1 && r.stderr.contains("another 'attache rewrite' is running"), "\(r)")
        #expect(!FileManager.default.fileExists(atPath: m.output), "nothing was written")
        holder.terminate(); holder.waitUntilExit()
        #expect(try m.run(["rewrite"]).exitCode == 3)
    }

    private func byKey(_ items: [[String: Any]]) -> [String: [String: Any]] {
        var out: [String: [String: Any]] = [:]
        for i in items { if let k = i["key"] as? String { out[k] = i } }
        return out
    }
}
