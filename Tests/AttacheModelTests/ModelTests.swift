import Testing
@testable import AttacheModel

@Suite struct RawPathTests {
    @Test func validUTF8IsShownAsIs() {
        let p = RawPath("Договоры/合同 №5.pdf")
        #expect(p.isValidUTF8)
        #expect(p.display == "Договоры/合同 №5.pdf")
    }

    @Test func invalidBytesAreEscapedAndNamesStayDistinct() {
        // "caf" + 0xE9 (Latin-1 é): not UTF-8.
        let latin1 = RawPath(bytes: [0x63, 0x61, 0x66, 0xE9, 0x2E, 0x70, 0x64, 0x66])
        #expect(!latin1.isValidUTF8)
        #expect(latin1.display == "caf\\xE9.pdf")
        // A name literally spelled "caf\xE9.pdf" in valid UTF-8 differs in bytes and in display once mixed with bad bytes.
        let mixed = RawPath(bytes: Array("a\\b".utf8) + [0xFF])
        #expect(mixed.display == "a\\\\b\\xFF")
        #expect(latin1 != RawPath("caf\\xE9.pdf"))
    }

    @Test func componentsAndExtensions() {
        let p = RawPath("storage/2014/March/week2/123_Invoice.PDF")
        #expect(p.lastComponent.display == "123_Invoice.PDF")
        #expect(p.firstComponent?.display == "storage")
        #expect(p.fileExtension == "pdf")
        #expect(RawPath(".profile").fileExtension == "")
        #expect(RawPath("noext").fileExtension == "")
        #expect(RawPath("a.tar.gz").fileExtension == "gz")
        #expect(RawPath("dir").appending(RawPath("x")).display == "dir/x")
        #expect(RawPath(bytes: []).appending(RawPath("x")).display == "x")
    }
}

@Suite struct UnitTests {
    @Test func byteCountFormatsInBinaryUnits() {
        #expect(ByteCount(0).description == "0 B")
        #expect(ByteCount(1023).description == "1023 B")
        #expect(ByteCount(1536).description == "1.50 KiB")
        #expect(ByteCount(Int64(9_880_000_000)).description == "9.20 GiB")
        #expect(ByteCount(Int64(150) << 20).description == "150 MiB")
    }

    @Test func byteCountParsesWhatPeopleWrite() {
        #expect(ByteCount.parse("50 GiB") == ByteCount(Int64(50) << 30))
        #expect(ByteCount.parse("250GB") == ByteCount(Int64(250_000_000_000)))
        #expect(ByteCount.parse("4096") == ByteCount(4096))
        #expect(ByteCount.parse("1.5 KiB") == ByteCount(1536))
        #expect(ByteCount.parse("  2 mb ") == ByteCount(2_000_000))
        #expect(ByteCount.parse("lots") == nil)
        #expect(ByteCount.parse("5 parsecs") == nil)
        #expect(ByteCount.parse("-1 GB") == nil)
        #expect(ByteCount.parse("") == nil)
    }

    @Test func contentHashValidatesHex() {
        #expect(ContentHash(hex: String(repeating: "a", count: 64)) != nil)
        #expect(ContentHash(hex: String(repeating: "g", count: 64)) == nil)
        #expect(ContentHash(hex: "abc") == nil)
        #expect(ContentHash(bytes: [0x00, 0xFF, 0x10]).hex == "00ff10")
    }

    @Test func timestampsAreUTCCivilDates() {
        #expect(Timestamp(nanoseconds: 0).iso8601 == "1970-01-01T00:00:00Z")
        #expect(Timestamp(seconds: 1_394_529_300, nanoseconds: 5).iso8601 == "2014-03-11T09:15:00Z")
        #expect(Timestamp(seconds: 951_782_400, nanoseconds: 0).iso8601 == "2000-02-29T00:00:00Z")
        #expect(Timestamp(seconds: -1, nanoseconds: 0).iso8601 == "1969-12-31T23:59:59Z")
    }

    @Test func aCivilDateIsTheInverseOfUTC() {
        #expect(Timestamp(utcYear: 2014, month: 3, day: 11, hour: 9, minute: 15) == Timestamp(seconds: 1_394_529_300, nanoseconds: 0))
        #expect(Timestamp(utcYear: 2000, month: 2, day: 29).iso8601 == "2000-02-29T00:00:00Z")
        #expect(Timestamp(utcYear: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59).seconds == -1)
        // Every day 1900–2100 round-trips through `utc`.
        var t = Timestamp(utcYear: 1900, month: 1, day: 1)
        while t.utc.year <= 2100 {
            let c = t.utc
            #expect(Timestamp(utcYear: c.year, month: c.month, day: c.day) == t)
            t = Timestamp(seconds: Int(t.seconds) + 86_400, nanoseconds: 0)
        }
    }

    @Test func digitsAreGrouped() {
        #expect(groupedDigits(0) == "0")
        #expect(groupedDigits(1234567) == "1,234,567")
        #expect(groupedDigits(-1000) == "-1,000")
        #expect(formatFixed(2.345, digits: 1) == "2.3")
        #expect(formatFixed(0.05, digits: 1) == "0.1")
    }
}

@Suite struct ClassificationTests {
    @Test(arguments: [
        ("application/pdf", "pdf", Category.pdf),
        ("image/jpeg", "jpg", .image),
        ("text/html", "doc", .html),
        ("message/rfc822", "eml", .email),
        ("application/vnd.ms-outlook", "msg", .email),
        ("application/zip", "docx", .document),
        ("application/zip", "xlsx", .spreadsheet),
        ("application/zip", "zip", .archive),
        ("application/CDFV2", "xls", .spreadsheet),
        ("application/CDFV2", "msg", .email),
        ("application/msword", "doc", .document),
        ("text/plain", "txt", .text),
        ("text/csv", "csv", .spreadsheet),
        ("application/x-dosexec", "exe", .executable),
        ("video/mp4", "mp4", .video),
        ("audio/mpeg", "mp3", .audio),
        ("application/octet-stream", "bin", .unknown),
    ])
    func categoryFromContent(mime: String, ext: String, expected: Category) {
        #expect(Classification.category(mime: mime, fileExtension: ext, size: 10) == expected)
    }

    @Test func emptyIsEmptyWhateverTheName() {
        #expect(Classification.category(mime: "inode/x-empty", fileExtension: "pdf", size: 0) == .empty)
    }

    @Test func extensionContradictions() {
        // A .doc that is really HTML (CRMs exported "Word" files that way).
        #expect(Classification.extensionContradicts(category: .html, mime: "text/html", fileExtension: "doc"))
        // A .pdf that is a JPEG.
        #expect(Classification.extensionContradicts(category: .image, mime: "image/jpeg", fileExtension: "pdf"))
        // Agreements and tolerated cases.
        #expect(!Classification.extensionContradicts(category: .pdf, mime: "application/pdf", fileExtension: "pdf"))
        #expect(!Classification.extensionContradicts(category: .archive, mime: "application/zip", fileExtension: "docx"))
        #expect(!Classification.extensionContradicts(category: .document, mime: "application/CDFV2", fileExtension: "xls"))
        #expect(!Classification.extensionContradicts(category: .text, mime: "text/plain", fileExtension: "csv"))
        #expect(!Classification.extensionContradicts(category: .image, mime: "image/png", fileExtension: ""))
        #expect(!Classification.extensionContradicts(category: .image, mime: "image/png", fileExtension: "weird"))
        #expect(!Classification.extensionContradicts(category: .empty, mime: "inode/x-empty", fileExtension: "pdf"))
    }
}

@Suite struct PathGlobTests {
    @Test func doubleStarMatchesAnyDepthIncludingNone() throws {
        let g = try PathGlob("**/.snapshot/**")
        #expect(g.matches(RawPath(".snapshot")))
        #expect(g.matches(RawPath("a/.snapshot")))
        #expect(g.matches(RawPath("a/b/.snapshot/x/y")))
        #expect(!g.matches(RawPath("a/snapshot")))
        #expect(!g.matches(RawPath("a/.snapshots")))
    }

    @Test func patternWithoutSlashMatchesTheNameAnywhere() throws {
        let g = try PathGlob("*.tmp")
        #expect(g.matches(RawPath("x.tmp")))
        #expect(g.matches(RawPath("a/b/x.tmp")))
        #expect(!g.matches(RawPath("a/x.tmp/y")))
        #expect(try PathGlob("Thumbs.db").matches(RawPath("scans/Thumbs.db")))
    }

    @Test func anchoredPatternsAndSets() throws {
        let g = try PathGlob("storage/20[01]?/*")
        #expect(g.matches(RawPath("storage/2014/March")))
        #expect(g.matches(RawPath("storage/2009/x")))
        #expect(!g.matches(RawPath("storage/2024/x")))
        #expect(!g.matches(RawPath("other/storage/2014/x")))
        #expect(try PathGlob("[!a]*").matches(RawPath("b")))
        #expect(!(try PathGlob("[!a]*").matches(RawPath("a"))))
    }

    @Test func matchesRawBytes() throws {
        let g = try PathGlob("caf*")
        #expect(g.matches(RawPath(bytes: [0x63, 0x61, 0x66, 0xE9])))
    }

    @Test func badPatternsAreRejected() {
        #expect(throws: PathGlob.Invalid.self) { try PathGlob("a/[bc") }
        #expect(throws: PathGlob.Invalid.self) { try PathGlob("  ") }
    }
}
