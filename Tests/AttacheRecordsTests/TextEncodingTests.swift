import Foundation
import Testing
@testable import AttacheRecords

@Suite("Text encoding back")
struct TextEncodingTests {
    static let cp1251 = TextEncoding(name: "cp1251", basis: .declared)

    @Test func aFileDecodesWithItsEncodingAndMark() throws {
        let utf8 = try TextEncoding.decode([0xEF, 0xBB, 0xBF] + Array("héllo".utf8), declared: "cp1251").get()
        #expect(utf8.text == "héllo" && utf8.encoding.name == "UTF-8" && utf8.encoding.byteOrderMark == [0xEF, 0xBB, 0xBF])
        let legacy = try TextEncoding.decode(try Self.cp1251.encode("акт").get(), declared: "cp1251").get()
        #expect(legacy.text == "акт" && legacy.encoding.name == "cp1251" && legacy.encoding.byteOrderMark.isEmpty)
        let html = Array("<meta charset=\"windows-1251\">".utf8) + (try Self.cp1251.encode("акт").get())
        let sniffed = try TextEncoding.decode(html, declared: nil, sniffHTML: true).get()
        #expect(sniffed.encoding.name == "windows-1251" && sniffed.encoding.basis == .htmlMeta)
        #expect(sniffed.text == (try TextDecoding.decode(html, declared: nil, sniffHTML: true).get()))
    }

    @Test func encodingNeverSubstitutesACharacter() throws {
        #expect(try Self.cp1251.encode("Договор №5").get() == [0xC4, 0xEE, 0xE3, 0xEE, 0xE2, 0xEE, 0xF0, 0x20, 0xB9, 0x35])
        guard case .failure(let problem) = Self.cp1251.encode("акт 合同.pdf") else {
            Issue.record("a Chinese name was written in cp1251")
            return
        }
        #expect(problem.character == "合" && problem.offset == 7)
        #expect(problem.message == "'合' (U+5408) cannot be written in cp1251, the text's encoding")
    }

    @Test func aTextThatDoesNotRoundTripIsRefused() throws {
        // ISO-2022-JP: a redundant switch to ASCII decodes to nothing and is not written again.
        let bytes: [UInt8] = [0x61, 0x1B, 0x28, 0x42, 0x62]
        guard case .failure(let problem) = TextEncoding.decode(bytes, declared: "ISO-2022-JP") else {
            Issue.record("a file that does not round-trip was accepted")
            return
        }
        #expect(problem.kind == .notRoundTrip && problem.offset == 1)
        #expect(problem.message.contains("does not round-trip through ISO-2022-JP; attache cannot rewrite it byte-exact"))
        #expect(problem.sourceError(source: "s", file: "f", fatal: false).kind == .undecodable)
    }

    @Test func aTextFileIsRewrittenInItsOwnEncoding() throws {
        let page = "<html><meta charset=\"windows-1251\"><a href=\"K:\\акт.pdf\">акт</a></html>"
        let bytes = try Self.cp1251.encode(page).get()
        let out = try TextFileRewrite.rewrite(bytes: bytes, path: "notes/a.html", declared: nil) {
            $0.replacingOccurrences(of: "K:\\акт.pdf", with: "\\\\NEWSRV\\crm\\акт 2.pdf")
        }.get()
        #expect(out.changed && out.encoding.name == "windows-1251")
        #expect(out.bytes == (try Self.cp1251.encode(page.replacingOccurrences(of: "K:\\акт.pdf",
                                                                                with: "\\\\NEWSRV\\crm\\акт 2.pdf")).get()))
        let kept = try TextFileRewrite.rewrite(bytes: bytes, path: "notes/a.html", declared: nil) { _ in nil }.get()
        #expect(kept.bytes == bytes && !kept.changed)
        let refused = TextFileRewrite.rewrite(bytes: bytes, path: "notes/a.html", declared: nil) { $0 + "合" }
        guard case .failure(.unencodable(let problem)) = refused else {
            Issue.record("a Chinese name was written in cp1251")
            return
        }
        #expect(problem.character == "合")
    }

    @Test func aByteOrderMarkIsKept() throws {
        let utf16: [UInt8] = [0xFF, 0xFE, 0x61, 0x00]
        let out = try TextFileRewrite.rewrite(bytes: utf16, declared: nil, sniffHTML: false) { $0 + "合" }.get()
        #expect(out.bytes == [0xFF, 0xFE, 0x61, 0x00, 0x08, 0x54])
        let utf8 = try TextFileRewrite.rewrite(bytes: [0xEF, 0xBB, 0xBF, 0x61], declared: nil, sniffHTML: false) {
            $0 + "b"
        }.get()
        #expect(utf8.bytes == [0xEF, 0xBB, 0xBF, 0x61, 0x62])
    }
}
