import AttacheTestSupport
import Foundation
import Testing

/// The command line a user meets first: help, usage errors, `init`, manifest errors and the
/// reading commands without a catalog. Each test runs the real binary in its own scratch folder.
@Suite(.timeLimit(.minutes(2))) struct CommandLineTests {
    @Test func helpTeachesExitCodesAndTheQuickLook() throws {
        let s = Scratch("help")
        // Help is wrapped to the terminal's width: compare with runs of white space made one space.
        func flat(_ text: String) -> String { text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }
        let top = try CLI.run(["--help"], cwd: s.path)
        #expect(top.exitCode == 0, "\(top)")
        for needle in ["Exit codes", "130 interrupted", "66 input missing", "3 finished with problems",
                       "attache scan /mnt/share", "attache init", "scan", "report", "list"] {
            #expect(flat(top.stdout).contains(needle), "attache --help should mention '\(needle)': \(top)")
        }

        let scan = try CLI.run(["scan", "--help"], cwd: s.path)
        #expect(scan.exitCode == 0, "\(scan)")
        for needle in ["Exit:", "3 finished with problems", "66", "130", "attache scan /mnt/share", "--catalog",
                       "--exclude", "--workers", "--quiet"] {
            #expect(flat(scan.stdout).contains(needle), "attache scan --help should mention '\(needle)': \(scan)")
        }
    }

    @Test func unknownOptionIsAUsageError() throws {
        let s = Scratch("usage")
        for args in [["--bogus"], ["scan", "--bogus"], ["report", "--format", "xml"], ["frobnicate"]] {
            let r = try CLI.run(args, cwd: s.path)
            #expect(r.exitCode == 64, "\(r)")
            #expect(!r.stderr.isEmpty, "a usage error says what is wrong: \(r)")
        }
    }

    @Test func initWritesAManifestThatParsesAndNeverOverwritesWithoutForce() throws {
        let s = Scratch("init")
        let manifest = s.join("attache.yaml")

        let first = try CLI.run(["init"], cwd: s.path)
        #expect(first.exitCode == 0, "\(first)")
        let template = try #require(FileManager.default.contents(atPath: manifest), "init wrote no attache.yaml")
        #expect(String(decoding: template, as: UTF8.self).contains("version: 1"))

        // The untouched template parses (a manifest error would be 65); its placeholder root is missing: 66.
        let scan = try CLI.run(["scan"], cwd: s.path)
        #expect(scan.exitCode == 66, "\(scan)")
        #expect(scan.stderr.contains("/mnt/legacy/fileserver"), "the error names the missing root: \(scan)")

        // A second init without --force refuses and leaves the (edited) file alone.
        let edited = Data("# my edits\n".utf8) + template
        try edited.write(to: URL(fileURLWithPath: manifest))
        let again = try CLI.run(["init"], cwd: s.path)
        #expect(again.exitCode == 1, "\(again)")
        #expect(again.stderr.contains("--force"), "the refusal says how to overwrite: \(again)")
        #expect(FileManager.default.contents(atPath: manifest) == edited, "init without --force changed the file")

        // --force overwrites with the template.
        let forced = try CLI.run(["init", "--force"], cwd: s.path)
        #expect(forced.exitCode == 0, "\(forced)")
        #expect(FileManager.default.contents(atPath: manifest) == template)

        // init FILE writes elsewhere.
        let named = try CLI.run(["init", "other.yaml"], cwd: s.path)
        #expect(named.exitCode == 0, "\(named)")
        #expect(FileManager.default.contents(atPath: s.join("other.yaml")) == template)
    }

    /// A scan that stops before it starts (its root is missing) leaves no catalog behind, so a
    /// following `report` still says "no catalog: run 'attache scan' first" (66) instead of
    /// showing an empty inventory with exit 0.
    @Test func scanOfAMissingRootLeavesNoCatalog() throws {
        let s = Scratch("noroot")
        let r = try CLI.run(["scan", s.join("not-there"), "--catalog", "c.db"], cwd: s.path)
        #expect(r.exitCode == 66, "\(r)")
        #expect(r.stderr.contains(s.join("not-there")), "the error names the root: \(r)")
        #expect(!FileManager.default.fileExists(atPath: s.join("c.db")), "a scan that never started created a catalog")
        let report = try CLI.run(["report", "--catalog", "c.db"], cwd: s.path)
        #expect(report.exitCode == 66, "report after a scan that never started: \(report)")
    }

    @Test func unknownKeyIsReportedAtItsLineAndColumnWithASuggestion() throws {
        let s = Scratch("badkey")
        try Tree.make(at: s.join("share"), [.text("a.txt", "a")])
        try """
        version: 1
        catalog: attache.db
        roots:
          - path: share
            alias: ['K:\\']
        """.write(toFile: s.join("attache.yaml"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["scan"], cwd: s.path)
        #expect(r.exitCode == 65, "\(r)")
        #expect(r.stderr.hasPrefix("attache.yaml:5:5: error:"), "located at the key 'alias' (line 5, column 5): \(r)")
        #expect(r.stderr.contains("alias"), "\(r)")
        #expect(r.stderr.contains("did you mean 'aliases'"), "\(r)")
        #expect(r.stderr.split(separator: "\n").count == 1, "one line, no stack trace: \(r)")
        #expect(!FileManager.default.fileExists(atPath: s.join("attache.db")), "an invalid manifest must not create a catalog")

        // The same at the top level, through --manifest from another folder.
        try "version: 1\nrots:\n  - path: share\n".write(toFile: s.join("top.yaml"), atomically: true, encoding: .utf8)
        let top = try CLI.run(["scan", "--manifest", "top.yaml"], cwd: s.path)
        #expect(top.exitCode == 65, "\(top)")
        #expect(top.stderr.hasPrefix("top.yaml:2:1: error:"), "\(top)")
        #expect(top.stderr.contains("did you mean 'roots'"), "\(top)")
    }

    @Test func newerManifestVersionIsRefused() throws {
        let s = Scratch("version")
        try Tree.make(at: s.join("share"), [.text("a.txt", "a")])
        try "version: 99\nroots:\n  - path: share\n".write(toFile: s.join("attache.yaml"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["scan"], cwd: s.path)
        #expect(r.exitCode == 65, "\(r)")
        #expect(r.stderr.hasPrefix("attache.yaml:1:10: error:"), "\(r)")
        #expect(r.stderr.contains("99") && r.stderr.contains("upgrade attache"), "\(r)")
        #expect(!FileManager.default.fileExists(atPath: s.join("attache.db")))
    }

    @Test func missingManifestExits66AndPointsAtInit() throws {
        let s = Scratch("nomanifest")
        let r = try CLI.run(["scan"], cwd: s.path)
        #expect(r.exitCode == 66, "\(r)")
        #expect(r.stderr.contains("attache init"), "the hint says how to get a manifest: \(r)")
        #expect(r.stderr.contains("attache.yaml"), "\(r)")

        let named = try CLI.run(["scan", "--manifest", "elsewhere.yaml"], cwd: s.path)
        #expect(named.exitCode == 66, "\(named)")
        #expect(named.stderr.contains("elsewhere.yaml"), "\(named)")
        #expect(!FileManager.default.fileExists(atPath: s.join("attache.db")))
    }

    @Test func badExcludePatternIsAUsageError() throws {
        let s = Scratch("exclude")
        try Tree.make(at: s.join("share"), [.text("a.txt", "a")])
        let r = try CLI.run(["scan", "share", "--exclude", "[ab", "--catalog", "c.db"], cwd: s.path)
        #expect(r.exitCode == 64, "\(r)")
        #expect(r.stderr.contains("[ab"), "the error names the pattern: \(r)")
        #expect(!FileManager.default.fileExists(atPath: s.join("c.db")), "a usage error must not create a catalog")
    }

    @Test func readingCommandsWithoutACatalogExit66AndSuggestAScan() throws {
        let s = Scratch("nocatalog")
        let missing = s.join("none.db")
        for args in [["report"], ["report", "--format", "json"], ["list", "files"], ["list", "problems", "--format", "csv"]] {
            let named = try CLI.run(args + ["--catalog", missing], cwd: s.path)
            #expect(named.exitCode == 66, "\(named)")
            #expect(named.stderr.contains(missing), "the message names the path: \(named)")
            #expect(named.stderr.contains("attache scan"), "the message suggests a scan: \(named)")
            #expect(named.stdout.isEmpty, "no half-written output: \(named)")
        }
        // The default catalog, in a folder without a manifest.
        let plain = try CLI.run(["report"], cwd: s.path)
        #expect(plain.exitCode == 66, "\(plain)")
        #expect(plain.stderr.contains("attache.db") && plain.stderr.contains("attache scan"), "\(plain)")
        #expect(!FileManager.default.fileExists(atPath: missing), "report must not create a catalog")
        #expect(!FileManager.default.fileExists(atPath: s.join("attache.db")), "report must not create a catalog")
    }

    @Test func reportWritesTheHTMLPageToItsOutFile() throws {
        let s = Scratch("html-out")
        try Tree.make(at: s.join("share"), [.text("a.txt", "a"), .text("b/c.txt", "bc")])
        #expect(try CLI.run(["scan", "share", "--catalog", "c.db", "--quiet"], cwd: s.path).exitCode == 0)
        let r = try CLI.run(["report", "--format", "html", "--out", "report.html", "--catalog", "c.db"], cwd: s.path)
        #expect(r.exitCode == 0 && r.stdout.isEmpty, "\(r)")
        let page = try String(contentsOfFile: s.join("report.html"), encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.hasSuffix("</html>\n"))
        #expect(page.contains("<span data-json=\"/totals/files\" data-value=\"2\" data-format=\"count\">2</span>"))
        #expect(page.contains("Not run yet — run <code>attache refs</code>"))
        let bad = try CLI.run(["report", "--format", "html", "--out", s.join("no/such/dir/r.html"), "--catalog", "c.db"], cwd: s.path)
        #expect(bad.exitCode == 74, "\(bad)")
    }

    @Test func unknownListingKindIsAUsageError() throws {
        let s = Scratch("listkind")
        let r = try CLI.run(["list", "bogus"], cwd: s.path)
        #expect(r.exitCode == 64, "\(r)")
        #expect(r.stderr.contains("files") && r.stderr.contains("problems"), "the error lists the kinds: \(r)")
    }
}
