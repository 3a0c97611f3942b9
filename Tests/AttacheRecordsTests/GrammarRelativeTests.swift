import Testing
@testable import AttacheRecords

/// Bare relative paths, found only with `relative: true` (a source with `relative_base`).
@Suite struct GrammarRelativeTests {
    /// Extracts with `relative` on and checks the span contract (raw = the span's bytes).
    static func extract(_ text: String, prefixes: [String] = [],
                        sourceLocation: SourceLocation = #_sourceLocation) -> [FoundPath] {
        let found = PathGrammar.extract(from: text, posixPrefixes: prefixes, relative: true)
        let bytes = Array(text.utf8)
        var last = 0
        for f in found {
            #expect(f.start >= last && f.start < f.end && f.end <= bytes.count, sourceLocation: sourceLocation)
            guard f.start >= 0, f.start < f.end, f.end <= bytes.count else { continue }
            #expect(String(decoding: bytes[f.start..<f.end], as: UTF8.self) == f.raw, sourceLocation: sourceLocation)
            for s in f.longerStarts { #expect(s < f.start && s >= last, sourceLocation: sourceLocation) }
            last = f.end
        }
        return found
    }

    @Test func aPathInProseWithItsFolders() throws {
        let text = "Offer sent, see Attachments/2019/05/offer.pdf. Call back."
        let found = Self.extract(text)
        try #require(found.count == 1)
        #expect(found[0].raw == "Attachments/2019/05/offer.pdf")
        #expect(found[0].start == GrammarCheck.offset(of: "Attachments", in: text))
        #expect(found[0].spelling == PathSpelling(style: .relative, components: ["Attachments", "2019", "05", "offer.pdf"]))
        #expect(!found[0].inAttribute)
        // The words before it on the line are the longer starts, nearest first.
        #expect(found[0].longerStarts == [GrammarCheck.offset(of: "see", in: text)!])
    }

    @Test func cyrillicNamesWithSpacesStartAtTheFirstComponent() throws {
        let text = "Акт подписан, см. Договоры/АО Вектор/акт 3.pdf — проверить"
        let found = Self.extract(text)
        try #require(found.count == 1)
        #expect(found[0].raw == "Договоры/АО Вектор/акт 3.pdf")
        #expect(found[0].spelling.components == ["Договоры", "АО Вектор", "акт 3.pdf"])
        // `см.` ends in sentence punctuation: the search for longer starts stops before it.
        #expect(found[0].longerStarts.isEmpty)

        let plain = "Договор см Договоры/АО Вектор/акт 3.pdf"
        let f = try #require(Self.extract(plain).first)
        #expect(f.longerStarts == [GrammarCheck.offset(of: "см ", in: plain)!, 0])
        let longer = try #require(PathGrammar.relativePath(in: plain, from: f.longerStarts[0], to: f.end))
        #expect(longer.raw == "см Договоры/АО Вектор/акт 3.pdf")
        #expect(longer.spelling.components == ["см Договоры", "АО Вектор", "акт 3.pdf"])
    }

    @Test func chineseNamesWithSpacesAndBackslashes() throws {
        let text = "合同见 客户 资料\\2020 年\\合同 副本.docx。"
        let found = Self.extract(text)
        try #require(found.count == 1)
        #expect(found[0].raw == "资料\\2020 年\\合同 副本.docx")
        #expect(found[0].spelling.components == ["资料", "2020 年", "合同 副本.docx"])
        #expect(found[0].spelling.usedBackslashes)
        #expect(found[0].longerStarts == [GrammarCheck.offset(of: "客户", in: text)!, 0])
    }

    @Test func longerStartsStopAtQuotesTagsAndLineBreaks() throws {
        let quoted = "He wrote «Scans/x.pdf» today"
        #expect(Self.extract(quoted).map(\.raw) == ["Scans/x.pdf"])
        #expect(Self.extract(quoted).first?.longerStarts == [])
        let html = "<p>old text</p><p>new Scans/x.pdf</p>"
        let f = try #require(Self.extract(html).first)
        #expect(f.raw == "Scans/x.pdf")
        #expect(f.longerStarts == [GrammarCheck.offset(of: "new", in: html)!])
        let lines = "first line\nsecond Scans/x.pdf"
        #expect(Self.extract(lines).first?.longerStarts == [GrammarCheck.offset(of: "second", in: lines)!])
        let six = "a b c d e f g h Scans/x.pdf"
        #expect(Self.extract(six).first?.longerStarts.count == 6)
    }

    @Test func entitiesInHTMLTextBoundWords() throws {
        let text = "<p>&laquo;Scans/a b.pdf&raquo; и см&nbsp;Docs/x&amp;y.pdf</p>"
        let found = Self.extract(text)
        #expect(found.map(\.raw) == ["Scans/a b.pdf", "Docs/x&amp;y.pdf"])
        #expect(found.map(\.spelling.components) == [["Scans", "a b.pdf"], ["Docs", "x&y.pdf"]])
        #expect(found.first?.longerStarts == [])
        let see = try #require(GrammarCheck.offset(of: "см", in: text))
        #expect(found.last?.longerStarts == [see, GrammarCheck.offset(of: "и", in: text)!])
        let longer = try #require(PathGrammar.relativePath(in: text, from: see, to: found[1].end))
        #expect(longer.spelling.components == ["см Docs", "x&y.pdf"])
    }

    @Test func twoPathsInOneSentence() {
        let found = Self.extract("Scans/a b.pdf and Docs/c.docx, thanks")
        #expect(found.map(\.raw) == ["Scans/a b.pdf", "Docs/c.docx"])
        #expect(found.map(\.spelling.components) == [["Scans", "a b.pdf"], ["Docs", "c.docx"]])
    }

    @Test(arguments: [
        "Meeting on 05/06/2019, bring the contract.pdf",
        "Please review and/or sign the offer.pdf",
        "Ratio 1/2 or 3/4 of the total.",
        "Sent w/o the scan.pdf",
        "See example.com/files/offer.pdf",
        "See www.example.com/files/offer.pdf",
        "See https://example.com/files/offer.pdf",
        "Open index.php?module=Documents&file=a/b.pdf",
        "Folders Scans/2013 and Docs/old",
        "e.g./i.e. is not a path",
        "Home ~/Documents/x.pdf is not a record's",
        "/etc/passwd.bak is absolute",
        "mail me a@b.com/x.pdf",
        "Ticket #12/x.pdf",
    ])
    func notPaths(text: String) {
        #expect(Self.extract(text).isEmpty, "\(Self.extract(text).map(\.raw))")
    }

    @Test func relativeOffFindsNothingNew() {
        for text in ["see Attachments/2019/05/offer.pdf", "Договоры/АО Вектор/акт 3.pdf", #"<a href="Scans/2013/x.pdf">x</a>"#] {
            #expect(PathGrammar.extract(from: text).isEmpty)
            #expect(!Self.extract(text).isEmpty)
        }
        // What is found without `relative` is found the same with it.
        let text = #"K:\a\b.pdf, .\c.pdf and <a href="./d.pdf">d</a> and /var/www/vtigercrm/e.pdf"#
        let off = PathGrammar.extract(from: text, posixPrefixes: ["/var/www/vtigercrm/"])
        #expect(off.count == 4)
        #expect(Self.extract(text, prefixes: ["/var/www/vtigercrm/"]) == off)
    }

    @Test func hrefRelativeValueIsACandidate() throws {
        let text = #"<a href="Scans/2013/x.pdf">scan</a> <img src="img/Logo%20Big.png">"#
        let found = Self.extract(text)
        #expect(found.map(\.raw) == ["Scans/2013/x.pdf", "img/Logo%20Big.png"])
        #expect(found.allSatisfy { $0.inAttribute })
        #expect(found.first?.start == GrammarCheck.offset(of: "Scans", in: text))
        #expect(found.first?.spelling == PathSpelling(style: .relative, components: ["Scans", "2013", "x.pdf"]))
        #expect(found.last?.spelling.components == ["img", "Logo Big.png"])
        // Entities are decoded, the span keeps them.
        let amp = try #require(Self.extract(#"<a href="R&amp;D/plan.pdf">p</a>"#).first)
        #expect(amp.raw == "R&amp;D/plan.pdf" && amp.spelling.components == ["R&D", "plan.pdf"])
        // A bare name with an extension is a file too in an attribute.
        #expect(Self.extract(#"<a href="offer.docx">o</a>"#).map(\.raw) == ["offer.docx"])
    }

    @Test(arguments: [
        #"<a href="index.php?module=Documents&amp;record=5">doc</a>"#,
        #"<a href="index.php">home</a>"#,
        ##"<a href="#top">top</a>"##,
        #"<a href="?page=2">next</a>"#,
        #"<a href="/crm/x.pdf">x</a>"#,
        #"<a href="Scans/2013">folder</a>"#,
        #"<a href="cgi-bin/view.cgi">v</a>"#,
        #"<a href="admin/Default.aspx">v</a>"#,
        #"<a href="download.do">v</a>"#,
        #"<a href="mailto:a@b.com">m</a>"#,
        #"<a href="www.example.com/x.pdf">w</a>"#,
        #"<a href="Scans/x.pdf?download=1">x</a>"#,
    ])
    func webRelativeAttributesAreNotReferences(text: String) {
        #expect(Self.extract(text).isEmpty, "\(Self.extract(text).map(\.raw))")
    }
}
