import Testing
@testable import AttacheRecords

@Suite("Text decoding")
struct SourceEncodingTests {
    static let cp1251: [UInt8] = [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2, 0x2C, 0x20, 0xEC, 0xE8, 0xF0] // Привет, мир
    static let gb18030: [UInt8] = [0xD6, 0xD0, 0xCE, 0xC4, 0x20, 0x94, 0x39, 0xFC, 0x36, 0x20, 0xA2, 0xE3] // 中文 😀 €

    func decoded(_ bytes: [UInt8], _ declared: String? = nil, html: Bool = false) -> String? {
        try? TextDecoding.decode(bytes, declared: declared, sniffHTML: html).get()
    }

    func problem(_ bytes: [UInt8], _ declared: String? = nil, html: Bool = false) -> DecodingProblem? {
        if case .failure(let p) = TextDecoding.decode(bytes, declared: declared, sniffHTML: html) { return p }
        return nil
    }

    @Test func declaredLegacyEncodingsDecode() {
        #expect(decoded(Self.cp1251, "cp1251") == "Привет, мир")
        #expect(decoded(Self.cp1251, "windows-1251") == "Привет, мир")
        #expect(decoded(Self.cp1251, "WINDOWS-1251") == "Привет, мир")
        #expect(decoded(Self.gb18030, "gb18030") == "中文 😀 €")
        #expect(decoded([0xD6, 0xD0, 0xCE, 0xC4], "gbk") == "中文")
        #expect(decoded([0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA], "shift_jis") == "日本語")
        #expect(decoded([0x63, 0x61, 0x66, 0xE9], "latin1") == "café")
        #expect(decoded([0x63, 0x61, 0x66, 0xE9], "iso-8859-1") == "café")
        #expect(decoded([0x14, 0x04, 0x30, 0x04], "utf-16le") == "Да")
        #expect(decoded(Array("plain".utf8), "utf-8") == "plain")
        #expect(decoded([], "cp1251") == "")
    }

    @Test func aByteOrderMarkDecidesAndIsDropped() {
        #expect(decoded([0xEF, 0xBB, 0xBF] + Array("id,name".utf8)) == "id,name")
        #expect(decoded([0xFF, 0xFE, 0x14, 0x04, 0x30, 0x04]) == "Да")
        #expect(decoded([0xFE, 0xFF, 0x04, 0x14, 0x04, 0x30]) == "Да")
        #expect(decoded([0xFF, 0xFE, 0x00, 0x00, 0x14, 0x04, 0x00, 0x00]) == "Д")
        #expect(decoded([0x00, 0x00, 0xFE, 0xFF, 0x00, 0x00, 0x04, 0x14]) == "Д")
        // The mark wins over a declaration that contradicts it.
        #expect(decoded([0xFF, 0xFE, 0x14, 0x04, 0x30, 0x04], "cp1251") == "Да")
        #expect(decoded([0xEF, 0xBB, 0xBF, 0xD0, 0x94], "cp1251") == "Д")
    }

    @Test func undeclaredTextThatIsNotUTF8IsAProblemWithOffsetAndLine() throws {
        let bytes = Array("first line\nsecond\r\nthird: ".utf8) + Self.cp1251
        let p = try #require(problem(bytes))
        #expect(p.kind == .invalidBytes)
        #expect(p.basis == .assumedUTF8)
        #expect(p.offset == 26)
        #expect(p.line == 3)
        #expect(p.position == "byte 26 (line 3)")
        #expect(p.message.contains("encoding:"))
        #expect(p.message.contains("cp1251"))
        #expect(p.message.contains("gb18030"))
        let source = p.sourceError(source: "notes", file: "/x/a.txt", fatal: false)
        #expect(source.kind == .undecodable && source.position == "byte 26 (line 3)" && !source.fatal)
    }

    @Test func bytesInvalidInTheDeclaredEncodingAreAProblem() throws {
        // 0x98 is the one byte cp1251 leaves undefined.
        let p = try #require(problem(Array("ok\nok ".utf8) + [0x98], "cp1251"))
        #expect(p.offset == 6 && p.line == 2)
        #expect(p.message.contains("cp1251"))
        let cut = try #require(problem(Array(Self.gb18030.prefix(7)), "gb18030"))
        #expect(cut.offset == 5)
        #expect(cut.message.contains("ends in the middle"))
        let utf8 = try #require(problem([0x61, 0xC3], "utf-8"))
        #expect(utf8.offset == 1 && utf8.basis == .declared)
    }

    @Test func unknownEncodingsAreRefused() throws {
        #expect(!TextDecoding.isKnownEncoding("klingon-8"))
        #expect(!TextDecoding.isKnownEncoding("cp1251//TRANSLIT"))
        #expect(!TextDecoding.isKnownEncoding(""))
        #expect(TextDecoding.isKnownEncoding("UTF8"))
        let p = try #require(problem([0x61], "klingon-8"))
        #expect(p.kind == .unknownEncoding)
        let error = p.sourceError(source: "s", file: "f", fatal: false)
        #expect(error.kind == .badOption && error.fatal)
    }

    @Test func utf16WithoutAMarkIsNotTakenForUTF8() throws {
        let bytes: [UInt8] = Array("Attachment K:\\a.pdf".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let p = try #require(problem(bytes))
        #expect(p.message.contains("utf-16le"))
        #expect(decoded(bytes, "utf-16le") == "Attachment K:\\a.pdf")
        #expect(decoded(Array("a\u{0}b".utf8)) == "a\u{0}b") // a stray NUL is still text
    }

    @Test func anHTMLMetaCharsetCountsAsADeclaration() {
        let head = Array("<html><head><meta charset=\"windows-1251\"><title>".utf8)
        #expect(decoded(head + Self.cp1251, html: true)?.hasSuffix("Привет, мир") == true)
        #expect(decoded(head + Self.cp1251, html: false) == nil)
        let httpEquiv = Array("<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=gb18030'>".utf8)
        #expect(decoded(httpEquiv + Self.gb18030, html: true)?.hasSuffix("中文 😀 €") == true)
        // Only the first KiB is searched; an unknown charset falls back to UTF-8.
        let late = Array(String(repeating: " ", count: 1100).utf8) + head
        #expect(decoded(late + Self.cp1251, html: true) == nil)
        #expect(decoded(Array("<meta charset=klingon>ü".utf8), html: true) == "<meta charset=klingon>ü")
        // The source's declaration wins over the meta tag.
        #expect(decoded(Array("<meta charset=utf-8>".utf8) + Self.cp1251, "cp1251", html: true)?.hasSuffix("мир") == true)
    }

    @Test func theUTF8ValidatorAgreesWithTheStandardLibrary() {
        var generator = SystemRandomNumberGenerator()
        let interesting: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xA0, 0xED, 0x9F,
                                    0xEF, 0xF0, 0x90, 0xF4, 0x8F, 0xF5, 0xFF]
        for _ in 0..<20_000 {
            let count = Int.random(in: 0...6, using: &generator)
            let bytes = (0..<count).map { _ in interesting.randomElement(using: &generator)! }
            let valid = bytes.withUnsafeBufferPointer { UTF8Validator.firstInvalidOffset(in: $0) } == nil
            #expect(valid == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
        }
        let offset = [UInt8]([0x61, 0xE2, 0x82, 0x41]).withUnsafeBufferPointer { UTF8Validator.firstInvalidOffset(in: $0) }
        #expect(offset == 1) // the sequence's first byte
    }

    @Test func linesEndAtLFCRLFOrALoneCR() {
        #expect(SourceLineCounter.breaks(in: "a\nb\r\nc\rd") == 3)
        #expect(SourceLineCounter.breaks(in: "\r\n\r\n") == 2)
        #expect(SourceLineCounter.breaks(in: "\n\r") == 2)
    }
}
