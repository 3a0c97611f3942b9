import AttacheTestSupport
import Foundation
import Testing

/// The references stage on five CRMs as they really store attachments (demo/make_crm_fixtures.py
/// builds them with ground truth): every reference gets the right status and file, orphans are
/// exact, sources stay untouched, re-runs are incremental, and bad sources are clear errors.
@Suite(.timeLimit(.minutes(2))) struct ReferencesScenarioTests {
    /// A fresh copy of the fixtures in a scratch folder.
    struct CRMs {
        let scratch = Scratch("crm")
        var dir: String { scratch.join("m") }

        init() throws {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let script = root.appendingPathComponent("demo/make_crm_fixtures.py").path
            let r = try CLI.runTool(["/usr/bin/env", "python3", script, scratch.join("m")])
            guard r.exitCode == 0 else { throw HarnessError("fixtures: \(r)") }
        }

        func run(_ args: [String]) throws -> RunResult { try CLI.run(args, cwd: dir) }

        func tsv(_ name: String) throws -> [[String]] {
            try String(contentsOfFile: dir + "/" + name, encoding: .utf8).split(separator: "\n").map {
                $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            }
        }

        /// Files under records/ with their SHA-256 (the legacy records).
        func recordHashes() throws -> [String: String] {
            var paths: [String] = []
            let e = FileManager.default.enumerator(atPath: dir + "/records")!
            while let p = e.nextObject() as? String {
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: dir + "/records/" + p, isDirectory: &isDir), !isDir.boolValue { paths.append(dir + "/records/" + p) }
            }
            return try sha256sum(paths.sorted())
        }
    }

    @Test func everyReferenceGetsTheRightStatusAndFileAndSourcesAreUntouched() throws {
        let m = try CRMs()
        let before = try m.recordHashes()
        #expect(try m.run(["scan"]).exitCode == 3) // the FIFO in the file share
        let refs = try m.run(["refs"])
        #expect(refs.exitCode == 3, "missing and ambiguous references exist: \(refs)")

        let items = try listItems(try m.run(["list", "refs", "--format", "json"]))
        let got = items.map { i -> [String] in
            [i["source"] as? String ?? "", i["key"] as? String ?? "", i["column"] as? String ?? "", i["raw"] as? String ?? "",
             i["status"] as? String ?? "", ((i["file_root"] as? String) ?? "").split(separator: "/").last.map(String.init) ?? "",
             i["file_path"] as? String ?? ""]
        }.sorted { $0.lexicographicallyPrecedes($1) }
        let expected = try m.tsv("expected-refs.tsv").sorted { $0.lexicographicallyPrecedes($1) }
        #expect(got.count == expected.count)
        for e in expected where !got.contains(e) { Issue.record("expected reference not found: \(e)") }
        for g in got where !expected.contains(g) { Issue.record("unexpected reference: \(g)") }

        let orphans = try listItems(try m.run(["list", "orphans", "--format", "json"])).map {
            [($0["root"] as? String ?? "").split(separator: "/").last.map(String.init) ?? "", $0["path"] as? String ?? "", $0["why"] as? String ?? ""]
        }.sorted { $0.lexicographicallyPrecedes($1) }
        #expect(orphans == (try m.tsv("expected-orphans.tsv")).sorted { $0.lexicographicallyPrecedes($1) })

        // Read-only: every record file has the same bytes, and SQLite left no -wal/-shm/-journal.
        #expect(try m.recordHashes() == before)

        // Spans point at the exact bytes of the reference in the column's text.
        let comment = try #require(items.first { $0["key"] as? String == "3004" })
        #expect(comment["span_start"] as? Int == "Договор: ".utf8.count)
        #expect(comment["span_end"] as? Int == "Договор: K:\\Contracts\\Смит & Ко\\Договор №7, финал.pdf".utf8.count)
        let missing = try listItems(try m.run(["list", "missing", "--format", "json"]))
        #expect(Set(missing.compactMap { $0["status"] as? String }) == ["missing", "ambiguous", "special"])
        #expect(missing.contains { ($0["reason"] as? String ?? "").contains("OLDNAS") })
    }

    @Test func reRunsReadOnlyWhatChanged() throws {
        let m = try CRMs()
        _ = try m.run(["scan"])
        _ = try m.run(["refs"])
        let again = try m.run(["refs"])
        #expect(again.stdout.components(separatedBy: "unchanged, not read again").count - 1 == 9, "\(again)")
        #expect(!again.stdout.contains("Resolved again"))
        // The vtiger attachment that was missing appears; only unresolved references are looked at again.
        try FileManager.default.createDirectory(atPath: m.dir + "/legacy/vtiger/storage/2014/April/week3", withIntermediateDirectories: true)
        try Data("%PDF-1.4 found\n".utf8).write(to: URL(fileURLWithPath: m.dir + "/legacy/vtiger/storage/2014/April/week3/1004_lost.pdf"))
        _ = try m.run(["scan"])
        let after = try m.run(["refs"])
        #expect(after.stdout.contains("Resolved again after the re-scan: 7 references"), "\(after)")
        let ref = try listItems(try m.run(["list", "refs", "--format", "json"])).first { $0["source"] as? String == "vtiger" && $0["key"] as? String == "1004" }
        #expect(ref?["status"] as? String == "resolved")
        let explain = try m.run(["explain", "storage/2014/April/week3/1004_lost.pdf"])
        #expect(explain.exitCode == 0)
        #expect(explain.stdout.contains("vtiger 1004 (row 4) file: storage/2014/April/week3/1004_lost.pdf"))
    }

    /// Replaces the manifest's sources with one source and returns the result of `attache refs`.
    func refs(withSource yaml: String, in m: CRMs) throws -> RunResult {
        let manifest = try String(contentsOfFile: m.dir + "/attache.yaml", encoding: .utf8)
        let head = manifest.components(separatedBy: "sources:")[0]
        try (head + "sources:\n" + yaml).write(toFile: m.dir + "/attache.yaml", atomically: true, encoding: .utf8)
        return try m.run(["refs"])
    }

    @Test func badSourcesAreClearErrorsAndNothingIsWritten() throws {
        let m = try CRMs()
        _ = try m.run(["scan"])
        let before = try m.recordHashes()
        let table = try refs(withSource: "  - name: bad\n    sqlite: records/vtiger.sqlite\n    table: vtiger_atachments\n    key: [attachmentsid]\n    file: '{name}'\n", in: m)
        #expect(table.exitCode == 65, "\(table)")
        #expect(table.stderr.contains("bad") && table.stderr.contains("vtiger_atachments") && table.stderr.contains("vtiger_attachments"), "\(table)")
        let writes = try refs(withSource: "  - name: sneaky\n    sqlite: records/vtiger.sqlite\n    query: DELETE FROM vtiger_notes\n    key: [notesid]\n    file: '{filename}'\n", in: m)
        #expect(writes.exitCode == 65, "\(writes)")
        #expect(writes.stderr.contains("sneaky"), "\(writes)")
        let column = try refs(withSource: "  - name: cols\n    sqlite: records/vtiger.sqlite\n    table: vtiger_attachments\n    key: [attachmentsid]\n    file: '{path}{filename}'\n", in: m)
        #expect(column.exitCode == 65, "\(column)")
        #expect(column.stderr.contains("'filename'"), "\(column)")
        let gone = try refs(withSource: "  - name: nodb\n    sqlite: records/nope.sqlite\n    table: t\n    key: [id]\n    file: '{f}'\n", in: m)
        #expect(gone.exitCode == 66, "\(gone)")
        #expect(!FileManager.default.fileExists(atPath: m.dir + "/records/nope.sqlite"))
        #expect(try m.recordHashes() == before)
        // No references were stored by the failed runs.
        #expect(try listItems(try m.run(["list", "refs", "--format", "json"])).isEmpty)
    }
}
