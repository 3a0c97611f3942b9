import AttacheConfig
import AttacheModel
import AttacheRecords
import Testing
@testable import AttacheReferences

@Suite struct ResolverTests {
    let share = ResolverRoot(id: 1, path: "/mnt/share", aliases: ["\\\\FILESRV01\\CRM\\", "K:\\"], caseInsensitive: true)
    let vtiger = ResolverRoot(id: 2, path: "/mnt/vtiger", aliases: ["/var/www/vtigercrm/"], caseInsensitive: false)

    func resolver(_ files: [(Int64, Int64, String, FileStatus)]) -> Resolver {
        Resolver(roots: [share, vtiger],
                 files: files.map { IndexedFile(id: $0.0, rootID: $0.1, path: RawPath($0.2), status: $0.3) },
                 parse: PathGrammar.parse)
    }

    func resolve(_ r: Resolver, _ text: String, base: String? = nil) -> Resolution {
        r.resolve(PathGrammar.parse(text)!, base: base.flatMap(PathGrammar.parse))
    }

    @Test func everySpellingOfARootReachesTheSameFile() {
        let r = resolver([(10, 1, "Contracts/Acme.pdf", .ok)])
        for spelling in ["\\\\FILESRV01\\CRM\\Contracts\\Acme.pdf", "K:\\Contracts\\Acme.pdf", "k:/Contracts/Acme.pdf",
                         "file:///K:/Contracts/Acme.pdf", "file://FILESRV01/CRM/Contracts/Acme.pdf",
                         "\\\\filesrv01.corp.local\\crm\\Contracts\\Acme.pdf", "/mnt/share/Contracts/Acme.pdf"] {
            let res = resolve(r, spelling)
            #expect(res.status == .resolved && res.fileID == 10 && res.match == .exact, "\(spelling): \(res)")
        }
    }

    @Test func caseIsFoldedOnlyOnCaseInsensitiveRoots() {
        let r = resolver([(10, 1, "Scans/Scan 1.pdf", .ok), (20, 2, "storage/x/1_Invoice.pdf", .ok)])
        let windows = resolve(r, "K:\\SCANS\\scan 1.PDF")
        #expect(windows.status == .resolved && windows.fileID == 10 && windows.match == .caseFolded)
        let linux = resolve(r, "/var/www/vtigercrm/storage/x/1_invoice.pdf")
        #expect(linux.status == .missing)
        #expect(linux.reason?.contains("no file storage/x/1_invoice.pdf") == true)
    }

    @Test func unicodeFormsMatchAndSayHow() {
        let nfd = "Cafe\u{301}/Re\u{301}sume\u{301}.pdf"
        let r = resolver([(10, 1, nfd, .ok), (20, 2, "docs/\u{421}\u{447}\u{435}\u{308}\u{442}.pdf", .ok)])
        let res = resolve(r, "K:\\Caf\u{E9}\\R\u{E9}sum\u{E9}.pdf")
        #expect(res.status == .resolved && res.fileID == 10 && res.match == .unicode)
        let cyr = resolve(r, "/var/www/vtigercrm/docs/\u{421}\u{447}\u{451}\u{442}.pdf") // ё precomposed
        #expect(cyr.status == .resolved && cyr.fileID == 20 && cyr.match == .unicode)
        let both = resolve(r, "K:\\CAF\u{C9}\\R\u{C9}SUM\u{C9}.PDF")
        #expect(both.status == .resolved && both.match == .caseAndUnicode)
    }

    @Test func severalCandidatesAreAmbiguousNeverGuessed() {
        let r = resolver([(10, 1, "dup/a.pdf", .ok), (11, 1, "dup/A.PDF", .ok)])
        let res = resolve(r, "K:\\dup\\a.Pdf")
        #expect(res.status == .ambiguous)
        #expect(res.fileID == nil && res.candidates == 2)
        // An exact spelling is not ambiguous.
        #expect(resolve(r, "K:\\dup\\A.PDF").fileID == 11)
    }

    @Test func unmappedRootsAndClimbingOutAreMissingWithAReason() {
        let r = resolver([(10, 1, "x.pdf", .ok)])
        let nas = resolve(r, "\\\\OLDNAS\\share\\x.pdf")
        #expect(nas.status == .missing && nas.reason?.contains("OLDNAS") == true)
        let drive = resolve(r, "Z:\\x.pdf")
        #expect(drive.status == .missing && drive.reason?.contains("Z:") == true)
        let climb = resolve(r, "K:\\..\\..\\etc\\passwd")
        #expect(climb.status == .missing && climb.reason?.contains("climbs above") == true)
        #expect(resolve(r, "K:\\a\\..\\x.pdf").fileID == 10)
    }

    @Test func relativePathsNeedABase() {
        let r = resolver([(20, 2, "storage/2014/March/week2/1001_Invoice.pdf", .ok)])
        let without = resolve(r, "storage/2014/March/week2/1001_Invoice.pdf")
        #expect(without.status == .missing && without.reason?.contains("base") == true)
        let with = resolve(r, "storage/2014/March/week2/1001_Invoice.pdf", base: "/var/www/vtigercrm/")
        #expect(with.status == .resolved && with.fileID == 20)
        let dotted = resolve(r, ".\\2014\\March\\week2\\1001_Invoice.pdf", base: "/mnt/vtiger/storage")
        #expect(dotted.fileID == 20)
    }

    @Test func theFileStatusDecidesTheReferenceStatus() {
        let r = resolver([(1, 1, "pipe", .special), (2, 1, "locked.pdf", .unreadable)])
        #expect(resolve(r, "K:\\pipe").status == .special)
        #expect(resolve(r, "K:\\locked.pdf").status == .unreadable)
    }

    @Test func theLongestAliasWins() {
        let inner = ResolverRoot(id: 3, path: "/mnt/scans", aliases: ["K:\\Scans\\"], caseInsensitive: true)
        let r = Resolver(roots: [share, inner], files: [IndexedFile(id: 5, rootID: 3, path: RawPath("a.pdf"), status: .ok),
                                                        IndexedFile(id: 6, rootID: 1, path: RawPath("Scans/a.pdf"), status: .ok)],
                         parse: PathGrammar.parse)
        #expect(r.resolve(PathGrammar.parse("K:\\Scans\\a.pdf")!, base: nil).fileID == 5)
    }

    @Test func namesThatAreNotUTF8MatchOnlyByTheirBytes() {
        let bad = RawPath(bytes: [0xD1, 0xF7, 0xE5, 0xF2, 0x2E, 0x70, 0x64, 0x66])
        let r = Resolver(roots: [share], files: [IndexedFile(id: 9, rootID: 1, path: bad, status: .ok)], parse: PathGrammar.parse)
        // A record cannot spell those bytes in UTF-8 text: it is missing, not mis-matched.
        #expect(r.resolve(PathGrammar.parse("K:\\Счет.pdf")!, base: nil).status == .missing)
    }
}
