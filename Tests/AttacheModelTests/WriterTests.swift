import Foundation
import Testing
@testable import AttacheModel

@Suite struct CSVWriterTests {
    @Test func quotesOnlyWhatNeedsIt() {
        let w = CSVWriter()
        #expect(w.field("plain") == "plain")
        #expect(w.field("a,b") == "\"a,b\"")
        #expect(w.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(w.field("two\nlines") == "\"two\nlines\"")
        #expect(w.field(" padded") == "\" padded\"")
        #expect(w.field("padded ") == "\"padded \"")
        #expect(w.line(["a", "b,c"]) == "a,\"b,c\"\r\n")
    }

    @Test func textThatASpreadsheetWouldRunIsGuarded() {
        let w = CSVWriter()
        for name in ["=1+1.pdf", "+x", "-x", "@x", "\tx", "\rx"] {
            #expect(w.field(.text(name)).hasPrefix("'") || w.field(.text(name)).hasPrefix("\"'"), "\(name) not guarded")
        }
        #expect(w.field("=HYPERLINK(\"http://x\",\"y\")") == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")
        #expect(w.field("a=b.pdf") == "a=b.pdf")
        #expect(w.field("Contracts/-draft.pdf") == "Contracts/-draft.pdf")
        // Numbers are typed, never guarded: a negative number stays a number.
        #expect(w.field(.integer(-5)) == "-5")
        #expect(w.field(.bool(true)) == "true" && w.field(.null) == "")
    }

    @Test func delimiterAndByteOrderMark() {
        var w = CSVWriter(delimiter: ";", byteOrderMark: true)
        var out = StringSink()
        w.header(["a", "b"], to: &out)
        w.row([.text("x;y"), .text("1,5")], to: &out)
        #expect(out.text == "\u{FEFF}a;b\r\n\"x;y\";1,5\r\n")
    }
}

@Suite struct JSONWriterTests {
    @Test func escapesControlCharactersAndKeepsUnicode() throws {
        let s = JSONText.string("Счёт \"№5\"\n\t\u{1}")
        #expect(s == "\"Счёт \\\"№5\\\"\\n\\t\\u0001\"")
        let back = try JSONSerialization.jsonObject(with: Data(s.utf8), options: [.fragmentsAllowed]) as? String
        #expect(back == "Счёт \"№5\"\n\t\u{1}")
    }

    @Test func writesNestedValuesInOrderAndStreamsItemsOnLines() throws {
        var w = JSONWriter(StringSink())
        w.beginObject()
        w.field("listing", "files")
        w.field("version", 2)
        w.field("none", .null)
        w.field("tags", array: ["a", "=b"])
        w.beginArray("items", oneItemPerLine: true)
        for i in 1...2 {
            w.beginObject(); w.field("n", .int(i)); w.field("ok", .bool(i == 1)); w.endObject()
        }
        w.endArray()
        w.beginArray("empty", oneItemPerLine: true)
        w.endArray()
        w.endObject()
        let text = w.finish().text
        #expect(text == "{\"listing\":\"files\",\"version\":2,\"none\":null,\"tags\":[\"a\",\"=b\"],\"items\":[\n{\"n\":1,\"ok\":true},\n{\"n\":2,\"ok\":false}\n],\"empty\":[\n]}\n")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect((doc["items"] as? [Any])?.count == 2)
    }
}

@Suite struct JSONTextEscapingTests {
    /// Strings that differ between the two escapings, or that any escaping must get right.
    static let awkward = ["/mnt/a b/", "\\\\srv\\share", "é/ü😀", "tab\there", "\u{0}\u{1}\u{8}\u{C}\u{1F}\u{7F}",
                          "q\"uote", "\u{2028}\u{FEFF}", "nl\nx\r", "a\u{301}", ""]

    @Test func foundationEscapingIsByteForByteWhatJSONEncoderWrites() throws {
        for s in Self.awkward {
            let encoded = String(decoding: try JSONEncoder().encode([s]), as: UTF8.self)
            #expect(JSONWriter.text(escaping: .foundation) { $0.value(array: [.text(s)]) } == encoded, "\(s.debugDescription)")
        }
    }

    @Test func standardEscapingLeavesSlashesAndUsesUnicodeEscapesForControls() throws {
        #expect(JSONText.string("a/b\u{8}\u{C}") == "\"a/b\\u0008\\u000c\"")
        #expect(JSONText.string("a/b\u{8}\u{C}", escaping: .foundation) == "\"a\\/b\\b\\f\"")
        for s in Self.awkward {
            for e in [JSONText.Escaping.standard, .foundation] {
                let back = try JSONSerialization.jsonObject(with: Data(JSONText.string(s, escaping: e).utf8), options: [.fragmentsAllowed])
                #expect(back as? String == s, "\(s.debugDescription)")
            }
        }
    }

    @Test func theWritersEscapingAppliesToKeysAndValuesNotToOtherValues() {
        let text = JSONWriter.text(escaping: .foundation) { w in
            w.beginObject(); w.field("a/b", "c/d"); w.field("n", 1); w.field("x", .null); w.endObject()
        }
        #expect(text == "{\"a\\/b\":\"c\\/d\",\"n\":1,\"x\":null}")
    }

    @Test func aStoredValueHasNoLineBreakAfterIt() {
        #expect(JSONWriter.text { $0.value(array: []) } == "[]")
        #expect(JSONWriter.text { $0.value(array: ["x", .int(2)]) } == "[\"x\",2]")
    }
}

@Suite struct PlanSummaryJSONTests {
    static func sample() -> PlanSummary {
        var s = PlanSummary()
        s.totalBytes = 300; s.keptBytes = 100; s.archivedBytes = 150; s.mustKeepBytes = 40; s.quota = ByteCount(Int64(1000))
        s.byAction = [.keep: .init(files: 2, bytes: 100), .archive: .init(files: 1, bytes: 150), .drop: .init(files: 3, bytes: 50)]
        s.byRule = ["zeta/rule": .init(files: 1, bytes: 150), "Счёт \"№5\"\u{1}": .init(files: 5, bytes: 150)]
        s.byCategory = ["document": .init(files: 6, bytes: 300)]
        s.archiveEstimateBytes = 61; s.landingBytes = 161; s.mustArchiveEstimateBytes = 7
        s.compression = ["text": 0.25, "document": 0.4005, "image": 1]
        return s
    }

    @Test func theStoredSummaryKeepsItsBytes() {
        // The text earlier builds stored in plans.summary: keys in this order, groups sorted,
        // slashes as they are, control characters as \u escapes.
        #expect(Self.sample().jsonText == """
            {"total_bytes":300,"kept_bytes":100,"archived_bytes":150,"archive_estimate_bytes":61,"landing_bytes":161,\
            "quota":1000,"must_keep_bytes":40,"must_archive_estimate_bytes":7,"feasible":true,\
            "by_action":{"archive":{"files":1,"bytes":150},"drop":{"files":3,"bytes":50},"keep":{"files":2,"bytes":100}},\
            "by_rule":{"zeta/rule":{"files":1,"bytes":150},"Счёт \\"№5\\"\\u0001":{"files":5,"bytes":150}},\
            "by_category":{"document":{"files":6,"bytes":300}},"compression":{"document":0.401,"image":1.000,"text":0.250}}
            """)
        var empty = PlanSummary()
        empty.feasible = false
        #expect(empty.jsonText == """
            {"total_bytes":0,"kept_bytes":0,"archived_bytes":0,"archive_estimate_bytes":0,"landing_bytes":0,"quota":null,\
            "must_keep_bytes":0,"must_archive_estimate_bytes":0,"feasible":false,"by_action":{},"by_rule":{},"by_category":{},\
            "compression":{}}
            """)
    }

    @Test func theSummaryReadsBack() throws {
        let s = Self.sample()
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(s.jsonText.utf8)) as? [String: Any])
        #expect(doc["quota"] as? Int == 1000)
        #expect(doc["feasible"] as? Bool == true)
        let rules = try #require(doc["by_rule"] as? [String: [String: Int]])
        #expect(rules["Счёт \"№5\"\u{1}"] == ["files": 5, "bytes": 150])
        #expect(rules["zeta/rule"] == ["files": 1, "bytes": 150])
    }

    @Test func writtenAsAFieldItIsTheSameObject() {
        let s = Self.sample()
        let text = JSONWriter.text { w in w.beginObject(); s.write(to: &w, key: "summary"); w.endObject() }
        #expect(text == "{\"summary\":" + s.jsonText + "}")
    }
}
