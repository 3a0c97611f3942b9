import Testing
@testable import AttacheRecords

@Suite("CSV record source")
final class SourceCSVTests {
    let dir = SourceFixture.folder()
    deinit { SourceFixture.remove(dir) }

    func csv(_ name: String, _ bytes: [UInt8], key: [String] = ["id"], deleted: String? = nil, modified: String? = nil,
             delimiter: Character? = nil, encoding: String? = nil) throws(SourceError) -> CSVRecordSource {
        SourceFixture.write(dir + "/" + name, bytes)
        return try CSVRecordSource(name: "export", file: dir + "/" + name, key: key, deleted: deleted,
                                   modified: modified, delimiter: delimiter, encoding: encoding)
    }

    func csv(_ name: String, _ text: String, key: [String] = ["id"], deleted: String? = nil, modified: String? = nil,
             delimiter: Character? = nil, encoding: String? = nil) throws(SourceError) -> CSVRecordSource {
        try csv(name, Array(text.utf8), key: key, deleted: deleted, modified: modified, delimiter: delimiter,
                encoding: encoding)
    }

    @Test func quotedFieldsHoldDelimitersQuotesAndLineBreaks() throws {
        let lines = [
            #"id,name,path,deleted,modified"#,
            #"1,"Smith, John","K:\scans\a b.pdf",0,2014-03-02"#,
            #"2,"He said ""hi""","multi"#,
            #"line"#,
            #"note",1,"#,
            "",
            #"3,plain,"\\FILESRV01\CRM\c.pdf",yes,2020-01-01"#,
        ]
        let source = try csv("basic.csv", lines.joined(separator: "\r\n") + "\r\n", deleted: "deleted",
                             modified: "modified")
        #expect(source.columns == ["id", "name", "path", "deleted", "modified"])
        #expect(source.encoding == "UTF-8")
        let reading = try SourceFixture.read(source)
        #expect(reading.problems.isEmpty)
        #expect(reading.keys == [["1"], ["2"], ["3"]])
        #expect(reading.records.map(\.position) == ["record 1 (line 2)", "record 2 (line 3)", "record 3 (line 7)"])
        #expect(reading.records[0].fields["name"] == "Smith, John")
        #expect(reading.records[0].fields["path"] == "K:\\scans\\a b.pdf")
        #expect(reading.records[1].fields["name"] == "He said \"hi\"")
        #expect(reading.records[1].fields["path"] == "multi\r\nline\r\nnote")
        #expect(reading.records[2].fields["path"] == "\\\\FILESRV01\\CRM\\c.pdf")
        #expect(reading.records.map(\.deleted) == [false, true, true])
        #expect(reading.records.map(\.modified) == ["2014-03-02", nil, "2020-01-01"])
        #expect(reading.records[1].fields["modified"] == "")
    }

    @Test func aUTF8ByteOrderMarkIsNotPartOfTheFirstColumnName() throws {
        for header in ["id,name", "\"id\",name"] {
            let source = try csv("bom.csv", [0xEF, 0xBB, 0xBF] + Array("\(header)\n7,x\n".utf8))
            #expect(source.columns == ["id", "name"])
            #expect(try SourceFixture.read(source).records.map(\.position) == ["record 1 (line 2)"])
        }
    }

    @Test(arguments: [(";", "id;name;path\n1;\"a;b\";c\n"), ("\t", "id\tname\tpath\n1\ta;b\tc\n"),
                      ("|", "id|name|path\n1|a;b|c\n")] as [(Character, String)])
    func otherDelimiters(delimiter: Character, text: String) throws {
        let reading = try SourceFixture.read(try csv("d.csv", text, delimiter: delimiter))
        #expect(reading.records.first?.fields == ["id": "1", "name": "a;b", "path": "c"])
    }

    @Test func lineNumbersFollowLFCRLFAndCR() throws {
        for (text, lines) in [("id,n\n1,a\n\n2,\"x\ny\"\n3,b", [2, 4, 6]), ("id,n\r1,a\r2,b\r", [2, 3]),
                              ("id,n\r\n1,\"a\rb\"\r\n2,b", [2, 4])] {
            let reading = try SourceFixture.read(try csv("lines.csv", text))
            #expect(reading.records.map(\.position) == lines.enumerated().map { "record \($0.offset + 1) (line \($0.element))" },
                    "\(text.debugDescription)")
        }
    }

    @Test func aRecordWithTheWrongFieldCountIsReportedAndSkipped() throws {
        let reading = try SourceFixture.read(try csv("short.csv", "id,name,path\n1,a,b\n2,only\n3,a,b,extra\n4,c,d\n"))
        #expect(reading.keys == [["1"], ["4"]])
        #expect(reading.problems.map(\.position) == ["record 2 (line 3)", "record 3 (line 4)"])
        #expect(reading.problems.allSatisfy { $0.kind == .malformedRecord && !$0.fatal })
        #expect(reading.problems[0].message.contains("2 fields but the header has 3"))
    }

    @Test func anUnclosedQuoteIsReportedOnTheLastRecord() throws {
        // The open quote swallows the rest of the file into one field — with the same field
        // count as the header, so only the scan for the quote notices.
        let reading = try SourceFixture.read(try csv("open.csv", "id,name\n1,ok\n2,\"never closed\n3,more\n"))
        #expect(reading.keys == [["1"]])
        let problem = try #require(reading.problems.first)
        #expect(problem.kind == .malformedRecord && !problem.fatal)
        #expect(problem.position == "record 2 (line 3)")
        #expect(problem.message.contains("an unclosed quote?"))
        #expect(problem.message.contains("line 3"))
        let fewer = try SourceFixture.read(try csv("open2.csv", "id,name,path\n1,\"x\n2,y,z\n"))
        #expect(fewer.records.isEmpty)
        #expect(fewer.problems.map(\.position) == ["record 1 (line 2)"])
        #expect(fewer.problems[0].message.contains("an unclosed quote?"))
        // A quote closed at the very end is fine, and so is a quote inside an unquoted field.
        let closed = try SourceFixture.read(try csv("closed.csv", "id,name\n1,\"a\nb\""))
        #expect(closed.problems.isEmpty && closed.records.count == 1)
        let inches = try SourceFixture.read(try csv("inches.csv", "id,size\n1,5\" disk\n2,x\n"))
        #expect(inches.problems.isEmpty && inches.records.map { $0.fields["size"]! } == ["5\" disk", "x"])
    }

    @Test func aStrayQuoteAfterAClosingQuoteSwallowsTheRestAndIsReported() throws {
        // CSV.swift stays inside the field after `"abc"d`; the scan follows it.
        let reading = try SourceFixture.read(try csv("stray.csv", "id,name\n1,\"abc\"def,ghi\n2,x\n"))
        #expect(reading.records.isEmpty)
        #expect(reading.problems.map(\.position) == ["record 1 (line 2)"])
        #expect(reading.problems.first?.message.contains("an unclosed quote?") == true)
    }

    @Test func lineNumbersAreExactForRandomlyQuotedFiles() throws {
        var state: UInt64 = 0x5EED
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let pieces = ["a", "b", ",", "\"", "\n", "\r\n", "\r", " ", "ж"]
        for round in 0..<150 {
            var text = "id,name,path" + ["\n", "\r\n", "\r"][next(3)]
            var expected: [String] = []
            let count = 1 + next(6)
            for record in 1...count {
                expected.append("record \(record) (line \(SourceLineCounter.breaks(in: text) + 1))")
                var fields = ["\(record)"]
                for _ in 0..<2 { fields.append((0..<next(5)).map { _ in pieces[next(pieces.count)] }.joined()) }
                text += fields.map { field -> String in
                    let special = field.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
                    return special || next(4) == 0 ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
                }.joined(separator: ",")
                text += record == count && next(3) == 0 ? "" : ["\n", "\r\n", "\r"][next(3)]
            }
            let reading = try SourceFixture.read(try csv("random.csv", text))
            #expect(reading.problems.isEmpty, "round \(round): \(text.debugDescription)")
            #expect(reading.records.map(\.position) == expected, "round \(round): \(text.debugDescription)")
        }
    }

    @Test func badHeadersAreFatalAtLineOne() throws {
        for (text, words) in [("", "empty"), ("id,name,id\n1,2,3\n", "twice"), ("id,,name\n", "no name"),
                              ("\nid,name\n", "first line is empty"), ("id,\"name\n1,x\n", "unclosed quote")] {
            let error = SourceFixture.error { _ = try csv("header.csv", text) }
            #expect(error?.kind == .malformedRecord, "\(text.debugDescription)")
            #expect(error?.position == "line 1")
            #expect(error?.fatal == true)
            #expect(error?.message.contains(words) == true, "\(String(describing: error))")
        }
        #expect(try SourceFixture.read(try csv("only-header.csv", "id,name\n")).records.isEmpty)
    }

    @Test func unknownColumnsListTheHeader() throws {
        let error = SourceFixture.error { _ = try csv("cols.csv", "Id,Name\n1,x\n", key: ["id"]) }
        #expect(error?.kind == .unknownColumn)
        #expect(error?.message.contains("Did you mean 'Id'?") == true)
        #expect(error?.message.contains("Id, Name") == true)
        let deleted = SourceFixture.error { _ = try csv("cols.csv", "Id,Name\n1,x\n", key: ["Id"], deleted: "deleted") }
        #expect(deleted?.position == "deleted")
    }

    @Test func missingFilesFoldersAndBadOptionsAreFatal() throws {
        let missing = SourceFixture.error {
            _ = try CSVRecordSource(name: "export", file: dir + "/nope.csv", key: [], deleted: nil, modified: nil,
                                    delimiter: nil, encoding: nil)
        }
        #expect(missing?.kind == .notFound && missing?.fatal == true)
        let folder = SourceFixture.error {
            _ = try CSVRecordSource(name: "export", file: dir, key: [], deleted: nil, modified: nil, delimiter: nil,
                                    encoding: nil)
        }
        #expect(folder?.kind == .unreadable)
        #expect(SourceFixture.error { _ = try csv("o.csv", "id\n1\n", delimiter: "\"") }?.kind == .badOption)
        #expect(SourceFixture.error { _ = try csv("o.csv", "id\n1\n", delimiter: "§") }?.kind == .badOption)
        #expect(SourceFixture.error { _ = try csv("o.csv", "id\n1\n", encoding: "klingon-8") }?.kind == .badOption)
    }

    @Test func aDeclaredLegacyEncodingIsDecoded() throws {
        let bytes = Array("id,name\n1,".utf8) + SourceEncodingTests.cp1251.prefix(6) + Array("\n".utf8)
        let source = try csv("cp1251.csv", bytes, encoding: "cp1251")
        #expect(source.encoding == "cp1251")
        let reading = try SourceFixture.read(source)
        #expect(reading.records.first?.fields["name"] == "Привет")
        #expect(reading.records.first?.position == "record 1 (line 2)")
    }

    @Test func undeclaredTextThatIsNotUTF8IsRefusedBeforeAnyRecord() throws {
        let bytes = Array("id,name\n1,ok\n2,".utf8) + SourceEncodingTests.cp1251 + Array("\n".utf8)
        let source = try csv("cp1251-undeclared.csv", bytes) // the header alone is fine
        var records = 0
        let error = SourceFixture.error { try source.forEachRecord({ _ in records += 1 }, problem: { _ in }) }
        #expect(records == 0)
        #expect(error?.kind == .undecodable && error?.fatal == true)
        #expect(error?.position == "byte 15 (line 3)")
        #expect(error?.message.contains("cp1251") == true)
        let header = SourceFixture.error { _ = try csv("bad-header.csv", SourceEncodingTests.cp1251 + Array("\n1\n".utf8)) }
        #expect(header?.kind == .undecodable)
        #expect(header?.position == "byte 0 (line 1)")
    }

    @Test func utf16WithAByteOrderMarkAndGB18030() throws {
        let text = "id,name\r\n1,\"Да, 中文\"\r\n"
        let utf16: [UInt8] = [0xFF, 0xFE] + Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let source = try csv("utf16.csv", utf16)
        #expect(source.encoding == "UTF-16LE")
        #expect(try SourceFixture.read(source).records.first?.fields["name"] == "Да, 中文")
        let gb = Array("id,name\n1,".utf8) + SourceEncodingTests.gb18030 + Array("\n".utf8)
        #expect(try SourceFixture.read(try csv("gb.csv", gb, encoding: "GB18030")).records.first?.fields["name"] == "中文 😀 €")
    }

    @Test func manyRecordsStream() throws {
        var text = "id,path\n"
        for i in 1...20_000 { text += "\(i),\"storage/2014/March/week2/\(i)_a, b.pdf\"\n" }
        var count = 0
        var last = ""
        try csv("many.csv", text).forEachRecord({ count += 1; last = $0.position }, problem: { _ in })
        #expect(count == 20_000)
        #expect(last == "record 20000 (line 20001)")
    }
}
