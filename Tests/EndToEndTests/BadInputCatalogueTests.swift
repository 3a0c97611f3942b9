import AttacheTestSupport
import Foundation
import Testing

/// The bad-input catalogue (Documentation/Testing.md): every bad input a user may give —
/// manifest, sources, policy, review sheet, target, databases, command line — run for real,
/// with its exit code, a fragment its message must hold, and the message itself as the table
/// shows it. `ATTACHE_UPDATE_GOLDEN=1` rewrites the table from what the binary prints.
@Suite(.timeLimit(.minutes(5))) struct BadInputCatalogueTests {
    static let doc = GoldenTests.repository + "/Documentation/Testing.md"
    static let begin = "<!-- bad-input-catalogue: begin (written by BadInputCatalogueTests; ATTACHE_UPDATE_GOLDEN=1 rewrites it) -->"
    static let end = "<!-- bad-input-catalogue: end -->"

    /// What the user sees: standard error's first line (for exit 3, 4 and 5, which print no
    /// error, standard output's verdict line), the scratch folder as `<dir>`, at most 180 characters.
    static func seen(_ r: RunResult, dir: String) -> String {
        let stderr = r.stderr.split(separator: "\n").map(String.init).first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let out = r.stdout.split(separator: "\n").map(String.init)
        let stdout = out.first { l in ["CANNOT FIT", "Differences", "error"].contains { l.contains($0) } }
            ?? out.last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        var line = (stderr ?? stdout ?? "").replacingOccurrences(of: dir, with: "<dir>")
        if let real = realpath(dir, nil) { line = line.replacingOccurrences(of: String(cString: real), with: "<dir>"); free(real) }
        line = line.replacingOccurrences(of: "|", with: "\\|")
        return line.count > 180 ? String(line.prefix(179)) + "…" : line
    }

    static func row(_ c: BadInput, _ seen: String) -> String {
        "| \(c.id) | \(c.area) | \(c.input) | \(c.exit) | `\(seen.replacingOccurrences(of: "`", with: "'"))` |"
    }

    @Test func everyBadInputGetsItsExitCodeAndAClearMessage() throws {
        #expect(BadInputCatalogue.all.count >= 40, "the issue asks for at least 40")
        #expect(Set(BadInputCatalogue.all.map(\.id)).count == BadInputCatalogue.all.count, "ids are unique")
        var rows: [String] = []
        for c in BadInputCatalogue.all {
            let m = try RewriteMigration("bad-\(c.id.lowercased())")
            let r = try c.run(m)
            #expect(r.exitCode == c.exit, "\(c.id) \(c.input): \(r)")
            var seen = Self.seen(r, dir: m.dir)
            if let varying = c.varying { seen = seen.replacingOccurrences(of: varying, with: "…", options: .regularExpression) }
            #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Stack dump"), "\(c.id): a crash, not a message: \(r)")
            if !c.expect.isEmpty {
                #expect(r.stderr.contains(c.expect) || r.stdout.contains(c.expect), "\(c.id) \(c.input): no '\(c.expect)' in \(r)")
            }
            rows.append(Self.row(c, seen))
        }
        let table = (["| id | area | bad input | exit | what the user sees (first line) |", "|---|---|---|---:|---|"] + rows)
            .joined(separator: "\n")
        var text = try String(contentsOfFile: Self.doc, encoding: .utf8)
        guard let b = text.range(of: Self.begin), let e = text.range(of: Self.end) else {
            Issue.record("Documentation/Testing.md has no bad-input catalogue markers"); return
        }
        let current = String(text[b.upperBound..<e.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
        if ProcessInfo.processInfo.environment["ATTACHE_UPDATE_GOLDEN"] == "1" {
            text.replaceSubrange(b.upperBound..<e.lowerBound, with: "\n" + table + "\n")
            try text.write(toFile: Self.doc, atomically: true, encoding: .utf8)
        } else {
            let documented = Set(current.split(separator: "\n").map(String.init))
            let differing = table.split(separator: "\n").map(String.init).filter { !documented.contains($0) }
            let shown = differing.joined(separator: "\n")
            #expect(differing.isEmpty, "Documentation/Testing.md's catalogue differs from what the binary prints (ATTACHE_UPDATE_GOLDEN=1 rewrites it): \(shown)")
            #expect(current.split(separator: "\n").count == table.split(separator: "\n").count, "rows added or removed")
        }
    }
}
