import AttacheTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Every CSV attache writes is safe to open in a spreadsheet: legacy names and record values
/// that look like formulas (`=1+1.pdf`, `+x`, `-x`, `@x`) are written as text.
@Suite(.timeLimit(.minutes(2))) struct CSVInjectionTests {
    static let formulaNames = ["=1+1.pdf", "+x", "-x", "@x"]

    /// A share with formula-like names (a duplicate pair, a FIFO and a broken link among them,
    /// so every listing has some) and a CSV source whose keys and file names look like formulas.
    func workspace() throws -> Scratch {
        let s = Scratch("inject")
        try Tree.make(at: s.join("share"), [
            .file("=1+1.pdf", Fixtures.pdf, mtime: 1_400_000_000), .file("+x", Fixtures.pdf, mtime: 1_400_000_000),
            .fifo("-x"), .symlink("@x", to: "=nowhere"), .text("plain.txt", "plain", mtime: 1_400_000_000),
        ])
        try "Id,File\r\n=K1,=1+1.pdf\r\n+K2,@gone.pdf\r\n".write(toFile: s.join("records.csv"), atomically: true, encoding: .utf8)
        try """
            version: 1
            catalog: attache.db
            roots:
              - path: share
            sources:
              - name: '-sheet'
                csv: records.csv
                key: [Id]
                file: '{File}'
                base: share
            """.write(toFile: s.join("attache.yaml"), atomically: true, encoding: .utf8)
        return s
    }

    @Test func everyListingAndTheReviewSheetGuardFormulas() throws {
        let s = try workspace()
        let policies = GoldenTests.repository + "/policies"
        #expect([0, 3].contains(try CLI.run(["scan"], cwd: s.path).exitCode))
        #expect([0, 3].contains(try CLI.run(["refs"], cwd: s.path).exitCode))
        let plan = try CLI.run(["plan", "--policy", policies + "/keep-everything.yaml", "--export", s.join("review.csv")], cwd: s.path)
        #expect([0, 4].contains(plan.exitCode), "\(plan)")

        var outputs: [(String, String)] = []
        for kind in ["files", "duplicates", "problems", "refs", "missing", "orphans", "decisions"] {
            let r = try CLI.run(["list", kind, "--format", "csv"], cwd: s.path)
            #expect(r.exitCode == 0, "\(r)")
            outputs.append((kind, r.stdout))
        }
        let review = try String(contentsOfFile: s.join("review.csv"), encoding: .utf8)
        outputs.append(("review", String(review.drop { $0 == "\u{FEFF}" })))
        for (kind, text) in outputs {
            let rows = parseCSV(text)
            #expect(rows.count > 1, "\(kind): no rows")
            for row in rows {
                for field in row {
                    if let c = field.unicodeScalars.first {
                        #expect(!"=+-@\t\r".unicodeScalars.contains(c), "\(kind): field \(field) starts a formula")
                    }
                }
            }
            // The guard is there (not just the names missing).
            #expect(rows.joined().contains { $0.hasPrefix("'=") || $0.hasPrefix("'+") || $0.hasPrefix("'-") || $0.hasPrefix("'@") },
                    "\(kind): no guarded field")
        }
        let files = parseCSV(outputs[0].1).dropFirst().map { $0[1] }
        for name in Self.formulaNames { #expect(files.contains("'" + name), "\(name) not listed as '\(name)") }
        // JSON stays exact.
        let json = try listItems(try CLI.run(["list", "files", "--format", "json"], cwd: s.path))
        #expect(Set(json.compactMap { $0["path"] as? String }).isSuperset(of: Self.formulaNames))
        let missing = try listItems(try CLI.run(["list", "missing", "--format", "json"], cwd: s.path))
        #expect(missing.contains { $0["raw"] as? String == "@gone.pdf" && $0["key"] as? String == "+K2" })
    }
}

/// `list files` names each file's owner and group (and their ids), which the team needs to
/// rebuild access rights in the new storage.
@Suite(.timeLimit(.minutes(5))) struct OwnerListingTests {
    @Test(.enabled(if: geteuid() == 0, "chown needs root"))
    func aFileGivenToNobodyIsListedAsNobody() throws {
        let w = try Workspace("owner", [.text("mine.txt", "mine"), .text("theirs.txt", "theirs")])
        #expect(chown(w.share + "/theirs.txt", CLI.nobody, CLI.nobody) == 0)
        #expect(try w.scan().exitCode == 0)
        let files = try w.list("files")
        let theirs = try #require(files["theirs.txt"])
        #expect(theirs["owner"] as? String == "nobody")
        #expect(int(theirs["uid"]) == 65534 && int(theirs["gid"]) == 65534)
        let groupName = getgrgid(65534).map { String(cString: $0.pointee.gr_name) } ?? ""
        #expect(theirs["group"] as? String == groupName)
        #expect(files["mine.txt"]?["owner"] as? String == "root" && int(files["mine.txt"]?["uid"]) == 0)

        // A chown is seen by the next scan; the table shows the name.
        #expect(chown(w.share + "/mine.txt", CLI.nobody, CLI.nobody) == 0)
        #expect(try w.scan().exitCode == 0)
        #expect(int(try w.list("files")["mine.txt"]?["uid"]) == 65534)
        let table = try CLI.run(["list", "files", "--catalog", w.catalog], cwd: w.scratch.path)
        #expect(table.stdout.split(separator: "\n").contains { $0.contains("mine.txt") && $0.contains(" nobody") }, "\(table)")
        let csv = parseCSV(try CLI.run(["list", "files", "--format", "csv", "--catalog", w.catalog], cwd: w.scratch.path).stdout)
        #expect(Array(csv[0].suffix(4)) == ["owner", "group", "uid", "gid"])
        #expect(csv.contains { $0[1] == "theirs.txt" && $0.suffix(4) == ["nobody", groupName, "65534", "65534"] })
    }

    @Test func aCatalogWithoutOwnersGetsThemOnTheNextScanWithoutReadingAgain() throws {
        let w = try Workspace("owner-upgrade", [.text("a.txt", "a"), .text("b.txt", "b"), .symlink("link", to: "a.txt")])
        #expect(try w.scan().exitCode == 0)
        // As a catalog from before migration v5-file-owners: the columns exist, empty.
        let sql = "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('UPDATE files SET uid=NULL, gid=NULL'); c.commit()"
        #expect(try CLI.runTool(["/usr/bin/env", "python3", "-c", sql, w.catalog]).exitCode == 0)
        let before = try w.list("files")
        #expect(before["a.txt"]?["uid"] is NSNull && before["a.txt"]?["owner"] as? String == "")
        let again = try w.scan()
        #expect(again.stdout.contains("0 new, 0 changed, 3 unchanged") && again.stdout.contains("Read 0 files"), "\(again)")
        let after = try w.list("files")
        for name in ["a.txt", "b.txt", "link"] {
            #expect(int(after[name]?["uid"]) == Int(getuid()) && int(after[name]?["gid"]) == Int(getgid()), "\(name): \(after[name] ?? [:])")
        }
    }
}
