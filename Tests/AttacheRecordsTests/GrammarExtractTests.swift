import Testing
@testable import AttacheRecords

/// Helpers shared by the grammar's extraction tests.
enum GrammarCheck {
    /// Extracts and checks the span contract on every result: `raw` is exactly the bytes
    /// `start..<end` of `text`, results are in order and never overlap.
    static func extract(_ text: String, prefixes: [String] = [],
                        sourceLocation: SourceLocation = #_sourceLocation) -> [FoundPath] {
        let found = PathGrammar.extract(from: text, posixPrefixes: prefixes)
        let bytes = Array(text.utf8)
        var last = 0
        for f in found {
            #expect(f.start >= last && f.start < f.end && f.end <= bytes.count, "bad span \(f.start)..<\(f.end)",
                    sourceLocation: sourceLocation)
            guard f.start >= 0, f.start < f.end, f.end <= bytes.count else { continue }
            #expect(String(decoding: bytes[f.start..<f.end], as: UTF8.self) == f.raw, sourceLocation: sourceLocation)
            last = f.end
        }
        return found
    }

    static func raws(_ text: String, prefixes: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        extract(text, prefixes: prefixes, sourceLocation: sourceLocation).map(\.raw)
    }

    /// The UTF-8 offset of `needle` in `text`.
    static func offset(of needle: String, in text: String) -> Int? {
        let h = Array(text.utf8), n = Array(needle.utf8)
        guard n.count <= h.count else { return nil }
        for i in 0...(h.count - n.count) where Array(h[i..<(i + n.count)]) == n { return i }
        return nil
    }
}

/// `PathGrammar.extract`: which spellings are found in free text, and which are not.
@Suite struct GrammarExtractTests {
    @Test func uncInASentence() throws {
        let text = #"See \\FILESRV01\CRM\a b.pdf for details"#
        let found = GrammarCheck.extract(text)
        try #require(found.count == 1)
        #expect(found[0].raw == #"\\FILESRV01\CRM\a b.pdf"#)
        #expect(found[0].start == 4)
        #expect(found[0].end == 4 + found[0].raw.utf8.count)
        #expect(found[0].spelling == PathSpelling(style: .unc, host: "FILESRV01", share: "CRM", components: ["a b.pdf"], usedBackslashes: true))
        #expect(!found[0].inAttribute)
    }

    @Test(arguments: [
        (#"on \\server.corp.local\Shared\x.pdf today"#, #"\\server.corp.local\Shared\x.pdf"#, "server.corp.local"),
        (#"copied to \\10.1.2.3\scans$\2019\x.pdf."#, #"\\10.1.2.3\scans$\2019\x.pdf"#, "10.1.2.3"),
        (#"(\\СЕРВЕР\Общая\акт.pdf)"#, #"\\СЕРВЕР\Общая\акт.pdf"#, "СЕРВЕР"),
    ])
    func uncHosts(text: String, raw: String, host: String) {
        let found = GrammarCheck.extract(text)
        #expect(found.map(\.raw) == [raw])
        #expect(found.first?.spelling.host == host)
    }

    @Test func uncNeedsAShareAndAName() {
        #expect(GrammarCheck.raws(#"the server \\FILESRV01 is down"#).isEmpty)
        #expect(GrammarCheck.raws(#"the share \\FILESRV01\CRM is full"#).isEmpty)
        #expect(GrammarCheck.raws(#"regex \\d+ and \\s"#).isEmpty)
    }

    @Test func slashSlashIsNotAShareInFreeText() {
        #expect(GrammarCheck.raws("see //server/share/x.pdf and //cdn.example.com/lib.js").isEmpty)
    }

    @Test func driveWithEitherSeparator() throws {
        let found = GrammarCheck.extract(#"Scans: K:\scans\x.pdf and k:/other/y.pdf"#)
        #expect(found.map(\.raw) == [#"K:\scans\x.pdf"#, "k:/other/y.pdf"])
        #expect(found.map(\.spelling.drive) == ["K", "K"])
        #expect(found.map(\.spelling.usedBackslashes) == [true, false])
        #expect(found[1].spelling.components == ["other", "y.pdf"])
    }

    @Test(arguments: ["Plan B: call back", "at 10:30 in room C", "ratio 3:2", "Note:done", "K: drive is full",
                      #"Option A:\ "#, "xK:/a.pdf", #"size 2K:\a.pdf"#, "3D:/models/a.obj"])
    func notADrive(text: String) {
        #expect(GrammarCheck.raws(text).isEmpty)
    }

    @Test func driveRightAfterAWordAndColon() {
        #expect(GrammarCheck.raws(#"Path:K:\a.pdf"#) == [#"K:\a.pdf"#])
    }

    @Test(arguments: [
        #"http://intranet/docs?path=C:\x\y.pdf"#,
        #"https://example.com/\\FILESRV01\CRM\a.pdf"#,
        #"www.example.com/K:\a.pdf"#,
        #"WWW.Example.com\\FILESRV01\CRM\a.pdf"#,
        #"mailto:a@example.com?body=K:\x.pdf"#,
        #"http:\\FILESRV01\CRM\a.pdf"#,
        "ftp://ftp.example.com/pub/K:/x.pdf",
        "data:text/plain,K:/x.pdf",
        #"javascript:open('K:\x.pdf')"#,
        #"smb://nas/share/K:\x.pdf"#,
    ])
    func webLinksAreNeverReferences(text: String) {
        #expect(GrammarCheck.raws("see " + text + " now").isEmpty)
    }

    @Test func pathAfterAWebLink() {
        #expect(GrammarCheck.raws(#"http://intranet/x and K:\a.pdf"#) == [#"K:\a.pdf"#])
    }

    @Test func fileURLs() throws {
        let found = GrammarCheck.extract("open file:///K:/x%20y.pdf or file://server/share/dir/z.pdf, then file:///var/www/a.txt")
        #expect(found.map(\.raw) == ["file:///K:/x%20y.pdf", "file://server/share/dir/z.pdf", "file:///var/www/a.txt"])
        #expect(found[0].spelling == PathSpelling(style: .fileURL, drive: "K", components: ["x y.pdf"]))
        #expect(found[1].spelling == PathSpelling(style: .fileURL, host: "server", share: "share", components: ["dir", "z.pdf"]))
        #expect(found[2].spelling == PathSpelling(style: .fileURL, components: ["var", "www", "a.txt"]))
    }

    @Test func fileURLFragmentIsOutsideTheSpan() {
        let found = GrammarCheck.extract("manual: file:///K:/manual.pdf#page=3 (p. 3)")
        #expect(found.map(\.raw) == ["file:///K:/manual.pdf"])
        #expect(found.first?.spelling.components == ["manual.pdf"])
    }

    @Test func fileURLCaseAndUTF8() {
        let found = GrammarCheck.extract("File:///K:/%D0%A1%D1%87%D1%91%D1%82.pdf")
        #expect(found.map(\.spelling.components) == [["Счёт.pdf"]])
    }

    @Test(arguments: [
        (#"see .\scans\x.pdf now"#, #".\scans\x.pdf"#, ["scans", "x.pdf"]),
        ("see ./x.txt now", "./x.txt", ["x.txt"]),
        (#"up: ..\up\x.pdf"#, #"..\up\x.pdf"#, ["..", "up", "x.pdf"]),
        ("(../up/x.pdf)", "../up/x.pdf", ["..", "up", "x.pdf"]),
    ])
    func explicitRelative(text: String, raw: String, components: [String]) {
        let found = GrammarCheck.extract(text)
        #expect(found.map(\.raw) == [raw])
        #expect(found.first?.spelling.style == .relative)
        #expect(found.first?.spelling.components == components)
    }

    @Test(arguments: ["e.g./i.e. both", "Mr./Mrs. Smith", "wait.../done", "v1./x", "scans/x.pdf", "storage/2014/x.pdf",
                      ". / .", "./ x"])
    func notARelativePath(text: String) {
        #expect(GrammarCheck.raws(text).isEmpty)
    }

    @Test func posixOnlyUnderAKnownPrefix() throws {
        let text = "Stored at /var/www/vtigercrm/storage/2014/March/week2/123_Invoice.pdf, and/or /etc/passwd on 01/02/2019"
            + " (copy in /home/ann/Documents/vtiger-backup/123_Invoice.pdf)"
        #expect(GrammarCheck.raws(text).isEmpty)
        let found = GrammarCheck.extract(text, prefixes: ["/var/www/vtigercrm/"])
        #expect(found.map(\.raw) == ["/var/www/vtigercrm/storage/2014/March/week2/123_Invoice.pdf"])
        #expect(found.first?.spelling == PathSpelling(style: .posix, components: ["var", "www", "vtigercrm", "storage", "2014", "March", "week2", "123_Invoice.pdf"]))
    }

    @Test func posixPrefixWithoutTrailingSlashStillNeedsAComponentBoundary() {
        let prefixes = ["/var/www/vtigercrm"]
        #expect(GrammarCheck.raws("at /var/www/vtigercrm2/x.pdf", prefixes: prefixes).isEmpty)
        #expect(GrammarCheck.raws("at /var/www/vtigercrm/x.pdf", prefixes: prefixes) == ["/var/www/vtigercrm/x.pdf"])
        #expect(GrammarCheck.raws("the root /var/www/vtigercrm/ itself", prefixes: prefixes).isEmpty)
        #expect(GrammarCheck.raws("not a/var/www/vtigercrm/x.pdf", prefixes: prefixes).isEmpty)
    }

    @Test func posixNameWithSpacesEndsByExtension() {
        let found = GrammarCheck.raws("file /var/www/vtigercrm/storage/12_Annual report 2019.pdf was sent",
                                      prefixes: ["/var/www/vtigercrm/"])
        #expect(found == ["/var/www/vtigercrm/storage/12_Annual report 2019.pdf"])
    }

    @Test func spansInCyrillicText() throws {
        let text = #"Договор: \\FILESRV01\CRM\Счёт №5 от 01.11.2019.pdf — оплачен"#
        let found = GrammarCheck.extract(text)
        try #require(found.count == 1)
        #expect(found[0].raw == #"\\FILESRV01\CRM\Счёт №5 от 01.11.2019.pdf"#)
        #expect(found[0].start == "Договор: ".utf8.count)
        #expect(found[0].start == 16)
        #expect(found[0].spelling.components == ["Счёт №5 от 01.11.2019.pdf"])
    }

    @Test func spansInChineseTextWithoutSpaces() throws {
        let text = #"请看K:\合同\合同.pdf和其他文件。另见\\srv\共享\报价单.xlsx。"#
        let found = GrammarCheck.extract(text)
        #expect(found.map(\.raw) == [#"K:\合同\合同.pdf"#, #"\\srv\共享\报价单.xlsx"#])
        #expect(found.first?.start == "请看".utf8.count)
        #expect(found.last?.start == GrammarCheck.offset(of: #"\\srv"#, in: text))
        #expect(found.last?.spelling.components == ["报价单.xlsx"])
    }

    @Test func severalPathsInOrder() {
        let text = #"1) K:\a.pdf 2) \\srv\s\b.doc 3) file:///C:/c.txt 4) .\d.png 5) /var/www/vtigercrm/e.jpg"#
        #expect(GrammarCheck.raws(text, prefixes: ["/var/www/vtigercrm/"])
            == [#"K:\a.pdf"#, #"\\srv\s\b.doc"#, "file:///C:/c.txt", #".\d.png"#, "/var/www/vtigercrm/e.jpg"])
    }

    @Test func emptyAndPathlessText() {
        #expect(GrammarCheck.raws("").isEmpty)
        #expect(GrammarCheck.raws("Called the client, no answer. Will retry at 10:30; see notes.").isEmpty)
    }

    @Test func escapedBackslashesAreNotAShare() {
        #expect(GrammarCheck.raws(#"{"path":"\\\\srv\\share\\x.pdf"}"#).isEmpty)
    }
}
