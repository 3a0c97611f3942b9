import AttacheModel
import AttacheTestSupport
import Testing
@testable import AttacheCatalog

/// The record values a policy's `{record.COLUMN}` reads: per file, from its first resolved
/// record that has each column; files with the same values share one dictionary, and values
/// are shared only when their bytes are equal (names stay as they were spelled).
@Suite struct RecordFieldsTests {
    static func row(file: Int64?, position: Int, fields: String?, deleted: Bool = false) -> ReferenceRow {
        ReferenceRow(recordKey: "k\(position)", recordPosition: "row \(position)", column: "file", kind: .composed, raw: "K:\\x\(position).pdf",
                     pathText: "", spanStart: nil, spanEnd: nil, style: .drive, status: file == nil ? .missing : .resolved,
                     match: file == nil ? nil : .exact, reason: nil, rootID: file == nil ? nil : 1, fileID: file, candidates: 0,
                     deleted: deleted, modified: nil, fields: fields)
    }

    @Test func eachFileGetsItsFirstRecordsValuesExactlyAsSpelled() throws {
        let s = Scratch("record-fields")
        let c = try Catalog(path: s.join("a.db"))
        let run = try c.beginRefsRun(version: "t").run
        let composed = "Soci\u{E9}t\u{E9}", decomposed = "Socie\u{301}te\u{301}"
        let rows = [
            Self.row(file: 1, position: 1, fields: #"{"account":"\#(composed)","owner":"Ann"}"#),
            Self.row(file: 2, position: 2, fields: #"{"account":"\#(composed)","owner":"Ann"}"#),
            Self.row(file: 3, position: 3, fields: #"{"account":"\#(decomposed)","owner":"Ann"}"#),
            Self.row(file: 4, position: 4, fields: #"{"account":"ACME"}"#),
            Self.row(file: 4, position: 5, fields: #"{"account":"Other","owner":"Bob"}"#),   // fills only what is missing
            Self.row(file: 5, position: 6, fields: #"{"account":""}"#),                        // empty: no value
            Self.row(file: 6, position: 7, fields: "not json"),
            Self.row(file: nil, position: 8, fields: #"{"account":"unresolved"}"#),
            Self.row(file: 7, position: 9, fields: #"{"account":"Deleted first"}"#, deleted: true),
            Self.row(file: 7, position: 10, fields: #"{"account":"Live"}"#),
        ]
        _ = try c.replaceReferences(source: "crm", kind: "sqlite", location: "crm.db", fingerprint: "f", run: run,
                                    records: { rows.count }) { w in
            for r in rows { try w.add(r) }
        }
        let v = try c.recordFields(["account", "owner"])
        #expect(v.keys.sorted() == [1, 2, 3, 4, 7])
        #expect(v[1] == ["account": composed, "owner": "Ann"] && v[2] == v[1])
        #expect(v[1]?["account"].map { Array($0.utf8) } == Array(composed.utf8))
        #expect(v[3]?["account"].map { Array($0.utf8) } == Array(decomposed.utf8), "a decomposed spelling stays decomposed")
        #expect(v[4] == ["account": "ACME", "owner": "Bob"])
        #expect(v[7] == ["account": "Live"], "live records before soft-deleted ones")
        #expect(try c.recordFields([]).isEmpty)
    }

    @Test func theSharingKeyTellsEveryByteApart() {
        let names = ["a", "b"]
        let keys = [
            Catalog.bytesKey([:], names), Catalog.bytesKey(["a": ""], names), Catalog.bytesKey(["a": "x"], names),
            Catalog.bytesKey(["b": "x"], names), Catalog.bytesKey(["a": "x", "b": ""], names),
            Catalog.bytesKey(["a": "\u{E9}"], names), Catalog.bytesKey(["a": "e\u{301}"], names),
            Catalog.bytesKey(["a": "x\u{0}", "b": "y"], names), Catalog.bytesKey(["a": "x", "b": "\u{0}y"], names),
        ]
        #expect(Set(keys).count == keys.count)
        #expect(Catalog.bytesKey(["a": "x", "b": "y"], names) == Catalog.bytesKey(["b": "y", "a": "x"], names))
    }
}
