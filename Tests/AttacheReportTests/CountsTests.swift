import AttacheCatalog
import AttacheModel
import AttacheTestSupport
import Foundation
import Testing
@testable import AttacheReport

/// The catalog defines "not resolved" and "orphans" once (``ReferenceCounts``,
/// `forEachOrphan`, `orphanReason`); the listings, the report and explain read those
/// definitions, so their numbers agree on every kind of file.
@Suite(.timeLimit(.minutes(5))) struct CountsTests {
    /// live.pdf: a live and a deleted record · gone-record.pdf: only a deleted record ·
    /// lonely.pdf: nothing · pipe: a FIFO (never an orphan: not readable content) · plus a
    /// missing and an ambiguous reference.
    func catalog(_ s: Scratch) throws -> Catalog {
        let c = try scannedCatalog([
            .file("live.pdf", Fixtures.pdf), .file("gone-record.pdf", Fixtures.png), .file("lonely.pdf", Fixtures.html), .fifo("pipe"),
        ], in: s)
        func file(_ p: String) throws -> FileRecord { try #require(try c.files(matching: p).first) }
        let live = try file("live.pdf"), goneRecord = try file("gone-record.pdf"), pipe = try file("pipe")
        func row(_ key: String, _ status: ReferenceStatus, _ f: FileRecord?, deleted: Bool = false) -> ReferenceRow {
            ReferenceRow(recordKey: key, recordPosition: "row \(key)", column: "file", kind: .composed, raw: "x", pathText: "x",
                         spanStart: nil, spanEnd: nil, style: .posix, status: status, match: status == .resolved ? .exact : nil,
                         reason: nil, rootID: f?.rootID, fileID: f?.id, candidates: 0, deleted: deleted, modified: nil)
        }
        let (run, _, _) = try c.beginRefsRun(version: "test")
        _ = try c.replaceReferences(source: "crm", kind: "sqlite", location: "crm.db", fingerprint: "f", run: run, records: { 6 }) { w in
            try w.add(row("1", .resolved, live))
            try w.add(row("2", .resolved, live, deleted: true))
            try w.add(row("3", .resolved, goneRecord, deleted: true))
            try w.add(row("4", .special, pipe))
            try w.add(row("5", .missing, nil))
            try w.add(row("6", .ambiguous, nil))
        }
        return c
    }

    @Test func countsListingsAndExplainAgree() throws {
        let s = Scratch("counts")
        let c = try catalog(s)
        let counts = try c.referenceCounts()
        #expect(counts.total == 6 && counts.resolved == 3 && counts.notResolved == 3)
        #expect(counts.orphans(.unreferenced) == FileTotal(files: 1, bytes: Int64(Fixtures.html.count)))
        #expect(counts.orphans(.deletedRecordsOnly) == FileTotal(files: 1, bytes: Int64(Fixtures.png.count)))
        #expect(counts.orphans.files == 2)

        var orphans: [String: OrphanReason] = [:]
        try c.forEachOrphan { f, why in orphans[f.path.display] = why }
        #expect(orphans == ["gone-record.pdf": .deletedRecordsOnly, "lonely.pdf": .unreferenced])
        for (path, why) in orphans {
            #expect(try c.orphanReason(fileID: try #require(try c.files(matching: path).first).id) == why)
        }
        #expect(try c.orphanReason(fileID: try #require(try c.files(matching: "live.pdf").first).id) == nil)
        #expect(try c.orphanReason(fileID: try #require(try c.files(matching: "pipe").first).id) == nil, "a FIFO is never an orphan")

        var missing = StringSink()
        try Listing.references(c, format: .json, onlyUnresolved: true, to: &missing)
        #expect(missing.text.split(separator: "\n").filter { $0.hasPrefix("{\"source\"") }.count == counts.notResolved)
        #expect(CountWording.notResolvedCount(counts) == "3 not resolved (1 missing, 1 ambiguous, 1 special)")
        #expect(CountWording.orphanCount(counts) == "2 orphans (1 unreferenced, 1 referenced only by deleted records)")

        var explained = StringSink()
        #expect(try Explanation.text(c, path: "gone-record.pdf", to: &explained))
        #expect(explained.text.contains("orphan      yes: referenced only by deleted records"))
        var notOrphan = StringSink()
        _ = try Explanation.text(c, path: "live.pdf", to: &notOrphan)
        #expect(!notOrphan.text.contains("orphan "))
    }

    @Test func theReportPrintsTheSameCounts() throws {
        let s = Scratch("counts-report")
        let data = try InventoryData.load(try catalog(s))
        var text = StringSink()
        InventoryReport.text(data, to: &text)
        let unwrapped = text.text.replacingOccurrences(of: "\n    ", with: " ")  // sentences are wrapped at 80 columns
        #expect(text.text.contains("\nnot resolved           3\n"), "\(text.text)")
        #expect(text.text.contains("orphans: 2 files, "))
        #expect(unwrapped.contains("(1 unreferenced, 1 referenced only by deleted records) — attache list orphans"))
        var json = StringSink()
        InventoryReport.json(data, to: &json)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [String: Any])
        let refs = try #require(doc["references"] as? [String: Any])
        #expect(refs["not_resolved"] as? Int == 3 && refs["orphans"] as? Int == 2)
        #expect(refs["unreferenced"] as? Int == 1 && refs["referenced_only_by_deleted_records"] as? Int == 1)
        #expect(refs["orphan_bytes"] as? Int == Fixtures.html.count + Fixtures.png.count)
    }
}
