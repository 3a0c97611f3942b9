import AttacheTestSupport
import Foundation
import Testing

/// One definition of each count, shared by every command: on the demo migration (which has
/// missing, ambiguous and special references, unreferenced files and files referenced only
/// by deleted records), `attache refs`, `attache report` (text and JSON) and `attache
/// explain` print the same "not resolved" and "orphans" numbers, and those are the row counts
/// of `attache list missing` and `attache list orphans`.
@Suite(.timeLimit(.minutes(3))) struct CountsAgreeTests {
    @Test func refsReportExplainAndListingsCountTheSame() throws {
        let scratch = Scratch("counts")
        let dir = try Self.demo(scratch)
        _ = try CLI.run(["scan"], cwd: dir)
        let refs = try CLI.run(["refs"], cwd: dir)
        #expect(refs.exitCode == 3, "the demo has references that do not resolve: \(refs)")

        // The listings: what each count must equal.
        let missing = try listItems(try CLI.run(["list", "missing", "--format", "json"], cwd: dir))
        let orphans = try listItems(try CLI.run(["list", "orphans", "--format", "json"], cwd: dir))
        let unreferenced = orphans.filter { $0["why"] as? String == "unreferenced" }.count
        let deletedOnly = orphans.filter { $0["why"] as? String == "deleted-records-only" }.count
        let byStatus = Dictionary(grouping: missing) { $0["status"] as? String ?? "?" }.mapValues(\.count)
        // The demo exercises every part of both definitions (else the comparison proves little).
        #expect(byStatus["missing", default: 0] > 0 && byStatus["ambiguous", default: 0] > 0 && byStatus["special", default: 0] > 0)
        #expect(unreferenced > 0 && deletedOnly > 0)

        // attache refs
        let r = refs.stdout
        #expect(Self.number(in: r, #"([0-9,]+) not resolved \("#) == missing.count, "\(r)")
        let breakdown = ["missing", "ambiguous", "special", "unreadable"].compactMap { s in byStatus[s].map { "\($0) \(s)" } }
        #expect(r.contains("not resolved (" + breakdown.joined(separator: ", ") + ")"), "\(r)")
        #expect(Self.number(in: r, #"([0-9,]+) orphans \("#) == orphans.count, "\(r)")
        #expect(r.contains("(\(unreferenced) unreferenced, \(deletedOnly) referenced only by deleted records)"), "\(r)")
        #expect(Self.number(in: r, #"Not resolved: ([0-9,]+) references"#) == missing.count, "\(r)")

        // attache report (text)
        let text = try CLI.run(["report"], cwd: dir).stdout.replacingOccurrences(of: "\n    ", with: " ")  // unwrapped (80 columns)
        #expect(Self.number(in: text, #"\nnot resolved +([0-9,]+)\n"#) == missing.count, "\(text)")
        #expect(Self.number(in: text, #"orphans: ([0-9,]+) files"#) == orphans.count, "\(text)")
        #expect(text.contains("\(unreferenced) unreferenced, \(deletedOnly) referenced only by deleted records"), "\(text)")
        #expect(Self.number(in: text, #"not resolved: ([0-9,]+) references"#) == missing.count, "\(text)")

        // attache report --format json
        let json = try jsonObject(try CLI.run(["report", "--format", "json"], cwd: dir))
        #expect(int(value(json, "references.not_resolved")) == missing.count)
        #expect(int(value(json, "references.orphans")) == orphans.count)
        #expect(int(value(json, "references.unreferenced")) == unreferenced)
        #expect(int(value(json, "references.referenced_only_by_deleted_records")) == deletedOnly)
        let jsonByStatus = try #require(value(json, "references.by_status") as? [String: Any])
        #expect(jsonByStatus.filter { $0.key != "resolved" }.compactMapValues(int).filter { $0.value > 0 } == byStatus)
        #expect(Set(jsonByStatus.keys) == ["resolved", "missing", "ambiguous", "special", "unreadable"], "every status, 0 included")

        // attache explain: an orphan of each kind says so, with the listing's reason.
        for (why, label) in [("unreferenced", "unreferenced"), ("deleted-records-only", "referenced only by deleted records")] {
            let item = try #require(orphans.first { $0["why"] as? String == why })
            let path = "\(item["root"] as? String ?? "")/\(item["path"] as? String ?? "")"
            let explain = try CLI.run(["explain", path], cwd: dir)
            #expect(explain.exitCode == 0, "\(explain)")
            #expect(explain.stdout.contains("orphan      yes: \(label)"), "\(explain)")
        }
    }

    /// The first capture of `pattern` in `text`, as a number ("1,234" → 1234).
    static func number(in text: String, _ pattern: String) -> Int? {
        guard let re = try? NSRegularExpression(pattern: pattern),
              let m = re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let r = Range(m.range(at: 1), in: text) else { return nil }
        return Int(text[r].replacingOccurrences(of: ",", with: ""))
    }

    /// The demo migration as `make demo` builds it (five CRMs' records and the demo file share).
    static func demo(_ scratch: Scratch) throws -> String {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let dir = scratch.join("demo")
        for script in [["demo/make_crm_fixtures.py", dir], ["demo/make_demo_tree.py", dir + "/legacy/fileserver/Archive"]] {
            let r = try CLI.runTool(["/usr/bin/env", "python3", repository + "/" + script[0], script[1]])
            guard r.exitCode == 0 else { throw HarnessError("fixture \(script[0]): \(r)") }
        }
        return dir
    }
}
