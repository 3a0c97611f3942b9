import Testing
@testable import AttacheRecords

/// Paths in HTML: link attributes (entities decoded, exact raw spans) and text between tags.
@Suite struct GrammarHTMLTests {
    @Test func hrefValueIsTheCandidate() throws {
        let text = #"<p>Scan: <a href="\\FILESRV01\CRM\a b.pdf">the contract</a></p>"#
        let found = GrammarCheck.extract(text)
        try #require(found.count == 1)
        #expect(found[0].raw == #"\\FILESRV01\CRM\a b.pdf"#)
        #expect(found[0].start == GrammarCheck.offset(of: #"\\FILESRV01"#, in: text))
        #expect(found[0].inAttribute)
        #expect(found[0].spelling == PathSpelling(style: .unc, host: "FILESRV01", share: "CRM", components: ["a b.pdf"], usedBackslashes: true))
    }

    @Test(arguments: [
        #"<a href='K:\x y\a.pdf'>a</a>"#,
        #"<A HREF = "K:\x y\a.pdf">a</A>"#,
        "<a\nhref\n=\n\"K:\\x y\\a.pdf\"\n>a</a>",
        #"<img alt="scan" SRC="K:\x y\a.pdf" width=10>"#,
        #"<td background="K:\x y\a.pdf">"#,
        #"<a title="x" href=" K:\x y\a.pdf ">a</a>"#,
    ])
    func attributeForms(text: String) throws {
        let found = GrammarCheck.extract(text).filter(\.inAttribute)
        #expect(found.map(\.raw) == [#"K:\x y\a.pdf"#])
        #expect(found.first?.spelling.components == ["x y", "a.pdf"])
    }

    @Test func unquotedAttributeValueEndsAtWhitespaceOrTagEnd() {
        let found = GrammarCheck.extract(#"<a href=K:\x\a.pdf>a</a> <a href=.\b.pdf target=_blank>b</a>"#)
        #expect(found.map(\.raw) == [#"K:\x\a.pdf"#, #".\b.pdf"#])
        #expect(found.allSatisfy { $0.inAttribute })
    }

    @Test(arguments: [
        (#"K:\Smith &amp; Sons\a.pdf"#, "Smith & Sons", "a.pdf"),
        (#"K:\O&#39;Brien\a.pdf"#, "O'Brien", "a.pdf"),
        (#"K:\&#x41;cme\a.pdf"#, "Acme", "a.pdf"),
        (#"K:\a&nbsp;b\a.pdf"#, "a b", "a.pdf"),
        (#"K:\&quot;Q&quot;\a.pdf"#, "\"Q\"", "a.pdf"),
        (#"K:\a&lt;b&gt;\a.pdf"#, "a<b>", "a.pdf"),
        (#"K:\Caf&eacute;\r&eacute;sum&eacute;.pdf"#, "Café", "résumé.pdf"),
        (#"K:\&laquo;Ромашка&raquo;\&#1040;кт.pdf"#, "«Ромашка»", "Акт.pdf"),
        (#"K:\R&D\AT&T.pdf"#, "R&D", "AT&T.pdf"),
        (#"K:\x&#150;y\a.pdf"#, "x–y", "a.pdf"),
    ])
    func entitiesAreDecodedInAttributes(value: String, folder: String, name: String) throws {
        let text = "<a href=\"" + value + "\">x</a>"
        let found = GrammarCheck.extract(text)
        try #require(found.count == 1)
        #expect(found[0].raw == value)  // the span keeps the entities as written
        #expect(found[0].start == 9)
        #expect(found[0].spelling.components == [folder, name])
    }

    @Test(arguments: [
        #"<a href="http://example.com/K:/a.pdf">x</a>"#,
        #"<a href="https://example.com/a.pdf">\\</a>"#,
        #"<a href="mailto:a@example.com?subject=K:\a.pdf">x</a>"#,
        #"<a href="//cdn.example.com/lib/x.pdf">x</a>"#,
        ##"<a href="#top">x</a>"##,
        #"<a href="index.php?module=Documents&amp;record=12">x</a>"#,
        #"<a href="/index.php?module=Contacts">x</a>"#,
        #"<a href="scans/x.pdf">x</a>"#,
        #"<img src="cid:image001.png@01D5A1B2.C3D4E5F0">"#,
        #"<img src="data:image/png;base64,iVBORw0KGgo=">"#,
        #"<a href="javascript:open('K:\\x.pdf')">x</a>"#,
        #"<a href="www.example.com/a.pdf">x</a>"#,
        #"<a href="">x</a>"#,
        #"<a href="K:">x</a>"#,
    ])
    func linkAttributesThatAreNotReferences(text: String) {
        #expect(GrammarCheck.raws(text).isEmpty)
    }

    @Test func attributeSpanSkipsSurroundingLineBreaksAndEntities() throws {
        let text = "<a href=\"\n\tK:\\x\\&#97;.pdf&nbsp;\r\n\">x</a>"
        let found = GrammarCheck.extract(text)
        try #require(found.count == 1)
        #expect(found[0].raw == #"K:\x\&#97;.pdf"#)
        #expect(found[0].start == 11)
        #expect(found[0].spelling.components == ["x", "a.pdf"])
    }

    @Test func attributeWithALineBreakInsideIsJoined() throws {
        let found = GrammarCheck.extract("<a href=\"K:\\scans\\long\nname.pdf\">x</a>")
        #expect(found.map(\.raw) == ["K:\\scans\\long\nname.pdf"])
        #expect(found.first?.spelling.components == ["scans", "longname.pdf"])
    }

    @Test func textPathEndsBeforeATrailingEntity() throws {
        let text = #"<p>K:\scans\a&#32;b.pdf&nbsp;&nbsp;next</p>"#
        let found = GrammarCheck.extract(text)
        #expect(found.map(\.raw) == [#"K:\scans\a&#32;b.pdf"#])
        #expect(found.first?.spelling.components == ["scans", "a b.pdf"])
    }

    @Test func posixAndRelativeAttributes() {
        let text = #"<img src="/var/www/vtigercrm/storage/a b.png"><a href="/index.php">x</a><a href="./scans/c.pdf">c</a>"#
        let found = GrammarCheck.extract(text, prefixes: ["/var/www/vtigercrm/"])
        #expect(found.map(\.raw) == ["/var/www/vtigercrm/storage/a b.png", "./scans/c.pdf"])
        #expect(found.map(\.spelling.style) == [.posix, .relative])
    }

    @Test func fileURLAttributeFragmentStaysOutOfTheSpan() throws {
        let text = #"<a href="file:///K:/Price%20list.pdf#page=2">prices</a>"#
        let found = GrammarCheck.extract(text)
        try #require(found.count == 1)
        #expect(found[0].raw == "file:///K:/Price%20list.pdf")
        #expect(found[0].spelling == PathSpelling(style: .fileURL, drive: "K", components: ["Price list.pdf"]))
    }

    @Test func fileURLAttributeWithEntity() throws {
        let text = #"<a href="file://srv/share/Smith%20&amp;%20Sons.pdf">x</a>"#
        let found = GrammarCheck.extract(text)
        #expect(found.map(\.raw) == ["file://srv/share/Smith%20&amp;%20Sons.pdf"])
        #expect(found.first?.spelling.components == ["Smith & Sons.pdf"])
    }

    @Test func textBetweenTagsEndsAtTheNextTag() throws {
        let text = #"<p>See \\FILESRV01\CRM\a b.pdf</p><p>K:\scans\folder<br>next</p>"#
        let found = GrammarCheck.extract(text)
        #expect(found.map(\.raw) == [#"\\FILESRV01\CRM\a b.pdf"#, #"K:\scans\folder"#])
        #expect(found.allSatisfy { !$0.inAttribute })
    }

    @Test func entitiesInTextContent() throws {
        let text = #"<p>K:\Smith &amp; Sons\O&#39;Brien.pdf&nbsp;and more</p>"#
        let found = GrammarCheck.extract(text)
        try #require(found.count == 1)
        #expect(found[0].raw == #"K:\Smith &amp; Sons\O&#39;Brien.pdf"#)
        #expect(found[0].spelling.components == ["Smith & Sons", "O'Brien.pdf"])
    }

    @Test func escapedQuotesAroundAPathInText() {
        let found = GrammarCheck.extract(#"<p>Open &quot;K:\scans\my folder&quot; please</p>"#)
        #expect(found.map(\.raw) == [#"K:\scans\my folder"#])
        let apostrophes = GrammarCheck.extract(#"<p>Open &#39;K:\scans\my folder&#39; please</p>"#)
        #expect(apostrophes.map(\.raw) == [#"K:\scans\my folder"#])
    }

    @Test func linkAndItsTextAreTwoReferences() {
        let found = GrammarCheck.extract(#"<a href="K:\x.pdf">K:\x.pdf</a>"#)
        #expect(found.map(\.raw) == [#"K:\x.pdf"#, #"K:\x.pdf"#])
        #expect(found.map(\.inAttribute) == [true, false])
        #expect(found.map(\.start) == [9, 19])
    }

    @Test func otherAttributesAreScannedAsText() {
        let found = GrammarCheck.extract(#"<span title="K:\t.pdf" onclick="window.open('file:///K:/x.pdf')" style="font-family:Arial">s</span>"#)
        #expect(found.map(\.raw) == [#"K:\t.pdf"#, "file:///K:/x.pdf"])
        #expect(found.allSatisfy { !$0.inAttribute })
    }

    @Test func strayAngleBracketsAreText() {
        #expect(GrammarCheck.raws(#"if a<b then K:\x.pdf"#) == [#"K:\x.pdf"#])
        #expect(GrammarCheck.raws(#"<K:\x.pdf> and <\\srv\s\y.pdf>"#) == [#"K:\x.pdf"#, #"\\srv\s\y.pdf"#])
        #expect(GrammarCheck.raws(#"From: Ann <ann@example.com> K:\z.pdf"#) == [#"K:\z.pdf"#])
    }

    @Test func wordMarkupDoesNotHidePaths() {
        let text = #"<p class=MsoNormal>See K:\a.docx<o:p></o:p></p><!-- \\srv\s\c.pdf -->"#
        #expect(GrammarCheck.raws(text) == [#"K:\a.docx"#, #"\\srv\s\c.pdf"#])
    }

    @Test func webLinkTextBetweenTagsIsNotAReference() {
        #expect(GrammarCheck.raws(#"<a href="http://x">http://x/C:\y.pdf</a> www.example.com\\srv\s\x.pdf"#).isEmpty)
    }

    @Test func unclosedTagDoesNotSwallowTheRest() {
        let text = #"<a href="K:\a.pdf >broken K:\b.pdf and <b>\\srv\s\c.pdf</b>"#
        let raws = GrammarCheck.raws(text)
        #expect(raws.contains(#"\\srv\s\c.pdf"#))
        #expect(raws.contains(#"K:\b.pdf"#))
    }

    @Test func spansInCyrillicAndChineseHTML() throws {
        let text = #"<p>Счёт: <a href="\\srv\Бухгалтерия\Счёт №5.pdf">счёт</a>，合同：<b>K:\合同\合同.pdf</b></p>"#
        let found = GrammarCheck.extract(text)
        #expect(found.map(\.raw) == [#"\\srv\Бухгалтерия\Счёт №5.pdf"#, #"K:\合同\合同.pdf"#])
        #expect(found.first?.start == GrammarCheck.offset(of: #"\\srv"#, in: text))
        #expect(found.last?.start == GrammarCheck.offset(of: #"K:\"#, in: text))
    }
}
