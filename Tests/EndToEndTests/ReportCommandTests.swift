import AttacheTestSupport
import Foundation
import Testing

/// `attache report` after a whole migration: every section's figures agree with the stages'
/// own listings, the file given with --out is written whole or not at all, colour only on a
/// terminal.
@Suite(.timeLimit(.minutes(3))) struct ReportCommandTests {
    @Test func theReportAgreesWithTheListingsAfterAWholeMigration() throws {
        let m = try RewriteMigration("report-all")
        #expect(try m.run(["run", "-q"]).exitCode == 3)
        let r = try m.run(["report", "--format", "json"])
        #expect(r.exitCode == 0, "\(r)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(doc["version"] as? Int == 3)

        // References by source add up to the totals the inventory part shows.
        let sources = try #require(doc["sources"] as? [[String: Any]])
        let refs = try #require(doc["references"] as? [String: Any])
        let byStatus = try #require(refs["by_status"] as? [String: Int])
        let notes = try #require(sources.first { $0["name"] as? String == "notes" })
        #expect(notes["by_status"] as? [String: Int] == byStatus.merging(["special": 0, "unreadable": 0, "ambiguous": 0]) { a, _ in a })
        #expect(notes["not_resolved"] as? Int == refs["not_resolved"] as? Int)
        let missing = try m.run(["list", "missing", "--format", "csv"])  // CSV rows end in CRLF
        let unresolved = try #require(doc["unresolved"] as? [String: Any])
        let top = try #require(unresolved["top"] as? [[String: Any]])
        #expect(top.reduce(0) { $0 + ($1["references"] as? Int ?? 0) } == missing.stdout.split(whereSeparator: \.isNewline).count - 1)

        // The plan's actions, the mapping's placements, the rewrite's outcomes: as their listings count them.
        let plan = try #require(doc["plan"] as? [String: Any])
        let summary = try #require(plan["summary"] as? [String: Any])
        let actions = try #require(summary["by_action"] as? [String: [String: Int]])
        let decisions = try m.run(["list", "decisions", "--format", "csv"]).stdout.split(whereSeparator: \.isNewline).dropFirst()
        #expect(actions["archive"]?["files"] == decisions.filter { $0.contains(",archive,") }.count)
        #expect(actions["drop"]?["files"] == decisions.filter { $0.contains(",drop,") }.count)
        let relocation = try #require(doc["relocation"] as? [String: Any])
        let placement = try #require(relocation["by_placement"] as? [String: [String: Int]])
        let listing = try m.run(["list", "mapping", "--format", "json"]).stdout
        let mapping = try #require(try JSONSerialization.jsonObject(with: Data(listing.utf8)) as? [String: Any])["items"] as? [[String: Any]]
        let files = try #require(mapping)
        #expect(placement.values.reduce(0) { $0 + ($1["files"] ?? 0) } == files.count)
        #expect(placement["archived"]?["files"] == files.filter { $0["placement"] as? String == "archived" }.count)
        #expect(relocation["failed_steps"] as? Int == 0)
        let verify = try #require(doc["verify"] as? [String: Any])
        let target = try #require(verify["target"] as? [String: Any])
        #expect(target["ok"] as? Bool == true && (target["checked"] as? Int ?? 0) > 0)
        let rewrite = try #require(doc["rewrite"] as? [String: Any])
        let totals = try #require(rewrite["totals"] as? [String: Int])
        let edits = try m.run(["list", "rewrites", "--format", "csv"]).stdout.split(whereSeparator: \.isNewline).dropFirst()
        #expect(totals.values.reduce(0, +) == edits.count)
        #expect(totals["rewritten"] == edits.filter { $0.contains(",rewritten,") }.count)
        #expect((verify["references"] as? [String: Any])?["ok"] as? Bool == true)

        // The text: every section, within 80 columns, no colour on a pipe.
        let text = try m.run(["report"])
        #expect(text.exitCode == 0)
        for section in ["Totals", "References by source", "Paths that lead nowhere", "Plan", "Relocation", "Rewrite"] {
            #expect(text.stdout.contains("\n\(section)"), "missing \(section)")
        }
        #expect(!text.stdout.contains("\u{1B}["))
        for line in text.stdout.split(separator: "\n") {
            #expect(line.count <= 80, "\(line.count) columns: \(line)")
        }
    }

    @Test func aReportThatCannotBeWrittenLeavesNothing() throws {
        let m = try RewriteMigration("report-out")
        try m.prepare()
        let out = m.dir + "/reports/report.html"
        let r = try m.run(["report", "--format", "html", "--out", out])
        #expect(r.exitCode == 74, "\(r)")
        #expect(r.stderr.contains("cannot write the report to \(out)"), "\(r)")
        #expect(!FileManager.default.fileExists(atPath: m.dir + "/reports"))
        try FileManager.default.createDirectory(atPath: m.dir + "/reports", withIntermediateDirectories: false)
        #expect(try m.run(["report", "--format", "html", "--out", out]).exitCode == 0)
        let page = try String(contentsOfFile: out, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.hasSuffix("</html>\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: m.dir + "/reports") == ["report.html"], "no temporary file left")
        let none = try CLI.run(["report", "--catalog", m.dir + "/nothing.db"], cwd: m.dir)
        #expect(none.exitCode == 66, "\(none)")
    }
}
