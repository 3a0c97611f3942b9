import Foundation
import Testing
@testable import AttacheRecords

@Suite("Text files record source")
final class SourceTextFilesTests {
    let dir = SourceFixture.folder()
    deinit { SourceFixture.remove(dir) }
    var notes: String { dir + "/notes" }

    func source(encoding: String? = nil) throws(SourceError) -> TextFilesSource {
        try TextFilesSource(name: "notes", folder: notes, encoding: encoding)
    }

    @Test func everyRegularFileIsARecordInPathByteOrder() throws {
        SourceFixture.write(notes + "/b.txt", "see K:\\scans\\b.pdf")
        SourceFixture.write(notes + "/a/z.txt", "z")
        SourceFixture.write(notes + "/a.txt", "a")
        SourceFixture.write(notes + "/a/b/c.html", "<p><a href=\"file:///K:/x.pdf\">x</a></p>")
        SourceFixture.write(notes + "/A.txt", "upper")
        SourceFixture.write(notes + "/empty.txt", "")
        SourceFixture.write(notes + "/Письма/1.eml", "Привет")
        SourceFixture.write(notes + "/.DS_Store", [0x00, 0x01, 0xFF])
        SourceFixture.write(notes + "/.git/config", "hidden")
        let reading = try SourceFixture.read(try source())
        #expect(reading.problems.isEmpty)
        // Byte order of the relative paths, as `LC_ALL=C sort` lists them: "a.txt" < "a/…".
        #expect(reading.keys == [["A.txt"], ["a.txt"], ["a/b/c.html"], ["a/z.txt"], ["b.txt"], ["empty.txt"],
                                 ["Письма/1.eml"]])
        #expect(reading.records.map(\.position) == reading.keys.map { $0[0] })
        #expect(reading.records[4].fields == ["text": "see K:\\scans\\b.pdf"])
        #expect(reading.records[5].fields == ["text": ""])
        #expect(reading.records[6].fields["text"] == "Привет")
        #expect(try source().columns == ["text"])
    }

    @Test func linksAndSpecialFilesAreReportedNeverFollowedOrOpened() throws {
        SourceFixture.write(notes + "/real.txt", "real")
        SourceFixture.write(dir + "/outside/secret.txt", "outside")
        try FileManager.default.createSymbolicLink(atPath: notes + "/link.txt", withDestinationPath: notes + "/real.txt")
        try FileManager.default.createSymbolicLink(atPath: notes + "/outside", withDestinationPath: dir + "/outside")
        #expect(mkfifo(notes + "/pipe", 0o600) == 0)
        let reading = try SourceFixture.read(try source())
        #expect(reading.keys == [["real.txt"]])
        #expect(reading.problems.count == 3)
        #expect(reading.problems.allSatisfy { $0.kind == .unreadable && !$0.fatal })
        #expect(reading.problems.map { ($0.file as NSString).lastPathComponent } == ["link.txt", "outside", "pipe"])
        #expect(reading.problems[0].message.contains("symbolic link"))
        #expect(reading.problems[2].message.contains("never opened"))
    }

    @Test func aMissingFolderOrAFileIsNotFound() throws {
        #expect(SourceFixture.error { _ = try source() }?.kind == .notFound)
        SourceFixture.write(notes, "a file")
        let error = SourceFixture.error { _ = try source() }
        #expect(error?.kind == .notFound)
        #expect(error?.message.contains("not a folder") == true)
    }

    @Test func anUnknownEncodingIsABadOption() throws {
        SourceFixture.write(notes + "/a.txt", "a")
        let error = SourceFixture.error { _ = try source(encoding: "klingon-8") }
        #expect(error?.kind == .badOption && error?.fatal == true)
    }

    @Test func legacyEncodingsDecodeWhenDeclaredOrMarked() throws {
        SourceFixture.write(notes + "/cp1251.txt", SourceEncodingTests.cp1251)
        let reading = try SourceFixture.read(try source(encoding: "windows-1251"))
        #expect(reading.records.first?.fields["text"] == "Привет, мир")
        SourceFixture.remove(notes + "/cp1251.txt")

        SourceFixture.write(notes + "/utf16.txt", [0xFF, 0xFE] + Array("D:\\Договоры\\1.doc".utf16).flatMap {
            [UInt8($0 & 0xFF), UInt8($0 >> 8)]
        })
        SourceFixture.write(notes + "/page.html", Array("<html><meta charset=gb18030><body>".utf8) + SourceEncodingTests.gb18030)
        let marked = try SourceFixture.read(try source())
        #expect(marked.problems.isEmpty)
        #expect(marked.records.map { $0.fields["text"]! } == ["<html><meta charset=gb18030><body>中文 😀 €",
                                                               "D:\\Договоры\\1.doc"])
        let gb = try SourceFixture.read(try source(encoding: "gb18030"))
        #expect(gb.records[0].fields["text"]!.hasSuffix("中文 😀 €"))
    }

    @Test func undecodableFilesAreReportedWithOffsetAndSkipped() throws {
        SourceFixture.write(notes + "/a.txt", "fine")
        SourceFixture.write(notes + "/b.txt", Array("line one\nline two: ".utf8) + SourceEncodingTests.cp1251)
        SourceFixture.write(notes + "/c.txt", "also fine")
        let reading = try SourceFixture.read(try source())
        #expect(reading.keys == [["a.txt"], ["c.txt"]])
        let problem = try #require(reading.problems.first)
        #expect(problem.kind == .undecodable && !problem.fatal)
        #expect(problem.file == notes + "/b.txt")
        #expect(problem.position == "byte 19 (line 2)")
        #expect(problem.message.contains("encoding:"))
        #expect(problem.message.contains("cp1251"))
    }

    @Test func aNameThatIsNotUTF8IsReported() throws {
        SourceFixture.write(notes + "/ok.txt", "ok")
        let name = Array((notes + "/").utf8) + [0xCF, 0xF0, 0x2E, 0x74, 0x78, 0x74] // "Пр.txt" in cp1251
        let fd = (name.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o600) }
        #expect(fd >= 0)
        close(fd)
        let reading = try SourceFixture.read(try source())
        #expect(reading.keys == [["ok.txt"]])
        #expect(reading.problems.map(\.kind) == [.undecodable])
        #expect(reading.problems.first?.message.contains("\\xCF\\xF0.txt") == true)
    }

    @Test func readingChangesNothing() throws {
        SourceFixture.write(notes + "/a.txt", "a")
        SourceFixture.write(notes + "/sub/b.html", "<p>b</p>")
        let before = [notes + "/a.txt", notes + "/sub/b.html"].map(SourceFixture.fingerprint)
        _ = try SourceFixture.read(try source())
        #expect([notes + "/a.txt", notes + "/sub/b.html"].map(SourceFixture.fingerprint) == before)
    }
}
