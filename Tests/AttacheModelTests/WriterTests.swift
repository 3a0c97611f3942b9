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
