import AttacheTestSupport
import Foundation
import Testing

/// `attache rewrite` on CSV exports and folders of text/HTML files: the copies keep their
/// dialect, encoding and every byte not replaced; a name the encoding cannot hold fails that
/// record only; revert gives the original bytes back; the SQL scripts, run on the original,
/// give exactly the rewritten copy's values; a tombstone policy replaces dropped files' links.
@Suite(.serialized) struct RewriteFilesTests {
    /// A CSV with `;`, CRLF, a BOM, quoted fields with line breaks and a short record.
    static let csv = "\u{FEFF}id;account;note\r\n"
        + "1;Acme;\"See K:\\Scans\\scan 1.pdf; and \"\"more\"\"\r\nsecond line\"\r\n"
        + "2;Bolt;K:\\Договоры\\АО Вектор\\акт 3.pdf\r\n"
        + "3;short record\r\n"
        + "4;Cobalt;nothing here\r\n"
        + #"5;Delta;"{""doc"": ""K:\\Scans\\scan 1.pdf""}""# + "\r\n"

    static func make(_ label: String, policy: String = RewriteMigration.policy) throws -> RewriteMigration {
        let m = try RewriteMigration(label, policy: policy, extraManifest: """
              - name: export
                csv: records/export.csv
                delimiter: ';'
                key: [id]
                text: [note]
              - name: memos
                text_files: records/memos
                encoding: cp1251
              - name: pages
                text_files: records/pages
            """)
        try Data(csv.utf8).write(to: URL(fileURLWithPath: m.dir + "/records/export.csv"))
        try FileManager.default.createDirectory(atPath: m.dir + "/records/memos", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: m.dir + "/records/pages", withIntermediateDirectories: true)
        // cp1251: a Cyrillic new path fits; a Chinese one cannot be written in it.
        let memo = "Акт: K:\\Договоры\\АО Вектор\\акт 3.pdf\r\nКитай: K:\\Scans\\scan 1.pdf\r\n"
        try Data(memo.data(using: .windowsCP1251)!).write(to: URL(fileURLWithPath: m.dir + "/records/memos/memo.txt"))
        let page = #"<html><body><a href="file:///K:/Contracts/Smith%20&amp;%20Sons%20%234/100%25%20done.pdf">contract</a> "#
            + #"<img src="K:\Old\dropme.tmp"> K:\合同\合同 2019.pdf</body></html>"# + "\n"
        try Data(page.utf8).write(to: URL(fileURLWithPath: m.dir + "/records/pages/page.html"))
        try Data("untouched\n".utf8).write(to: URL(fileURLWithPath: m.dir + "/records/pages/plain.txt"))
        return m
    }

    func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    @Test func csvAndTextCopiesKeepEveryOtherByteAndRevertExactly() throws {
        let m = try Self.make("rewrite-files")
        try m.prepare()
        let originals = ["export.csv", "memos/memo.txt", "pages/page.html", "pages/plain.txt"].map { m.dir + "/records/" + $0 }
        let before = try originals.map(bytes)
        let r = try m.run(["rewrite", "--format", "json"])
        #expect(r.exitCode == 3, "\(r)")
        #expect(try originals.map(bytes) == before)   // sources untouched

        let csvCopy = String(decoding: try bytes(m.output + "/export/export.csv"), as: UTF8.self)
        #expect(csvCopy == "\u{FEFF}id;account;note\r\n"
            + "1;Acme;\"See \\\\NEWSRV\\crm\\share\\Scans\\scan 1.pdf; and \"\"more\"\"\r\nsecond line\"\r\n"
            + "2;Bolt;\\\\NEWSRV\\crm\\share\\Договоры\\АО Вектор\\акт 3.pdf\r\n"
            + "3;short record\r\n"
            + "4;Cobalt;nothing here\r\n"
            // JSON in a field escapes its backslashes: so does the new path.
            + #"5;Delta;"{""doc"": ""\\\\NEWSRV\\crm\\share\\Scans\\scan 1.pdf""}""# + "\r\n", "\(csvCopy)")
        let memo = String(data: Data(try bytes(m.output + "/memos/memo.txt")), encoding: .windowsCP1251)
        #expect(memo == "Акт: \\\\NEWSRV\\crm\\share\\Договоры\\АО Вектор\\акт 3.pdf\r\nКитай: \\\\NEWSRV\\crm\\share\\Scans\\scan 1.pdf\r\n")
        let page = String(decoding: try bytes(m.output + "/pages/page.html"), as: UTF8.self)
        // href: a file: URL stays one (percent-encoded, & escaped); the dropped file is flagged (text kept);
        // HTML text: a bare path.
        #expect(page == #"<html><body><a href="file://NEWSRV/crm/share/Contracts/Smith%20%26%20Sons%20%234/100%25%20done.pdf">contract</a> "#
            + #"<img src="K:\Old\dropme.tmp"> \\NEWSRV\crm\share\合同\合同 2019.pdf</body></html>"# + "\n", "\(page)")
        #expect(try bytes(m.output + "/pages/plain.txt") == before[3])

        #expect(try m.run(["verify", "--references"]).exitCode == 0)
        let back = try m.run(["rewrite", "--revert"])
        #expect(back.exitCode == 0, "\(back)")
        #expect(try bytes(m.output + "/export/export.csv") == before[0])
        #expect(try bytes(m.output + "/memos/memo.txt") == before[1])
        #expect(try bytes(m.output + "/pages/page.html") == before[2])
    }

    @Test func aNameTheEncodingCannotHoldFailsThatRecordOnly() throws {
        let m = try Self.make("rewrite-encoding")
        try m.prepare()
        // A cp1251 file names only what cp1251 holds; what it cannot hold is the new text: an
        // address whose folder is named in Chinese. Both references of the memo fail.
        let manifest = try String(contentsOfFile: m.dir + "/attache.yaml", encoding: .utf8)
            .replacingOccurrences(of: #"address: '\\NEWSRV\crm\'"#, with: #"address: '\\NEWSRV\合同\'"#)
        try manifest.write(toFile: m.dir + "/attache.yaml", atomically: true, encoding: .utf8)
        let r = try m.run(["rewrite", "--source", "memos"])
        #expect(r.exitCode == 3, "\(r)")
        let failed = try m.audit(["--attention"]).filter { $0["outcome"] as? String == "failed" }
        #expect(failed.count == 2, "\(failed)")
        #expect((failed.first?["detail"] as? String ?? "").contains("cp1251"), "\(failed)")
        #expect(try bytes(m.output + "/memos/memo.txt") == bytes(m.dir + "/records/memos/memo.txt"))
    }

    @Test func theSQLScriptGivesExactlyTheRewrittenCopysValues() throws {
        let m = try RewriteMigration("rewrite-sql")
        try m.prepare()
        #expect(try m.run(["rewrite"]).exitCode == 3)
        let r = try m.run(["rewrite", "--sql", "out/changes.sql", "--dialect", "sqlite"])
        #expect(r.exitCode == 3, "\(r)")
        let script = try String(contentsOfFile: m.dir + "/out/changes.sql", encoding: .utf8)
        let revert = try String(contentsOfFile: m.dir + "/out/changes.revert.sql", encoding: .utf8)
        let trial = m.dir + "/trial.sqlite"
        try FileManager.default.copyItem(atPath: m.database, toPath: trial)
        try RewriteMigration.sql(trial, script)
        #expect(try RewriteMigration.rows(trial) == RewriteMigration.rows(m.copy))
        try RewriteMigration.sql(trial, script)          // twice: nothing more changes
        #expect(try RewriteMigration.rows(trial) == RewriteMigration.rows(m.copy))
        try RewriteMigration.sql(trial, revert)
        #expect(try RewriteMigration.rows(trial) == RewriteMigration.rows(m.database))
        // The source was never written.
        #expect(!FileManager.default.fileExists(atPath: m.dir + "/records/crm.sqlite-journal"))
        let mysql = try m.run(["rewrite", "--sql", "out/my.sql", "--dialect", "mysql"])
        #expect(mysql.exitCode == 3, "\(mysql)")
        #expect(try String(contentsOfFile: m.dir + "/out/my.sql", encoding: .utf8).contains("WHERE `id` = '1' AND"))
    }

    @Test func relativeLinksAreRewrittenToTheirFullNewLocation() throws {
        let m = try RewriteMigration("rewrite-relative", extraManifest: """
              - name: wiki
                text_files: records/wiki
                relative_base: 'K:\\'
            """)
        try FileManager.default.createDirectory(atPath: m.dir + "/records/wiki", withIntermediateDirectories: true)
        let page = #"<p>Signed: <a href="Договоры/АО Вектор/акт 3.pdf">act</a>, "#
            + #"the scan is in Scans/scan 1.pdf. Portal: <a href="index.php?module=Documents&amp;record=5">doc</a></p>"# + "\n"
        try Data(page.utf8).write(to: URL(fileURLWithPath: m.dir + "/records/wiki/acme.html"))
        try m.prepare()
        let r = try m.run(["rewrite", "--source", "wiki", "--format", "json"])
        #expect(r.exitCode == 0, "\(r)")
        let copy = String(decoding: try bytes(m.output + "/wiki/acme.html"), as: UTF8.self)
        #expect(copy == #"<p>Signed: <a href="\\NEWSRV\crm\share\Договоры\АО Вектор\акт 3.pdf">act</a>, "#
            + #"the scan is in \\NEWSRV\crm\share\Scans\scan 1.pdf. Portal: <a href="index.php?module=Documents&amp;record=5">doc</a></p>"# + "\n",
            "\(copy)")
        #expect(try m.run(["verify", "--references"]).exitCode == 0)
    }

    @Test func aTombstonePolicyReplacesLinksToDroppedFiles() throws {
        let policy = RewriteMigration.policy + """

            rewrite:
              dropped: tombstone
              tombstone: '[removed: {name}]'
            """
        let m = try Self.make("rewrite-tombstone", policy: policy)
        try m.prepare()
        _ = try m.run(["rewrite"])
        let rows = try RewriteMigration.rows(m.copy)
        #expect(rows[9]?["body"] == "Temp: [removed: dropme.tmp]", "\(String(describing: rows[9]))")
        let page = String(decoding: try bytes(m.output + "/pages/page.html"), as: UTF8.self)
        #expect(page.contains(##"<img src="#attachment-removed">"##), "\(page)")
        let tombstoned = try m.audit().filter { $0["outcome"] as? String == "tombstoned" }
        #expect(tombstoned.count == 2, "\(tombstoned)")
    }
}
