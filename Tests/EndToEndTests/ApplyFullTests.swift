import AttacheModel
import AttacheTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A whole apply on a realistic legacy tree: every file where the plan says, archives that
/// three different tools read, the sources untouched, and applying again doing nothing.
@Suite(.timeLimit(.minutes(3))) struct ApplyFullTests {
    /// 2009-06-15, 2011-03-01 (archived by `policy`) and 2023-11-14 (kept).
    static let old2009 = 1_245_024_000, old2011 = 1_298_937_600, recent = 1_700_000_000
    /// "résumé" in Latin-1: not UTF-8.
    static let latin1: [UInt8] = [0x72, 0xE9, 0x73, 0x75, 0x6D, 0xE9]

    /// Two roots, nested folders, a non-UTF-8 name (kept, and one archived), duplicates (kept
    /// and archived), a FIFO and a broken symlink, old files the policy archives.
    static func realistic(_ label: String) throws -> Migration {
        let contract = Fixtures.pdf + Fixtures.bytes(5_000, seed: 1)
        let scan = Fixtures.jpeg + Fixtures.bytes(40_000, seed: 2)
        return try Migration(label, [
            ("crm", [
                .file("Contracts/Acme Trading/Contract 2014.pdf", contract, mtime: recent),
                .file("Contracts/Acme Trading/Copy of Contract 2014.pdf", contract, mtime: recent + 60),
                .file("Photos/2019/logo.png", Fixtures.png, mtime: recent),
                .file("Notes/a/b/c/d/note.txt", Fixtures.text("a note five folders down\n"), mtime: recent),
                .file(RawPath(bytes: Array("Lettres/".utf8) + latin1 + Array(".txt".utf8)), Fixtures.text("lettre\n"), mtime: recent),
                .file(RawPath(bytes: Array("Old/".utf8) + latin1 + Array("-2009.txt".utf8)), Fixtures.bytes(3_000, seed: 3), mtime: old2009),
                .file("Old/scan-2009.jpg", scan, mtime: old2009),
                .file("Old/again/scan-2009 (copy).jpg", scan, mtime: old2009),
                .file("Old/report-2011.pdf", Fixtures.pdf + Fixtures.bytes(8_000, seed: 4), mtime: old2011),
                .fifo("spool/queue"),
                .symlink("links/dangling.pdf", to: "/nonexistent/attache-target.pdf"),
            ]),
            ("mail", [
                .file("2015/msg-1.eml", Fixtures.email, mtime: recent),
                .file("2016/big.bin", Fixtures.bytes(300_000, seed: 5), mtime: recent),
                .file("2009/msg-old.eml", Fixtures.email + Fixtures.text("old\n"), mtime: old2009),
            ]),
        ])
    }

    static func policy(format: String) -> String {
        """
        version: 1
        name: Test policy
        layout: '{root}/{relpath}'
        rules:
          - name: archive-old
            when: { modified: { before: 2015-01-01 } }
            action: archive
        default: keep
        archive: { format: \(format), grouping: '{root}/{year}', naming: '_archive/{group}-{volume}' }
        """
    }

    @Test func everyFileLandsWhereThePlanSaysAndTheSourcesAreUntouched() throws {
        let m = try Self.realistic("apply-full")
        try m.scan()
        try m.plan(Self.policy(format: "tar.zst"))
        let before = SourceManifest(m.roots)

        let r = try m.apply()
        #expect(r.exitCode == 3, "unmovable files are listed: exit 3: \(r)")
        let json = try jsonObject(r)
        #expect(json["stopped"] is NSNull, "\(r)")
        #expect(tally(json, "copy").files == 7, "\(r)")
        #expect(tally(json, "members").files == 5, "\(r)")
        #expect(tally(json, "archives").files == 3, "three groups: crm/2009, crm/2011, mail/2009: \(r)")
        #expect(tally(json, "skipped").files == 0 && (json["skipped"] as? [Any])?.isEmpty == true, "\(r)")
        let unmovable = (json["unmovable"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
        #expect(unmovable.count == 2 && unmovable.contains { $0.hasSuffix("spool/queue") }
                && unmovable.contains { $0.hasSuffix("links/dangling.pdf") }, "\(r)")

        try expectTargetMatchesPlan(m)
        let mapping = try m.mapping()
        #expect(mapping.filter { $0.placement == .dropped(rule: "unmovable") }.count == 2, "\(mapping.map(\.placement))")
        let after = SourceManifest(m.roots)
        #expect(after == before, "sources changed: \(before.differences(after))")

        // Each archive reads with bsdtar and GNU tar; the archived non-UTF-8 name comes back byte for byte.
        let archives = m.targetFiles().keys.map(\.display).filter { $0.hasSuffix(".tar.zst") }.sorted()
        #expect(archives.count == 3, "\(archives)")
        for a in archives {
            let bsd = try ArchiveTools.bsdtarList(m.target + "/" + a), gnu = try ArchiveTools.gnuTarList(m.target + "/" + a)
            #expect(bsd.exitCode == 0 && gnu.exitCode == 0, "\(bsd)\n\(gnu)")
            #expect(ArchiveTools.lines(gnu.stdoutBytes).contains(Array("manifest-sha256.txt".utf8)), "\(gnu)")
            #expect(ArchiveTools.lines(bsd.stdoutBytes).count == ArchiveTools.lines(gnu.stdoutBytes).count, "\(bsd)\n\(gnu)")
        }
        let crm2009 = try #require(archives.first { $0.contains("crm") && $0.contains("2009") })
        let oldName = Array("crm/Old/".utf8) + Self.latin1 + Array("-2009.txt".utf8)
        #expect(ArchiveTools.lines(try ArchiveTools.gnuTarList(m.target + "/" + crm2009).stdoutBytes).contains(oldName),
                "GNU tar lists the raw name")
        let out = m.scratch.join("x")
        #expect(try ArchiveTools.extract(m.target + "/" + crm2009, into: out).exitCode == 0)
        #expect(RawTree.contents(RawPath(out).appending(RawPath(bytes: oldName))) == Fixtures.bytes(3_000, seed: 3))
        // The kept non-UTF-8 name: in the mapping with its raw bytes.
        #expect(mapping.contains { $0.path.bytes == Array("Lettres/".utf8) + Self.latin1 + Array(".txt".utf8) && $0.placement.kind == .placed })

        // Applying an applied plan does nothing.
        let snapshot = RawTree.snapshot(m.target)
        let again = try m.apply()
        #expect(again.exitCode == 3, "\(again)")
        let j = try jsonObject(again)
        for key in ["copy", "archives", "members", "remove", "skipped"] { #expect(tally(j, key).files == 0, "\(key): \(again)") }
        #expect(tally(j, "in_place").files == 7 && tally(j, "archives_in_place").files == 3, "\(again)")
        #expect(RawTree.snapshot(m.target) == snapshot, "the target is not touched")
    }

    /// A legacy name holding terminal control characters (ESC, carriage return) is shown with
    /// them written out: apply's messages cannot clear or recolour the reader's screen.
    @Test func namesWithControlCharactersAreShownWrittenOut() throws {
        let evil = "Notes/evil\u{1B}[2J\u{1B}[31mred\rname.txt"
        let m = try Migration("apply-controls", [("crm", [.file(RawPath(evil), Fixtures.text("x\n"), mtime: Self.recent)])])
        try m.scan()
        try m.plan("version: 1\nname: t\nlayout: '{root}/{relpath}'\ndefault: keep\n")
        try FileManager.default.createDirectory(atPath: m.target, withIntermediateDirectories: false)
        let text = try m.run(["apply", "--to", m.target, "--dry-run"])
        #expect(text.exitCode == 0, "\(text)")
        #expect(text.stdout.contains("First actions"), "\(text)")
        #expect(!text.stdout.unicodeScalars.contains { $0.value == 0x1B || $0 == "\r" }, "\(text.stdout)")
        #expect(!text.stderr.unicodeScalars.contains { $0.value == 0x1B }, "\(text.stderr)")
        let missing = try m.run(["scan", "--catalog", m.catalog, m.root("nowhere\u{1B}[2J")])
        #expect(missing.exitCode != 0 && missing.stderr.contains("nowhere\\x1B[2J"), "\(missing)")
        #expect(!missing.stderr.unicodeScalars.contains { $0.value == 0x1B }, "\(missing.stderr)")
    }

    @Test func aDryRunListsTheFirstActionsAndChangesNothing() throws {
        let m = try Self.realistic("apply-dry")
        try m.scan()
        try m.plan(Self.policy(format: "tar.zst"))
        try FileManager.default.createDirectory(atPath: m.target, withIntermediateDirectories: false)
        let catalogBefore = try Data(contentsOf: URL(fileURLWithPath: m.catalog))
        let r = try m.apply(["--dry-run", "--first", "4"])
        #expect(r.exitCode == 0, "\(r)")
        let json = try jsonObject(r)
        #expect(json["dry_run"] as? Bool == true)
        #expect(tally(json, "copy").files == 7 && tally(json, "archives").files == 3, "\(r)")
        let actions = json["first_actions"] as? [[String: Any]] ?? []
        #expect(actions.count == 4, "\(r)")
        #expect(actions.allSatisfy { ["copy", "archive"].contains($0["action"] as? String ?? "") }, "\(r)")
        #expect(RawTree.snapshot(m.target).isEmpty, "a dry run writes nothing in the target")
        #expect(try Data(contentsOf: URL(fileURLWithPath: m.catalog)) == catalogBefore, "nor in the catalog")
        let text = try m.run(["apply", "--to", m.target, "--dry-run"])
        #expect(text.exitCode == 0 && text.stdout.contains("nothing is changed") && text.stdout.contains("First actions"), "\(text)")
    }

    @Test func aZipPolicyWritesArchivesUnzipReads() throws {
        let m = try Self.realistic("apply-zip")
        try m.scan()
        try m.plan(Self.policy(format: "zip"))
        let r = try m.apply()
        #expect(r.exitCode == 3, "\(r)")
        try expectTargetMatchesPlan(m)
        let archives = m.targetFiles().keys.map(\.display).filter { $0.hasSuffix(".zip") }.sorted()
        #expect(archives.count == 3, "\(archives)")
        for a in archives {
            let list = try CLI.runTool(["/usr/bin/unzip", "-l", m.target + "/" + a])
            #expect(list.exitCode == 0 && list.stdout.contains("manifest-sha256.txt"), "\(list)")
            let test = try CLI.runTool(["/usr/bin/unzip", "-t", m.target + "/" + a])
            #expect(test.exitCode == 0, "every member's CRC checks: \(test)")
        }
    }
}
