import AttacheTestSupport
import Foundation
import Testing

/// The bad-input catalogue (Documentation/Testing.md): every bad input a user may give —
/// manifest, sources, policy, review sheet, target, databases, command line — run for real,
/// with its exit code, a fragment its message must hold, and the message itself as the table
/// shows it. `ATTACHE_UPDATE_GOLDEN=1` rewrites the table from what the binary prints.
///
/// One test per input (each a few seconds), so the run interleaves them with the other suites.
@Suite(.timeLimit(.minutes(3))) struct BadInputCatalogueTests {
    static let doc = GoldenTests.repository + "/Documentation/Testing.md"
    static let begin = "<!-- bad-input-catalogue: begin (written by BadInputCatalogueTests; ATTACHE_UPDATE_GOLDEN=1 rewrites it) -->"
    static let end = "<!-- bad-input-catalogue: end -->"
    static let header = ["| id | area | bad input | exit | what the user sees (first line) |", "|---|---|---|---:|---|"]
    static var updating: Bool { ProcessInfo.processInfo.environment["ATTACHE_UPDATE_GOLDEN"] == "1" }

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

    /// Runs one case: its table row, after checking its exit code, its fragment and that nothing crashed.
    static func check(_ c: BadInput) throws -> String {
        let m = try RewriteMigration("bad-\(c.id.lowercased())")
        let r = try c.run(m)
        #expect(r.exitCode == c.exit, "\(c.id) \(c.input): \(r)")
        var seen = Self.seen(r, dir: m.dir)
        if let varying = c.varying { seen = seen.replacingOccurrences(of: varying, with: "…", options: .regularExpression) }
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Stack dump"), "\(c.id): a crash, not a message: \(r)")
        if !c.expect.isEmpty {
            #expect(r.stderr.contains(c.expect) || r.stdout.contains(c.expect), "\(c.id) \(c.input): no '\(c.expect)' in \(r)")
        }
        return row(c, seen)
    }

    /// The documented rows, by id.
    static func documented() throws -> [String: String] {
        let text = try String(contentsOfFile: doc, encoding: .utf8)
        guard let b = text.range(of: begin), let e = text.range(of: end) else { return [:] }
        var rows: [String: String] = [:]
        for line in text[b.upperBound..<e.lowerBound].split(separator: "\n") where line.hasPrefix("| ") && !Self.header.contains(String(line)) {
            let id = line.dropFirst(2).prefix { $0 != " " }
            rows[String(id)] = String(line)
        }
        return rows
    }

    @Test(arguments: BadInputCatalogue.all.map(\.id))
    func theInputGetsItsExitCodeAndItsDocumentedMessage(_ id: String) throws {
        guard !Self.updating else { return }  // the table is rewritten by the test below, in order
        let c = try #require(BadInputCatalogue.all.first { $0.id == id })
        let row = try Self.check(c)
        #expect(try Self.documented()[id] == row, "Documentation/Testing.md's row differs from what the binary prints (ATTACHE_UPDATE_GOLDEN=1 rewrites it)")
    }

    @Test func theCatalogueIsWholeAndDocumented() throws {
        #expect(BadInputCatalogue.all.count >= 40, "the issue asks for at least 40")
        #expect(Set(BadInputCatalogue.all.map(\.id)).count == BadInputCatalogue.all.count, "ids are unique")
        if Self.updating {
            let rows = try BadInputCatalogue.all.map { try Self.check($0) }
            var text = try String(contentsOfFile: Self.doc, encoding: .utf8)
            let b = try #require(text.range(of: Self.begin)), e = try #require(text.range(of: Self.end))
            text.replaceSubrange(b.upperBound..<e.lowerBound, with: "\n" + (Self.header + rows).joined(separator: "\n") + "\n")
            try text.write(toFile: Self.doc, atomically: true, encoding: .utf8)
        }
        #expect(Set(try Self.documented().keys) == Set(BadInputCatalogue.all.map(\.id)), "every case has its row, and no row is stale")
    }
}
