import AttacheCatalog
import AttacheModel
import AttacheTestSupport
import Foundation
import Testing
@testable import AttacheReport

/// The migration report's data: what `attache report` shows beyond the inventory — the
/// references by source, the paths that lead nowhere, the parents, the verifications — read
/// from a catalog filled the way the stages fill it.
@Suite(.timeLimit(.minutes(5))) struct MigrationReportTests {
    /// Two sources: `crm` keeps `[parent_type, parent_id]` (Accounts 1 has a file and a
    /// missing one; Accounts 2 only its file; a deleted record of Accounts 3), `notes` keeps nothing.
    func catalog(_ s: Scratch) throws -> Catalog {
        let c = try scannedCatalog([.file("a.pdf", Fixtures.pdf), .file("b.png", Fixtures.png)], in: s)
        let a = try #require(try c.files(matching: "a.pdf").first), b = try #require(try c.files(matching: "b.png").first)
        func row(_ key: String, _ status: ReferenceStatus, _ f: FileRecord?, path: String = "x", deleted: Bool = false,
                 parent: (String, String)? = nil) -> ReferenceRow {
            ReferenceRow(recordKey: key, recordPosition: "row \(key)", column: "file", kind: .composed, raw: path, pathText: path,
                         spanStart: nil, spanEnd: nil, style: .posix, status: status, match: status == .resolved ? .exact : nil,
                         reason: status == .resolved ? nil : "no file \(path)", rootID: f?.rootID, fileID: f?.id, candidates: 0,
                         deleted: deleted, modified: nil,
                         fields: parent.map { #"{"parent_type":"\#($0.0)","parent_id":"\#($0.1)"}"# })
        }
        let (run, _, _) = try c.beginRefsRun(version: "test")
        _ = try c.replaceReferences(source: "crm", kind: "sqlite", location: "crm.db", fingerprint: "f", run: run,
                                    fields: ["parent_type", "parent_id"], records: { 4 }) { w in
            try w.add(row("1", .resolved, a, parent: ("Accounts", "1")))
            try w.add(row("2", .missing, nil, path: "lost.pdf", parent: ("Accounts", "1")))
            try w.add(row("3", .resolved, b, parent: ("Accounts", "2")))
            try w.add(row("4", .missing, nil, path: "lost.pdf", deleted: true, parent: ("Accounts", "3")))
        }
        _ = try c.replaceReferences(source: "notes", kind: "text_files", location: "notes", fingerprint: "g", run: run, records: { 2 }) { w in
            try w.add(row("n1", .missing, nil, path: "lost.pdf"))
            try w.add(row("n2", .ambiguous, nil, path: "A.PDF"))
        }
        return c
    }

    @Test func sourcesUnresolvedPathsAndParentsAreCounted() throws {
        let s = Scratch("mreport")
        let c = try catalog(s)
        let d = try MigrationReportData.load(c, top: 10)
        #expect(d.sources.map(\.name) == ["crm", "notes"])
        let crm = d.sources[0]
        #expect(crm.byStatus == [.resolved: 2, .missing: 2] && crm.fromDeletedRecords == 1 && crm.records == 4)
        #expect(crm.fields == ["parent_type", "parent_id"] && d.sources[1].fields.isEmpty)
        #expect(d.sources[1].notResolved == 2)
        // lost.pdf is named three times (twice by crm, once by notes); A.PDF once.
        #expect(d.unresolvedPaths == 2)
        #expect(d.unresolved.map(\.path) == ["lost.pdf", "A.PDF"])
        #expect(d.unresolved[0].references == 3 && d.unresolved[0].records == ["crm: 2", "crm: 4", "notes: n1"])
        #expect(d.unresolved[0].reason == "no file lost.pdf")
        // Parents: only crm keeps fields; the deleted record's parent is not counted.
        #expect(d.parents.fieldsBySource == ["crm": ["parent_type", "parent_id"]])
        #expect(d.parents.parents == 2 && d.parents.losingLinks == 1 && d.parents.withArchived == 0)
        #expect(d.parents.top.map(\.label) == ["Accounts · 1"], "only parents that lose links or have archives are listed")
        #expect(d.parents.top.first?.references == 2 && d.parents.top.first?.notResolved == 1)
        // No plan, apply or rewrite yet: those sections are empty and the text says what to run.
        #expect(d.plan == nil && d.relocation == nil && d.rewrite == nil)
        var text = StringSink()
        InventoryReport.text(d, to: &text)
        #expect(text.text.contains("not made yet: attache plan"))
        #expect(text.text.contains("nothing applied yet: attache apply"))
        #expect(text.text.contains("no records rewritten yet: attache rewrite"))
        #expect(text.text.contains("MISSING lost.pdf — 3 references"))
        for line in text.text.split(separator: "\n") { #expect(TextWidth.of(String(line)) <= 80, "\(line)") }
        #expect(!text.text.contains("\u{1B}["), "no colour unless asked")
        var coloured = StringSink()
        InventoryReport.text(d, color: true, to: &coloured)
        #expect(coloured.text.contains("\u{1B}[1mPlan\u{1B}[0m"))
    }

    @Test func theJSONCarriesEverySectionWithEveryCount() throws {
        let s = Scratch("mreport-json")
        let c = try catalog(s)
        try c.recordVerification(VerificationRecord(kind: .references, target: "/t", fast: false, checked: 7, bytes: 0,
                                                    differences: ["problems": 2]))
        var out = StringSink()
        MigrationReport.json(try MigrationReportData.load(c), to: &out)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(out.text.utf8)) as? [String: Any])
        #expect(doc["report"] as? String == "migration" && doc["version"] as? Int == 3)
        let sources = try #require(doc["sources"] as? [[String: Any]])
        let status = try #require(sources.last?["by_status"] as? [String: Int])
        #expect(status == ["resolved": 0, "missing": 1, "ambiguous": 1, "special": 0, "unreadable": 0], "every status, zeros too")
        let unresolved = try #require(doc["unresolved"] as? [String: Any])
        #expect(unresolved["paths"] as? Int == 2)
        #expect(doc["plan"] is NSNull && doc["relocation"] is NSNull && doc["rewrite"] is NSNull)
        let verify = try #require(doc["verify"] as? [String: Any])
        #expect(verify["target"] is NSNull, "no apply: no target verification shown")
        #expect(verify["references"] is NSNull, "no rewrite: its verification is not shown")
        #expect(try c.latestVerification(.references)?.differences == ["problems": 2])
        #expect(try c.latestVerification(.references)?.ok == false)
    }
}
