import AttacheModel
import AttacheTestSupport
import Foundation
import Testing

/// `attache scan`, `report` and `list` on real trees, through the binary.
@Suite(.timeLimit(.minutes(2))) struct ScanEndToEndTests {
    // MARK: A migration described by a manifest

    @Test func manifestScanThenReport() throws {
        let s = Scratch("manifest")
        let empty: [UInt8] = []
        let blob = Fixtures.bytes(5000, seed: 7)
        let nodes: [Node] = [
            .file("invoices/2014/1001_Invoice.pdf", Fixtures.pdf),
            .file("customers/Acme/Invoice copy.pdf", Fixtures.pdf),  // duplicate group 1 (2 copies)
            .file("customers/Acme/logo.png", Fixtures.png),
            .file("images/logo-copy.png", Fixtures.png),  // duplicate group 2 (3 copies)
            .file("images/logo-old.png", Fixtures.png),
            .file("photos/scan.jpg", Fixtures.jpeg),
            .file("notes/note.html", Fixtures.html),
            .file("mail/contract.eml", Fixtures.email),
            .file("data/blob.bin", blob),
            .file("empty-1.txt", empty),  // empty files are never duplicates of each other
            .file("empty-2.txt", empty),
        ]
        try Tree.make(at: s.join("share"), nodes)
        try """
        version: 1
        catalog: attache.db
        roots:
          - path: share
        exclude: ['**/.snapshot/**']
        """.write(toFile: s.join("attache.yaml"), atomically: true, encoding: .utf8)

        let scan = try CLI.run(["scan"], cwd: s.path)
        #expect(scan.exitCode == 0, "a clean tree scans with exit 0: \(scan)")
        #expect(count(of: "new", in: scan.stdout) == nodes.count, "\(scan)")
        #expect(count(of: "gone", in: scan.stdout) == 0, "\(scan)")
        #expect(scan.stdout.contains("Read \(nodes.count) files"), "\(scan)")
        #expect(scan.stdout.contains("No problems."), "\(scan)")
        // The manifest's relative catalog is next to the manifest, not in the share.
        #expect(FileManager.default.fileExists(atPath: s.join("attache.db")))

        let text = try CLI.run(["report"], cwd: s.path)
        #expect(text.exitCode == 0, "\(text)")
        let lines = Set(text.stdout.split(separator: "\n").map { String($0) })
        for section in ["Totals", "By category", "Duplicates", "Problems"] {
            #expect(lines.contains(section), "the text report has a '\(section)' section: \(text)")
        }

        // JSON, from another folder: the manifest's relative paths resolve against its own folder.
        let json = try CLI.run(["report", "--format", "json", "--manifest", s.join("attache.yaml")], cwd: "/")
        #expect(json.exitCode == 0, "\(json)")
        let report = try jsonObject(json)
        #expect(report["report"] as? String == "migration")
        #expect(int(report["version"]) == 3)
        #expect(int(value(report, "totals.files")) == nodes.count, "\(json)")
        let bytes = Fixtures.pdf.count * 2 + Fixtures.png.count * 3 + Fixtures.jpeg.count + Fixtures.html.count
            + Fixtures.email.count + blob.count
        #expect(int(value(report, "totals.bytes")) == bytes, "\(json)")
        #expect(value(report, "last_scan.status") as? String == "completed")
        #expect(int(value(report, "duplicates.groups")) == 2, "pdf ×2 and png ×3; empty files are not duplicates: \(json)")
        #expect(int(value(report, "duplicates.files")) == 5, "\(json)")
        #expect(int(value(report, "duplicates.reclaimable_bytes")) == Fixtures.pdf.count + 2 * Fixtures.png.count, "\(json)")
        #expect(int(value(report, "problems.total")) == 0, "\(json)")
        let categories = (report["by_category"] as? [[String: Any]] ?? []).reduce(into: [String: Int]()) {
            $0[$1["label"] as? String ?? "?"] = int($1["files"])
        }
        #expect(categories["pdf"] == 2, "libmagic saw both PDFs: \(categories)")
        #expect(categories["image"] == 4, "3 PNG + 1 JPEG: \(categories)")
        #expect(categories["email"] == 1, "\(categories)")

        // The duplicates listing agrees.
        let dups = try CLI.run(["list", "duplicates", "--format", "json"], cwd: s.path)
        #expect(dups.exitCode == 0, "\(dups)")
        let groups = Set(try listItems(dups).compactMap { int($0["group"]) })
        #expect(groups == [1, 2], "\(dups)")
    }

    // MARK: Quick look: problems

    /// "Отчет.txt" in cp1251: not UTF-8.
    static let cp1251Name: [UInt8] = [0xCE, 0xF2, 0xF7, 0xE5, 0xF2] + Array(".txt".utf8)

    @Test func quickLookRecordsEveryKindOfProblem() throws {
        let nfc = Array("caf\u{E9}.txt".utf8)  // é precomposed
        let nfd = Array("cafe\u{301}.txt".utf8)  // e + combining acute
        #expect(nfc != nfd)
        let w = try Workspace("problems", [
            .text("plain.txt", "plain"),
            .fifo("pipe"),
            .symlink("dangling", to: "nowhere/missing.txt"),
            .symlink("loop", to: "loop"),
            .file(RawPath(bytes: Array("scans/".utf8) + Self.cp1251Name), Array("cp1251 name".utf8)),
            .file(RawPath(bytes: Array("names/".utf8) + nfc), Array("nfc".utf8)),
            .file(RawPath(bytes: Array("names/".utf8) + nfd), Array("nfd".utf8)),
        ])

        // No manifest anywhere: a quick look. The FIFO must not be opened (the time limit catches a hang).
        let r = try w.scan()
        #expect(r.exitCode == 3, "finished with problems: \(r)")
        #expect(!r.timedOut)
        #expect(r.stdout.contains("attache list problems"), "the summary points at the listing: \(r)")
        #expect(!FileManager.default.fileExists(atPath: w.scratch.join("attache.db")), "--catalog was given")

        let problems = try w.problems()
        let codes = Set(problems.map(\.code))
        for code in ["special-file", "broken-symlink", "symlink-loop", "name-not-utf8", "name-lookalike"] {
            #expect(codes.contains(code), "list problems has \(code): \(problems)")
        }
        let escaped = "scans/\\xCE\\xF2\\xF7\\xE5\\xF2.txt"
        #expect(problems.contains { $0.path == "pipe" && $0.code == "special-file" }, "\(problems)")
        #expect(problems.contains { $0.path == "dangling" && $0.code == "broken-symlink" }, "\(problems)")
        #expect(problems.contains { $0.path == "loop" && $0.code == "symlink-loop" }, "\(problems)")
        #expect(problems.contains { $0.path == escaped && $0.code == "name-not-utf8" }, "\(problems)")
        #expect(problems.contains { $0.path.hasPrefix("names/caf") && $0.code == "name-lookalike" }, "\(problems)")

        let csv = try CLI.run(["list", "files", "--format", "csv", "--catalog", w.catalog], cwd: w.scratch.path)
        #expect(csv.exitCode == 0, "\(csv)")
        #expect(csv.stdout.hasPrefix(
            "root,path,kind,size,mtime,sha256,mime,category,extension_mismatch,status,problem,problem_detail,owner,group,uid,gid\r\n"),
            "the documented header, CRLF line ends: \(csv)")
        let records = parseCSV(csv.stdout)
        let header = try #require(records.first)
        let rows = records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
        let undecodable = try #require(rows.first { $0["path"] == escaped }, "the cp1251 name is listed as \(escaped): \(csv)")
        #expect(undecodable["sha256"]?.count == 64, "a name that is not UTF-8 is still read: \(undecodable)")
        #expect(undecodable["status"] == "ok", "\(undecodable)")
        #expect(undecodable["problem"] == "name-not-utf8", "\(undecodable)")
        let pipe = try #require(rows.first { $0["path"] == "pipe" }, "\(csv)")
        #expect(pipe["kind"] == "fifo" && pipe["sha256"] == "", "a FIFO is listed, never read: \(pipe)")
        // Both NFC/NFD twins are kept, distinct.
        #expect(rows.filter { ($0["path"] ?? "").hasPrefix("names/caf") }.count == 2, "\(csv)")
        #expect(rows.allSatisfy { $0.count == header.count }, "every record has every field: \(csv)")
    }

    @Test func csvQuotesNamesWithCommasQuotesSpacesAndLineBreaks() throws {
        let w = try Workspace("csv", [
            .text("a,b \"c\".txt", "comma and quote"),
            .text(" leading space.txt", "space"),
            .text("line\nbreak.txt", "newline"),
            .text("plain.txt", "plain"),
        ])
        let scan = try w.scan()
        #expect(scan.exitCode == 0 || scan.exitCode == 3, "\(scan)")
        let csv = try CLI.run(["list", "files", "--format", "csv", "--catalog", w.catalog], cwd: w.scratch.path)
        #expect(csv.exitCode == 0, "\(csv)")
        #expect(csv.stdout.contains(",\"a,b \"\"c\"\".txt\",regular,"), "comma and quote: quoted, quote doubled: \(csv)")
        #expect(csv.stdout.contains(",\" leading space.txt\",regular,"), "leading space: quoted: \(csv)")
        #expect(csv.stdout.contains(",\"line\nbreak.txt\",regular,"), "line break: quoted: \(csv)")
        #expect(csv.stdout.contains(",plain.txt,regular,"), "a plain name is not quoted: \(csv)")
        let records = parseCSV(csv.stdout)
        #expect(records.count == 5, "header + 4 files, each one record: \(records)")
        let paths = Set(records.dropFirst().map { $0.count > 1 ? $0[1] : "" })
        #expect(paths == ["a,b \"c\".txt", " leading space.txt", "line\nbreak.txt", "plain.txt"], "\(records)")
    }

    @Test func aSymlinkToAFileIsOnlyANote() throws {
        let w = try Workspace("symlink", [.text("target.txt", "t"), .symlink("link.txt", to: "target.txt")])
        let r = try w.scan()
        #expect(r.exitCode == 0, "an info finding does not change the exit code: \(r)")
        let files = try w.list("files")
        #expect(files["link.txt"]?["kind"] as? String == "symlink", "\(files)")
        #expect(files["link.txt"]?["sha256"] is NSNull, "a symlink is never followed: \(files)")
    }

    // MARK: Incremental

    @Test func rescanReadsOnlyWhatChangedAndKeepsWhatIsGone() throws {
        let w = try Workspace("incremental", [
            .text("a.txt", "alpha", mtime: 1_400_000_000),
            .text("b.txt", "bravo", mtime: 1_400_000_000),
            .text("sub/c.txt", "charlie", mtime: 1_400_000_000),
            .text("sub/d.txt", "delta", mtime: 1_400_000_000),
        ])
        let first = try w.scan()
        #expect(first.exitCode == 0, "\(first)")
        #expect(count(of: "new", in: first.stdout) == 4, "\(first)")

        let second = try w.scan()
        #expect(second.exitCode == 0, "\(second)")
        #expect(second.stdout.contains("0 new, 0 changed, 4 unchanged"), "\(second)")
        #expect(second.stdout.contains("Read 0 files"), "an unchanged tree is not read again: \(second)")

        // Change one file (new content, size and mtime), delete another.
        try Tree.make(at: w.share, [.text("a.txt", "alpha, edited", mtime: 1_500_000_000)])
        #expect(unlink(w.share + "/sub/d.txt") == 0)
        let third = try w.scan()
        #expect(third.exitCode == 0, "\(third)")
        #expect(count(of: "changed", in: third.stdout) == 1, "\(third)")
        #expect(count(of: "gone", in: third.stdout) == 1, "\(third)")
        #expect(count(of: "unchanged", in: third.stdout) == 2, "\(third)")
        #expect(count(of: "new", in: third.stdout) == 0, "\(third)")
        #expect(third.stdout.contains("Read 1 file"), "only the changed file is read: \(third)")

        let present = try w.list("files")
        #expect(Set(present.keys) == ["a.txt", "b.txt", "sub/c.txt"], "\(present.keys)")
        let all = try w.list("files", all: true)
        #expect(all["sub/d.txt"]?["status"] as? String == "gone", "the deleted file stays as history: \(all)")
        let edited = try sha256sum([w.share + "/a.txt"])[w.share + "/a.txt"]
        #expect(all["a.txt"]?["sha256"] as? String == edited, "the changed file was re-hashed")
        #expect(all["a.txt"]?["status"] as? String == "ok")
    }

    // MARK: Output hygiene

    @Test func noProgressEscapesWhenStderrIsNotATerminal() throws {
        let w = try Workspace("noescape", (0..<20).map { .file("f\($0).bin", Fixtures.bytes(4096, seed: UInt64($0))) })
        let r = try w.scan()
        #expect(r.exitCode == 0, "\(r)")
        #expect(!r.stderr.contains("\u{1B}["), "no terminal escapes on a pipe: \(r)")
        #expect(!r.stdout.contains("\u{1B}["), "\(r)")
        #expect(r.stderr.isEmpty, "a clean scan prints nothing but errors on stderr: \(r)")

        // --quiet: no summary either.
        let quiet = try w.scan(["--quiet"])
        #expect(quiet.exitCode == 0, "\(quiet)")
        #expect(quiet.stdout.isEmpty && quiet.stderr.isEmpty, "\(quiet)")
    }
}
