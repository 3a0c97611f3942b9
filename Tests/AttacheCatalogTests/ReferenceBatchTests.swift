import AttacheModel
import AttacheTestSupport
import Foundation
import GRDB
import Testing
@testable import AttacheCatalog

/// The references' bulk path: rows handed over in a ``ReferenceBatch`` are stored exactly as
/// given, and the refs indexes a bulk replacement drops and builds again are there afterwards,
/// or still there when the replacement fails.
@Suite struct ReferenceBatchTests {
    static func row(_ i: Int) -> ReferenceRow {
        ReferenceRow(recordKey: i % 3 == 0 ? "" : "k\(i) / é", recordPosition: "row \(i)", column: i % 2 == 0 ? "file" : "body",
                     kind: i % 2 == 0 ? .composed : .embedded, raw: "K:\\Счета\\報價 \(i).pdf", pathText: i % 4 == 0 ? "" : "K:\\x\\\(i).pdf",
                     spanStart: i % 2 == 0 ? nil : i, spanEnd: i % 2 == 0 ? nil : i + 9, style: i % 5 == 0 ? nil : .drive,
                     status: i % 2 == 0 ? .resolved : .missing, match: i % 2 == 0 ? .caseFolded : nil,
                     reason: i % 2 == 0 ? nil : "no file \(i)", rootID: i % 2 == 0 ? 1 : nil, fileID: i % 2 == 0 ? Int64(i) : nil,
                     candidates: i % 7, deleted: i % 3 == 1, modified: i % 4 == 1 ? nil : "2014-03-11 09:15:00",
                     fields: i % 6 == 0 ? "{\"account\":\"ACME \(i)\"}" : nil)
    }

    static let columns = """
        source_id, record_key, record_position, column_name, kind, raw, path_text, span_start, span_end, style, status, match,
        reason, root_id, file_id, candidates, deleted, modified, resolved_run, fields
        """

    /// Every column of every stored reference, in id order, as text (NULL as "∅").
    static func stored(_ path: String) throws -> [String] {
        try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT id, \(columns) FROM refs ORDER BY id").map { r in
                r.databaseValues.map { v in
                    switch v.storage {
                    case .null: return "∅"
                    case .int64(let i): return "\(i)"
                    case .string(let t): return t
                    default: return "?\(v)"
                    }
                }.joined(separator: "|")
            }
        }
    }

    static func indexes(_ path: String) throws -> [String] {
        try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'refs' ORDER BY name")
        }
    }

    @Test func aBatchStoresTheSameRowsAsOneAtATime() throws {
        let s = Scratch("batch")
        let rows = (0..<50).map(Self.row)
        var results: [[String]] = []
        for (n, oneByOne) in [true, false].enumerated() {
            let c = try Catalog(path: s.join("\(n).db"))
            let run = try c.beginRefsRun(version: "t").run
            _ = try c.replaceReferences(source: "crm", kind: "sqlite", location: "crm.db", fingerprint: "f", run: run, records: { 50 }) { w in
                if oneByOne {
                    for r in rows { try w.add(r) }
                } else {
                    // Two batches, the second built after the first was stored (bindings never outlive a batch).
                    for part in [rows[..<20], rows[20...]] {
                        var b = ReferenceBatch(reservingRows: 4)
                        for r in part { b.append(r) }
                        try w.add(b)
                    }
                }
            }
            results.append(try Self.stored(s.join("\(n).db")))
        }
        #expect(results[0].count == 50)
        #expect(results[0] == results[1])
        #expect(results[0][4] == "5|1|k4 / é|row 4|file|composed|K:\\Счета\\報價 4.pdf||∅|∅|drive|resolved|case|∅|1|4|4|1|2014-03-11 09:15:00|1|∅")
    }

    @Test func aBulkReplacementBuildsTheIndexesAgainAndAFailedOneKeepsThem() throws {
        let s = Scratch("bulk")
        let c = try Catalog(path: s.join("a.db"))
        let before = try Self.indexes(s.join("a.db"))
        #expect(before.count == 2)
        let run = try c.beginRefsRun(version: "t").run
        func replace(_ name: String, _ rows: Range<Int>, failing: Bool = false) throws {
            _ = try c.replaceReferences(source: name, kind: "sqlite", location: "\(name).db", fingerprint: "f", run: run,
                                        records: { rows.count }) { w in
                var b = ReferenceBatch()
                for i in rows { b.append(Self.row(i)) }
                try w.add(b)
                if failing { throw CancellationError() }
            }
        }
        try replace("crm", 0..<30)       // an empty table: indexes dropped, then built again
        #expect(try Self.indexes(s.join("a.db")) == before)
        let first = try Self.stored(s.join("a.db"))
        #expect(first.count == 30)
        // Read again while it is the only source: its old rows go in one truncation, the
        // indexes are built again, and the rows are those of a first read.
        try replace("crm", 0..<30)
        #expect(try Self.indexes(s.join("a.db")) == before)
        #expect(try Self.stored(s.join("a.db")) == first)

        #expect(throws: CancellationError.self) { try replace("crm", 100..<140, failing: true) }
        #expect(try Self.indexes(s.join("a.db")) == before)
        #expect(try Self.stored(s.join("a.db")) == first)

        try replace("notes", 200..<210)  // another source's rows stay: inserted with the indexes in place
        #expect(try Self.indexes(s.join("a.db")) == before)
        let both = try Self.stored(s.join("a.db"))
        #expect(both.count == 40)
        // Either source read again with the other's rows present: only its own rows change.
        func places() throws -> [String] {
            try Self.stored(s.join("a.db")).map { r in let f = r.split(separator: "|", omittingEmptySubsequences: false); return "\(f[1]):\(f[3])" }.sorted()
        }
        func expected(_ crm: Range<Int>, _ notes: Range<Int>) -> [String] {
            (crm.map { "1:row \($0)" } + notes.map { "2:row \($0)" }).sorted()
        }
        try replace("crm", 50..<55)
        #expect(try places() == expected(50..<55, 200..<210))
        try replace("notes", 300..<303)
        #expect(try places() == expected(50..<55, 300..<303))
        try replace("crm", 0..<30)
        #expect(try places() == expected(0..<30, 300..<303))
        #expect(try Self.indexes(s.join("a.db")) == before)
        #expect(try c.integrityCheck() == "ok")
        // The indexes answer queries: the references to one file.
        #expect(try c.references(toFile: 4).map(\.recordKey) == ["k4 / é"])
    }
}
