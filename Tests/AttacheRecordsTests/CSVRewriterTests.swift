import Foundation
import Testing
@testable import AttacheRecords

/// CSV files of every dialect, as bytes.
enum CSVDialects {
    static func cp1251(_ text: String) -> [UInt8] {
        try! TextEncoding(name: "cp1251", basis: .declared).encode(text).get()
    }

    static func utf16LE(_ text: String) -> [UInt8] {
        [0xFF, 0xFE] + text.utf16.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
    }

    /// (name, bytes, delimiter, declared encoding)
    static let all: [(String, [UInt8], Character?, String?)] = [
        ("lf", Array("id,name,path\n1,a,/x/a.pdf\n2,b,/x/b.pdf\n".utf8), nil, nil),
        ("crlf quoted", Array(("id,name,path\r\n1,\"Smith, John\",\"K:\\scans\\a b.pdf\"\r\n"
            + "2,\"He said \"\"hi\"\"\",\"multi\r\nline\"\r\n\r\n3,plain,\\\\SRV\\c.pdf\r\n").utf8), nil, nil),
        ("lone cr and mixed", Array("id,n\r1,\"a\rb\"\r2,b\n3,c\r\n\n4,d".utf8), nil, nil),
        ("bom", [0xEF, 0xBB, 0xBF] + Array("\"id\",name\n7,\"x\"\n8,y\n".utf8), nil, nil),
        ("semicolon", Array("id;name;path\n1;\"a;b\";c\n2;d,e;\"f\"\"g\"\n".utf8), ";", nil),
        ("tab", Array("id\tname\n1\t\"a\tb\"\n".utf8), "\t", nil),
        ("no final break, trailing delimiter", Array("id,a,b\n1,x,\n2,,".utf8), nil, nil),
        ("malformed", Array("id,name,path\n1,a,b\n2,only\n3,a,b,extra\n4,c,d\n".utf8), nil, nil),
        ("stray quotes", Array("id,n\n1,\"ab\"cd\"\n2,\"ab\"жx\"\n3,x\"y\n4,\"\"\n\"\"\n5,z\n".utf8), nil, nil),
        ("unclosed quote", Array("id,n\n1,a\n2,\"never closed\n3,b\n".utf8), nil, nil),
        ("unclosed after empty lines", Array("id,n\n1,a\n\n\"".utf8), nil, nil),
        ("cp1251", cp1251("id;имя;путь\r\n1;\"Иванов, Пётр\";K:\\Договоры\\акт 3.pdf\r\n2;Ёлкин;x\r\n"), ";", "cp1251"),
        ("utf-16le bom", utf16LE("id,name\r\n1,\"Ölfass, 合同\"\r\n2,b\r\n"), nil, nil),
    ]
}

@Suite("CSV rewriter")
final class CSVRewriterTests {
    let dir = SourceFixture.folder()
    deinit { SourceFixture.remove(dir) }

    struct Copy {
        var bytes: [UInt8] = []
        var summary: CSVRewriteSummary
        var problems: [CSVRewriteProblem] = []
        var seen: [(CSVRecordAddress, [String])] = []
    }

    func source(_ bytes: [UInt8], delimiter: Character? = nil, encoding: String? = nil, name: String = "in.csv")
        throws -> CSVRecordSource {
        SourceFixture.write(dir + "/" + name, bytes)
        return try CSVRecordSource(name: "export", file: dir + "/" + name, key: [], deleted: nil, modified: nil,
                                   delimiter: delimiter, encoding: encoding)
    }

    func rewrite(_ source: CSVRecordSource, chunkSize: Int? = nil,
                 edit: (CSVRecordAddress, [String]) -> [Int: String] = { _, _ in [:] }) throws -> Copy {
        var rewriter = CSVRewriter(source: source)
        if let chunkSize { rewriter.chunkSize = chunkSize }
        var bytes: [UInt8] = [], problems: [CSVRewriteProblem] = [], seen: [(CSVRecordAddress, [String])] = []
        let summary = try rewriter.rewrite(into: { bytes += $0 }, problem: { problems.append($0) }) { address, values in
            seen.append((address, values))
            return edit(address, values)
        }
        return Copy(bytes: bytes, summary: summary, problems: problems, seen: seen)
    }

    @Test(arguments: CSVDialects.all.indices)
    func anUneditedCopyIsByteIdentical(_ index: Int) throws {
        let (name, bytes, delimiter, encoding) = CSVDialects.all[index]
        let source = try source(bytes, delimiter: delimiter, encoding: encoding)
        for chunk in [1, 3, 1 << 16] {
            let copy = try rewrite(source, chunkSize: chunk)
            #expect(copy.bytes == bytes, "\(name), chunk \(chunk)")
            #expect(copy.summary.changedRecords == 0)
        }
        // Writing every value as it is changes nothing either.
        let same = try rewrite(source) { _, values in Dictionary(uniqueKeysWithValues: values.enumerated().map { ($0.offset, $0.element) }) }
        #expect(same.bytes == bytes, "\(name)")
    }

    @Test(arguments: CSVDialects.all.indices)
    func recordsValuesAndPositionsAreTheReadersOwn(_ index: Int) throws {
        let (name, bytes, delimiter, encoding) = CSVDialects.all[index]
        let source = try source(bytes, delimiter: delimiter, encoding: encoding)
        let reading = try SourceFixture.read(source)
        let copy = try rewrite(source, chunkSize: 2)
        #expect(copy.seen.map(\.0.position) == reading.records.map(\.position), "\(name)")
        let readValues = reading.records.map { record in source.columns.map { Array(record.fields[$0]!.utf8) } }
        let rewriterValues = copy.seen.map { $0.1.map { Array($0.utf8) } }
        #expect(rewriterValues == readValues, "\(name)")
        #expect(copy.problems.map(\.position) == reading.problems.map { $0.position ?? "" }, "\(name)")
        #expect(copy.summary.encoding == source.encoding)
    }

    @Test func oneEditedFieldChangesOnlyItsBytes() throws {
        let before = "id,name,path\r\n1,a,\"K:\\x\\a.pdf\"\r\n2,\"b\",\"K:\\x\\b.pdf\"\r\n3,c,K:\\x\\c.pdf\r\n"
        let source = try source(Array(before.utf8))
        let copy = try rewrite(source) { address, _ in address.number == 2 ? [2: #"\\NEW\crm\b "final".pdf"#] : [:] }
        let prefix = "id,name,path\r\n1,a,\"K:\\x\\a.pdf\"\r\n2,\"b\","
        let suffix = "\r\n3,c,K:\\x\\c.pdf\r\n"
        let text = String(decoding: copy.bytes, as: UTF8.self)
        #expect(text == prefix + #""\\NEW\crm\b ""final"".pdf""# + suffix)
        #expect(copy.summary.changedRecords == 1 && copy.summary.changedFields == 1 && copy.summary.records == 3)
        #expect(copy.summary.bytesWritten == copy.bytes.count)
        let reread = try SourceFixture.read(try self.source(copy.bytes, name: "out.csv"))
        #expect(reread.records[1].fields["path"] == #"\\NEW\crm\b "final".pdf"#)
        #expect(reread.records.map(\.position) == ["record 1 (line 2)", "record 2 (line 3)", "record 3 (line 4)"])
    }

    @Test func quotesAreAddedOnlyWhenTheValueNeedsThem() throws {
        let source = try source(Array("id,a,b\n1,x,\"y\"\n2,x,\"y\"\n3,x,y\n4,x,y\n5,x,y\n".utf8))
        let new: [Int: [Int: String]] = [1: [1: "plain", 2: "plain"], 2: [1: "a,b"], 3: [1: "say \"hi\""],
                                         4: [1: "two\nlines"], 5: [2: "\"lead"]]
        let copy = try rewrite(source) { address, _ in new[address.number] ?? [:] }
        #expect(String(decoding: copy.bytes, as: UTF8.self) == "id,a,b\n1,plain,\"plain\"\n2,\"a,b\",\"y\"\n"
            + "3,\"say \"\"hi\"\"\",y\n4,\"two\nlines\",y\n5,x,\"\"\"lead\"\n")
        let reread = try SourceFixture.read(try self.source(copy.bytes, name: "out.csv"))
        #expect(reread.records.map { $0.fields["a"]! } == ["plain", "a,b", "say \"hi\"", "two\nlines", "x"])
        #expect(reread.records.last?.fields["b"] == "\"lead")
    }

    @Test func aCP1251FileStaysCP1251() throws {
        let original = "id;путь\r\n1;K:\\Договоры\\акт 3.pdf\r\n2;x\r\n"
        let source = try source(CSVDialects.cp1251(original), delimiter: ";", encoding: "cp1251")
        let copy = try rewrite(source) { address, _ in address.number == 1 ? [1: #"\\NEWSRV\crm\Договоры\акт 3.pdf"#] : [:] }
        #expect(copy.bytes == CSVDialects.cp1251("id;путь\r\n1;\\\\NEWSRV\\crm\\Договоры\\акт 3.pdf\r\n2;x\r\n"))
        #expect(copy.summary.encoding == "cp1251" && copy.summary.changedRecords == 1)
    }

    @Test func aNameTheEncodingCannotHoldLeavesThatRecordUnchanged() throws {
        let original = CSVDialects.cp1251("id;путь\n1;a.pdf\n2;b.pdf\n")
        let source = try source(original, delimiter: ";", encoding: "cp1251")
        let copy = try rewrite(source) { address, _ in [1: address.number == 1 ? "合同.pdf" : "акт.pdf"] }
        #expect(copy.bytes == CSVDialects.cp1251("id;путь\n1;a.pdf\n2;акт.pdf\n"))
        #expect(copy.problems.map(\.kind) == [.unencodable])
        #expect(copy.problems.first?.position == "record 1 (line 2)")
        #expect(copy.problems.first?.message.contains("'合' (U+5408) cannot be written in cp1251") == true)
        #expect(copy.summary.refused == 1 && copy.summary.changedRecords == 1)
    }

    @Test func malformedRecordsArePassedThroughAndReported() throws {
        let bytes = Array("id,name,path\n1,a,b\n2,only\n3,a,b,extra\n4,c,d\n".utf8)
        let copy = try rewrite(try source(bytes)) { _, _ in [2: "new"] }
        #expect(String(decoding: copy.bytes, as: UTF8.self) == "id,name,path\n1,a,new\n2,only\n3,a,b,extra\n4,c,new\n")
        #expect(copy.seen.map(\.0.number) == [1, 4])
        #expect(copy.problems.map(\.kind) == [.fieldCount, .fieldCount])
        #expect(copy.problems.first?.message.contains("2 fields but the header has 3") == true)
        #expect(copy.summary.passedThrough == 2 && copy.summary.records == 4)
    }

    @Test func anUnclosedQuoteLeavesTheLastRecordAsItWas() throws {
        let bytes = Array("id,n\n1,a\n2,\"never closed\n3,b\n".utf8)
        let copy = try rewrite(try source(bytes)) { _, _ in [1: "new"] }
        #expect(String(decoding: copy.bytes, as: UTF8.self) == "id,n\n1,new\n2,\"never closed\n3,b\n")
        #expect(copy.problems.map(\.kind) == [.unclosedQuote])
        #expect(copy.problems.first?.position == "record 2 (line 3)")
    }

    @Test func aUTF16FileWithAMarkRoundTrips() throws {
        let source = try source(CSVDialects.utf16LE("id,name\r\n1,\"a\"\r\n2,b\r\n"))
        #expect(source.encoding == "UTF-16LE")
        let copy = try rewrite(source) { address, _ in address.number == 2 ? [1: "合同, 2019"] : [:] }
        #expect(copy.bytes == CSVDialects.utf16LE("id,name\r\n1,\"a\"\r\n2,\"合同, 2019\"\r\n"))
    }

    @Test func anOnlyFieldIsNeverEmptiedIntoAnEmptyLine() throws {
        let copy = try rewrite(try source(Array("path\na\n\"b\"\n".utf8))) { _, _ in [0: ""] }
        #expect(copy.bytes == Array("path\na\n\"b\"\n".utf8))
        #expect(copy.problems.map(\.kind) == [.unwritable, .unwritable])
        #expect(copy.problems.first?.message.contains("empty line") == true)
    }

    @Test func aHeaderChangedSinceTheSourceOpenedIsRefused() throws {
        let source = try source(Array("id,path\n1,a\n".utf8))
        SourceFixture.write(source.file, "id,file\n1,a\n")
        let error = SourceFixture.error { _ = try rewrite(source) }
        #expect(error?.message.contains("header changed") == true)
    }

    @Test func aLargeUTF8FileIsStreamed() throws {
        let count = 200_000
        var text = "id,name,path\n"
        var expected = "id,name,path\n"
        for i in 1...count {
            text += "\(i),name \(i),/old/\(i).pdf\n"
            expected += i % 2 == 0 ? "\(i),name \(i),/new/\(i).pdf\n" : "\(i),name \(i),/old/\(i).pdf\n"
        }
        let source = try source(Array(text.utf8))
        let copy = try rewrite(source, chunkSize: 4096) { address, values in
            address.number % 2 == 0 ? [2: "/new/\(values[0]).pdf"] : [:]
        }
        #expect(copy.summary.records == count && copy.summary.changedRecords == count / 2)
        #expect(copy.bytes == Array(expected.utf8))
        // Never more than a few chunks held, while the file is ~5 MB.
        #expect(copy.summary.peakBufferedBytes < 4 * 4096)
        #expect(text.utf8.count > 100 * copy.summary.peakBufferedBytes)
    }

    @Test func aCopyCanBeWrittenToAFileAtomically() throws {
        let source = try source(Array("id,path\n1,a\n".utf8))
        let target = dir + "/copy.csv"
        let summary = try CSVRewriter(source: source).rewrite(toFile: target, problem: { _ in }) { _, _ in [1: "b"] }
        #expect(summary.changedRecords == 1)
        #expect(FileManager.default.contents(atPath: target) == Data("id,path\n1,b\n".utf8))
    }
}
