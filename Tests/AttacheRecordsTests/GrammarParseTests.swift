import Testing
@testable import AttacheRecords

/// `PathGrammar.parse`: one path as a column or an alias spells it.
@Suite struct GrammarParseTests {
    // MARK: UNC

    @Test func uncWithSpaceInName() throws {
        let s = try #require(PathGrammar.parse(#"\\FILESRV01\CRM\a b.pdf"#))
        #expect(s == PathSpelling(style: .unc, host: "FILESRV01", share: "CRM", components: ["a b.pdf"], usedBackslashes: true))
    }

    @Test(arguments: [
        (#"\\server.corp.local\Shared Docs\2014\x.pdf"#, "server.corp.local", "Shared Docs", ["2014", "x.pdf"]),
        (#"\\10.0.0.5\scans$\x.pdf"#, "10.0.0.5", "scans$", ["x.pdf"]),
        (#"\\srv-01\share/a/b.pdf"#, "srv-01", "share", ["a", "b.pdf"]),
        (#"\\srv\share\.\a\..\b"#, "srv", "share", ["a", "..", "b"]),
        (#"\\srv\share\\a\\b.pdf"#, "srv", "share", ["a", "b.pdf"]),
    ])
    func uncHostsShareAndComponents(text: String, host: String, share: String, components: [String]) throws {
        let s = try #require(PathGrammar.parse(text))
        #expect(s.style == .unc)
        #expect(s.host == host)
        #expect(s.share == share)
        #expect(s.components == components)
        #expect(s.usedBackslashes)
        #expect(s.drive == nil)
    }

    @Test func uncWrittenWithSlashesOnlyHere() throws {
        let s = try #require(PathGrammar.parse("//server/share/dir/x.pdf"))
        #expect(s == PathSpelling(style: .unc, host: "server", share: "share", components: ["dir", "x.pdf"], usedBackslashes: false))
        // A protocol-relative web link is not a share.
        #expect(PathGrammar.parse("//www.example.com/x.pdf") == nil)
    }

    @Test func uncAliasWithoutComponents() throws {
        let s = try #require(PathGrammar.parse(#"\\FILESRV01\CRM\"#))
        #expect(s == PathSpelling(style: .unc, host: "FILESRV01", share: "CRM", components: [], usedBackslashes: true))
        let bare = try #require(PathGrammar.parse(#"\\FILESRV01"#))
        #expect(bare.host == "FILESRV01" && bare.share == nil && bare.components.isEmpty)
    }

    @Test func uncExtendedLengthPrefixes() throws {
        let unc = try #require(PathGrammar.parse(#"\\?\UNC\srv\share\x.pdf"#))
        #expect(unc == PathSpelling(style: .unc, host: "srv", share: "share", components: ["x.pdf"], usedBackslashes: true))
        let drive = try #require(PathGrammar.parse(#"\\?\k:\long\x.pdf"#))
        #expect(drive == PathSpelling(style: .drive, drive: "K", components: ["long", "x.pdf"], usedBackslashes: true))
        #expect(PathGrammar.parse(#"\\?\Volume{1234}\x"#) == nil)
    }

    @Test(arguments: [#"\\"#, #"\\\x"#, #"\\my server\share\x"#, #"\\?\"#])
    func uncWithoutAUsableHost(text: String) {
        #expect(PathGrammar.parse(text) == nil)
    }

    // MARK: Drive

    @Test func driveWithBackslashes() throws {
        let s = try #require(PathGrammar.parse(#"K:\x\y.pdf"#))
        #expect(s == PathSpelling(style: .drive, drive: "K", components: ["x", "y.pdf"], usedBackslashes: true))
    }

    @Test func driveWithSlashesIsUpperCased() throws {
        let s = try #require(PathGrammar.parse("k:/x/y.pdf"))
        #expect(s == PathSpelling(style: .drive, drive: "K", components: ["x", "y.pdf"], usedBackslashes: false))
    }

    @Test func driveWithMixedSeparatorsUsedBackslashes() throws {
        #expect(PathGrammar.parse(#"K:/a\b.pdf"#)?.usedBackslashes == true)
        #expect(PathGrammar.parse(#"K:\a/b.pdf"#)?.components == ["a", "b.pdf"])
        #expect(PathGrammar.parse("K:/a/b.pdf")?.usedBackslashes == false)
    }

    @Test func driveAlias() throws {
        let s = try #require(PathGrammar.parse(#"K:\"#))
        #expect(s == PathSpelling(style: .drive, drive: "K", components: [], usedBackslashes: true))
    }

    @Test(arguments: ["K:", "K:x.pdf", "C:folder"])
    func driveNeedsASeparator(text: String) {
        #expect(PathGrammar.parse(text) == nil)
    }

    // MARK: File URLs

    @Test func fileURLWithDriveIsPercentDecoded() throws {
        let s = try #require(PathGrammar.parse("file:///K:/x%20y.pdf"))
        #expect(s == PathSpelling(style: .fileURL, drive: "K", components: ["x y.pdf"]))
    }

    @Test func fileURLWithHostAndShare() throws {
        let s = try #require(PathGrammar.parse("file://server/share/dir/x.pdf"))
        #expect(s == PathSpelling(style: .fileURL, host: "server", share: "share", components: ["dir", "x.pdf"]))
    }

    @Test func fileURLWithPosixPath() throws {
        let s = try #require(PathGrammar.parse("file:///var/www/vtigercrm/storage/x.pdf"))
        #expect(s == PathSpelling(style: .fileURL, components: ["var", "www", "vtigercrm", "storage", "x.pdf"]))
    }

    @Test(arguments: [
        ("file://localhost/K:/a.pdf", Character("K"), ["a.pdf"]),
        ("file:///k|/old/a.pdf", Character("K"), ["old", "a.pdf"]),
        ("file://C:/a.pdf", Character("C"), ["a.pdf"]),
        ("file:/D:/a.pdf", Character("D"), ["a.pdf"]),
        ("FILE:///K:/A.PDF", Character("K"), ["A.PDF"]),
        (#"file:///K:\dir\a.pdf"#, Character("K"), ["dir", "a.pdf"]),
    ])
    func fileURLDriveForms(text: String, drive: Character, components: [String]) throws {
        let s = try #require(PathGrammar.parse(text))
        #expect(s.style == .fileURL)
        #expect(s.drive == drive)
        #expect(s.host == nil)
        #expect(s.components == components)
    }

    @Test func fileURLLocalhostPosix() throws {
        let s = try #require(PathGrammar.parse("file://localhost/var/x.pdf"))
        #expect(s == PathSpelling(style: .fileURL, components: ["var", "x.pdf"]))
        let single = try #require(PathGrammar.parse("file:/var/x.pdf"))
        #expect(single == s)
    }

    @Test(arguments: ["file:////server/share/x.pdf", "file://///server/share/x.pdf"])
    func fileURLWithExtraSlashesIsUNC(text: String) throws {
        let s = try #require(PathGrammar.parse(text))
        #expect(s == PathSpelling(style: .fileURL, host: "server", share: "share", components: ["x.pdf"]))
    }

    @Test func fileURLWithBackslashes() throws {
        let s = try #require(PathGrammar.parse(#"file:\\srv\share\x%20y.pdf"#))
        #expect(s == PathSpelling(style: .fileURL, host: "srv", share: "share", components: ["x y.pdf"], usedBackslashes: true))
        let mixed = try #require(PathGrammar.parse(#"file:///\\FILESRV01\CRM\a.pdf"#))
        #expect(mixed.host == "FILESRV01" && mixed.share == "CRM" && mixed.components == ["a.pdf"])
    }

    @Test func fileURLDecodesMultiByteUTF8() throws {
        let s = try #require(PathGrammar.parse("file:///K:/%D0%A1%D1%87%D1%91%D1%82.pdf"))
        #expect(s.components == ["Счёт.pdf"])
        let cjk = try #require(PathGrammar.parse("file://srv/share/%E5%90%88%E5%90%8C.pdf"))
        #expect(cjk.components == ["合同.pdf"])
    }

    @Test func fileURLPlusIsNotASpace() throws {
        #expect(PathGrammar.parse("file:///K:/a+b%2Bc.pdf")?.components == ["a+b+c.pdf"])
    }

    @Test func fileURLBadEscapesAreKeptAsWritten() throws {
        // Latin-1 escapes are not UTF-8: the component stays as written rather than mangled.
        #expect(PathGrammar.parse("file:///K:/%E9t%E9.pdf")?.components == ["%E9t%E9.pdf"])
        #expect(PathGrammar.parse("file:///K:/100%.pdf")?.components == ["100%.pdf"])
        #expect(PathGrammar.parse("file:///K:/a%2")?.components == ["a%2"])
        #expect(PathGrammar.parse("file:///K:/a%00b")?.components == ["a%00b"])
    }

    @Test func fileURLDropsQueryAndFragment() throws {
        #expect(PathGrammar.parse("file:///K:/manual.pdf#page=3")?.components == ["manual.pdf"])
        #expect(PathGrammar.parse("file:///K:/a.pdf?x=1")?.components == ["a.pdf"])
        #expect(PathGrammar.parse("file:///K:/a%23b.pdf")?.components == ["a#b.pdf"])
    }

    @Test func fileURLHostWithoutShare() throws {
        let s = try #require(PathGrammar.parse("file://server/"))
        #expect(s.host == "server" && s.share == nil && s.components.isEmpty)
        #expect(PathGrammar.parse("file:relative/x") == nil)
    }

    // MARK: POSIX and relative

    @Test func posixAbsolute() throws {
        let s = try #require(PathGrammar.parse("/var/www/vtigercrm/storage/x"))
        #expect(s == PathSpelling(style: .posix, components: ["var", "www", "vtigercrm", "storage", "x"]))
        let alias = try #require(PathGrammar.parse("/var/www/vtigercrm/"))
        #expect(alias.components == ["var", "www", "vtigercrm"])
    }

    @Test func posixBackslashIsAName() throws {
        let s = try #require(PathGrammar.parse(#"/srv/a\b.pdf"#))
        #expect(s.components == ["srv", #"a\b.pdf"#])
        #expect(!s.usedBackslashes)
    }

    @Test(arguments: [
        (#".\scans\x.pdf"#, ["scans", "x.pdf"], true),
        ("./x", ["x"], false),
        (#"..\x.pdf"#, ["..", "x.pdf"], true),
        ("storage/2014/March/week2/123_Invoice.pdf", ["storage", "2014", "March", "week2", "123_Invoice.pdf"], false),
        ("upload/3f2c9a1e-7b7d-4c2a-9f0e-2d1c5b6a7e8f", ["upload", "3f2c9a1e-7b7d-4c2a-9f0e-2d1c5b6a7e8f"], false),
        ("Attachments/00P5000000ABC", ["Attachments", "00P5000000ABC"], false),
        ("filestore/prod/ab/ab12cd34", ["filestore", "prod", "ab", "ab12cd34"], false),
        ("00P5000000ABC", ["00P5000000ABC"], false),
        ("a/./b/../c", ["a", "b", "..", "c"], false),
        (#"\rooted\x.pdf"#, ["rooted", "x.pdf"], true),
        ("Meeting 10:30.txt", ["Meeting 10:30.txt"], false),
    ])
    func relative(text: String, components: [String], backslashes: Bool) throws {
        let s = try #require(PathGrammar.parse(text))
        #expect(s.style == .relative)
        #expect(s.components == components)
        #expect(s.usedBackslashes == backslashes)
    }

    // MARK: Trimming, decoding, refusals

    @Test func surroundingWhitespaceIsTrimmed() throws {
        #expect(PathGrammar.parse("  K:\\x.pdf \n")?.components == ["x.pdf"])
        #expect(PathGrammar.parse("\u{FEFF}\u{A0}K:\\x.pdf\u{A0}\u{3000}")?.components == ["x.pdf"])
        #expect(PathGrammar.parse("\t\\\\srv\\share\\a b.pdf  ")?.components == ["a b.pdf"])
    }

    @Test func columnsAreNotHTMLNorPercentDecodedOutsideFileURLs() throws {
        #expect(PathGrammar.parse(#"K:\a&amp;b.pdf"#)?.components == ["a&amp;b.pdf"])
        #expect(PathGrammar.parse(#"K:\a%20b.pdf"#)?.components == ["a%20b.pdf"])
    }

    @Test(arguments: [
        "", "   ", "\n", "http://example.com/a.pdf", "HTTPS://example.com/K:/a.pdf", "ftp://ftp.example.com/a.pdf",
        "mailto:a@example.com", "data:text/plain;base64,SGVsbG8=", "javascript:alert(1)", "#anchor", "?page=2",
        "www.example.com/a.pdf", "cid:image001.png@01D5A1B2.C3D4E5F0", "tel:+15551234", "smb://srv/share/x",
        "line\nbreak.pdf", "a\tb.pdf", "Re: contract.pdf",
    ])
    func notAFilePath(text: String) {
        #expect(PathGrammar.parse(text) == nil)
    }
}
