import Testing
@testable import AttacheRecords

/// Where a path ends in plain text: names with spaces, punctuation, quotes and other scripts.
@Suite struct GrammarBoundaryTests {
    @Test(arguments: [
        // Two paths in one sentence, the second followed by a full stop.
        (#"See K:\a.pdf and K:\b.pdf."#, [#"K:\a.pdf"#, #"K:\b.pdf"#]),
        // A comma after the extension ends the path; a space inside the name does not.
        (#"K:\scans\contract 2014.pdf, signed"#, [#"K:\scans\contract 2014.pdf"#]),
        // A comma inside a folder name is kept: the only extension is at the end.
        (#"\\FILESRV01\CRM\Acme, Inc\x.pdf"#, [#"\\FILESRV01\CRM\Acme, Inc\x.pdf"#]),
        (#"Letter K:\Clients\O'Brien.pdf sent"#, [#"K:\Clients\O'Brien.pdf"#]),
        (#"(see K:\Invoices\Invoice (2).pdf)"#, [#"K:\Invoices\Invoice (2).pdf"#]),
        (#"K:\Smith & Sons #4\plan, final.docx; old"#, [#"K:\Smith & Sons #4\plan, final.docx"#]),
        (#"Оплата: K:\Бухгалтерия\Счёт №5 от 01.11.2019.pdf — оплачен"#, [#"K:\Бухгалтерия\Счёт №5 от 01.11.2019.pdf"#]),
        (#"合同在\\srv\合同\合同.pdf。"#, [#"\\srv\合同\合同.pdf"#]),
        // The first well-known extension wins over a later bare file name...
        (#"saved K:\a.pdf and also b.docx there"#, [#"K:\a.pdf"#]),
        // ...but an extension no one uses is just a dot in a name (longest wins).
        (#"K:\scans\Report.final version.pdf is here"#, [#"K:\scans\Report.final version.pdf"#]),
        (#"K:\Books\J.R.R. Tolkien.pdf!"#, [#"K:\Books\J.R.R. Tolkien.pdf"#]),
        // Only unknown extensions: the longest candidate ending in one.
        (#"K:\CAD\Floor plan v2.skp, rev 3"#, [#"K:\CAD\Floor plan v2.skp"#]),
        (#"K:\CAD\Plan.old v2.skp here"#, [#"K:\CAD\Plan.old v2.skp"#]),
        // A known extension inside a folder name: a backslash follows, so keep going.
        (#"\\srv\share\Backup.zip files\x.pdf ok"#, [#"\\srv\share\Backup.zip files\x.pdf"#]),
        (#"K:\a.tar.gz now"#, [#"K:\a.tar.gz"#]),
        (#"K:\a.pdf.bak now"#, [#"K:\a.pdf.bak"#]),
        // No extension at all: the first whitespace ends it; trailing punctuation dropped.
        (#"K:\scans\folder and more"#, [#"K:\scans\folder"#]),
        (#"in K:\scans\x."#, [#"K:\scans\x"#]),
        (#"in K:\scans\x;"#, [#"K:\scans\x"#]),
        (#"(K:\scans\x)"#, [#"K:\scans\x"#]),
        (#"see K:\Scans\Invoice(2) now"#, [#"K:\Scans\Invoice(2)"#]),
        (#"(see K:\Scans\Invoice(2))"#, [#"K:\Scans\Invoice(2)"#]),
        (#"[K:\scans\x.pdf]"#, [#"K:\scans\x.pdf"#]),
        (#"K:\scans\x.pdf: signed"#, [#"K:\scans\x.pdf"#]),
        (#"K:\a.pdf,K:\b.pdf"#, [#"K:\a.pdf"#, #"K:\b.pdf"#]),
        (#"K:\a.pdf;\\srv\s\b.pdf"#, [#"K:\a.pdf"#, #"\\srv\s\b.pdf"#]),
        // Whitespace followed by another path ends the first even without an extension.
        (#"K:\folder \\srv\share\x.pdf"#, [#"K:\folder"#, #"\\srv\share\x.pdf"#]),
        (#"K:\folder http://example.com/x.pdf"#, [#"K:\folder"#]),
        // Hard stops.
        ("K:\\a b.pdf|K:\\c.pdf", [#"K:\a b.pdf"#, #"K:\c.pdf"#]),
        ("K:\\a\nb.pdf", [#"K:\a"#]),
        ("K:\\one two\tthree.pdf", [#"K:\one"#]),
        (#"K:\x.pdf"then"#, [#"K:\x.pdf"#]),
        (#"K:\x*.pdf"#, [#"K:\x"#]),
        (#"is K:\x.pdf?"#, [#"K:\x.pdf"#]),
        (#"K:\a.pdf's pages"#, [#"K:\a.pdf's"#]),
        // Realistic notes.
        (#"Hi, the file is at K:\Sales\Q3 Report (final).xlsx - please review"#, [#"K:\Sales\Q3 Report (final).xlsx"#]),
        (#"Scan saved to K:\Scans\2019-11-01 14.35.22.jpg"#, [#"K:\Scans\2019-11-01 14.35.22.jpg"#]),
        (#"копия в \\FILESRV01\CRM\Клиенты\ООО «Ромашка»\Договор № 15-2019.pdf, оригинал у Ивана"#,
         [#"\\FILESRV01\CRM\Клиенты\ООО «Ромашка»\Договор № 15-2019.pdf"#]),
        (#"at C:\Users\ann\Desktop\todo .txt later"#, [#"C:\Users\ann\Desktop\todo .txt"#]),
        // Markdown code, C strings and JSON.
        (#"in `K:\x\y z.pdf` and **\\srv\s\z.pdf**"#, [#"K:\x\y z.pdf"#, #"\\srv\s\z.pdf"#]),
        (#"{"p":"K:\\Docs\\a b.pdf"} "C:\\Temp\\x.log""#, [#"K:\\Docs\\a b.pdf"#, #"C:\\Temp\\x.log"#]),
        // `..` is a component, not trailing punctuation.
        (#"go ..\.. now"#, [#"..\.."#]),
        (#"see K:\a\.. and K:\b\x."#, [#"K:\a\.."#, #"K:\b\x"#]),
    ])
    func endsWhereTheRuleSays(text: String, expected: [String]) {
        #expect(GrammarCheck.raws(text) == expected)
    }

    @Test(arguments: [
        (#"open "K:\scans\my folder" now"#, #"K:\scans\my folder"#),
        (#"open 'K:\scans\my folder' now"#, #"K:\scans\my folder"#),
        (#"'K:\Clients\O'Brien.pdf'"#, #"K:\Clients\O'Brien.pdf"#),
        (#"«K:\Договоры\Договор «Ромашка» 2019» подписан"#, #"K:\Договоры\Договор «Ромашка» 2019"#),
        (#"“K:\a b\c d” and more"#, #"K:\a b\c d"#),
        (#"„K:\Verträge\neu alt“"#, #"K:\Verträge\neu alt"#),
        (#"「K:\资料\年度 报告」"#, #"K:\资料\年度 报告"#),
        (#""K:\scans\x.pdf is missing""#, #"K:\scans\x.pdf"#),
        (#""K:\scans\notes.""#, #"K:\scans\notes"#),
        // No closing quote: the ordinary rule applies.
        (#"'K:\scans\my folder"#, #"K:\scans\my"#),
    ])
    func quotedPathEndsAtTheClosingQuote(text: String, raw: String) {
        #expect(GrammarCheck.raws(text) == [raw])
    }

    @Test func escapedBackslashesAreEmptyComponents() {
        let found = GrammarCheck.extract(#"{"p":"K:\\Docs\\a b.pdf"}"#)
        #expect(found.map(\.spelling.components) == [["Docs", "a b.pdf"]])
    }

    @Test func nonBreakingSpaceInsideANameReadsAsASpace() throws {
        let text = "K:\\scans\\a\u{A0}b.pdf\u{A0}ok"
        let found = GrammarCheck.extract(text)
        try #require(found.count == 1)
        #expect(found[0].raw == "K:\\scans\\a\u{A0}b.pdf")
        #expect(found[0].spelling.components == ["scans", "a b.pdf"])
    }

    @Test func ideographicSpaceIsWhitespace() {
        #expect(GrammarCheck.raws("K:\\资料\\报告.docx\u{3000}下一步") == [#"K:\资料\报告.docx"#])
    }

    @Test func extensionRules() {
        // 1–5 letters/digits with at least one letter; digits alone are not an extension.
        #expect(GrammarCheck.raws(#"K:\v1.2 final\x.7z done"#) == [#"K:\v1.2 final\x.7z"#])
        #expect(GrammarCheck.raws(#"K:\scans\2019.11 report"#) == [#"K:\scans\2019.11"#])
        #expect(GrammarCheck.raws(#"K:\scans\a.abcdef more"#) == [#"K:\scans\a.abcdef"#])
        #expect(GrammarCheck.raws(#"K:\scans\a.mp4 more"#) == [#"K:\scans\a.mp4"#])
    }

    @Test func overlyLongCandidatesAreCapped() {
        let name = String(repeating: "a", count: 10_000)
        let found = GrammarCheck.extract(#"K:\"# + name + ".pdf")
        #expect(found.count == 1)
        #expect((found.first?.raw.utf8.count ?? 0) <= 4096 + 3)
    }
}
