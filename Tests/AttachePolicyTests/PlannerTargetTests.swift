import AttacheModel
import Testing
@testable import AttachePolicy

private typealias F = PlannerFixture

/// Step 5 and 6 for kept files: the size limit, layouts, sanitising, path length, collisions.
@Suite struct PlannerTargetTests {
    static let sharePoint = TargetLimits.sharePointOnline

    @Test func layoutPlaceholders() {
        let file = F.file(1, "Clients/Acme/2014 offer.final.PDF", mtime: F.date(2014, 3, 11), category: .pdf,
                          sha256: F.hash(5), live: 1, sources: ["crm", "mail"], rootName: "fileserver")
        func path(_ layout: String) -> String { F.target(F.plan([file], F.keepAll(layout: layout)), 1) }
        let hex = F.hash(5).hex
        #expect(path("{category}/{year}/{month}/{name}") == "pdf/2014/03/2014 offer.final.PDF")
        #expect(path("{root}/{relpath}") == "fileserver/Clients/Acme/2014 offer.final.PDF")
        #expect(path("{root}/{dir}/{stem}.{ext}") == "fileserver/Clients/Acme/2014 offer.final.PDF")
        #expect(path("{source}/{sha256:2}/{sha256:8}-{name}") == "crm/\(hex.prefix(2))/\(hex.prefix(8))-2014 offer.final.PDF")
        #expect(path("by-hash/{sha256}") == "by-hash/\(hex)")
        #expect(path("/{ category }//{name}") == "pdf/2014 offer.final.PDF")       // the result is always relative
        #expect(path("{{literal}}/{name}") == "{literal}/2014 offer.final.PDF")
        let atRoot = F.file(2, "top.txt", category: nil, rootName: "share")
        let plan = F.plan([atRoot], F.keepAll(layout: "{root}/{dir}/{stem}.{ext}-{category}/{source}"))
        #expect(F.target(plan, 2) == "share/top.txt-unknown/unreferenced")          // an empty {dir} leaves no folder
        let noExt = F.plan([F.file(3, "README")], F.keepAll(layout: "{stem}.{ext}"))
        #expect(F.target(noExt, 3) == "README")                                      // "README." — the trailing dot goes
    }

    @Test func recordColumnsFileDocumentsByTheirRecord() {
        var acme = F.file(1, "scans/offer.pdf", live: 1, sources: ["crm"])
        acme.record = ["account": "Acme: Holding / EU", "case": "C-17"]
        var noCase = F.file(2, "scans/letter.pdf", live: 1, sources: ["crm"])
        noCase.record = ["account": "Müller GmbH"]
        let orphan = F.file(3, "scans/lost.pdf")
        let policy = F.keepAll(Self.sharePoint, layout: "{record.account}/{record.case:no-case}/{name}")
        #expect(Planner.recordFields(of: policy) == ["account", "case"])
        let plan = F.plan([acme, noCase, orphan], policy)
        // Record text is sanitised like any placeholder value: '/' and ':' never make folders or break the target.
        #expect(F.target(plan, 1) == "Acme_ Holding _ EU/C-17/offer.pdf")
        #expect(F.target(plan, 2) == "Müller GmbH/no-case/letter.pdf")
        #expect(F.target(plan, 3) == "\(Planner.noRecordValue)/no-case/lost.pdf")
        // The archive grouping can use them too.
        var archive = Policy(target: Self.sharePoint, layout: "{name}", rules: [F.rule("all", nil, .archive)],
                             archive: ArchiveSettings(grouping: "{record.account:unfiled}"))
        archive.defaultAction = .archive
        let archived = F.plan([noCase, orphan], archive)
        #expect(F.decision(archived, 2).archivePath == "_archive/Müller GmbH-001.tar.zst")
        #expect(F.decision(archived, 3).archivePath == "_archive/unfiled-001.tar.zst")
    }

    @Test func foldersSpelledComposedAndDecomposedKeepTheirOwnBytes() {
        // 'école' as one scalar é and as e + U+0301: equal as Swift strings, different names on disk.
        let composed = "\u{E9}cole", decomposed = "e\u{301}cole"
        let files = [F.file(1, composed + "/a.pdf"), F.file(2, decomposed + "/b.pdf"), F.file(3, composed + "/c.pdf")]
        for order in [files, files.reversed()] {
            let plan = F.plan(Array(order), F.keepAll(layout: "{relpath}"))
            #expect(Array(F.target(plan, 1).utf8) == Array((composed + "/a.pdf").utf8))
            #expect(Array(F.target(plan, 2).utf8) == Array((decomposed + "/b.pdf").utf8))
            #expect(Array(F.target(plan, 3).utf8) == Array((composed + "/c.pdf").utf8))
        }
    }

    @Test func forbiddenCharactersAreReplaced() {
        let plan = F.plan([F.file(1, "Q3: review?/Offer <final>|v2.pdf")], F.keepAll(Self.sharePoint))
        let d = F.decision(plan, 1)
        #expect(d.targetPath == "share/Q3_ review_/Offer _final__v2.pdf")
        #expect(d.notes == ["renamed: ':', '?', '<', '>' and '|' are not allowed on the target; replaced by '_'"])
    }

    @Test func reservedNamesGetAnUnderscore() {
        let plan = F.plan([F.file(1, "aux/CON.txt"), F.file(2, "lpt1"), F.file(3, "console.txt"), F.file(4, "NUL .tar.gz")],
                          F.keepAll(Self.sharePoint))
        #expect(F.target(plan, 1) == "share/aux_/CON_.txt")
        #expect(F.decision(plan, 1).notes == ["renamed: 'aux' and 'CON' are reserved names on the target; '_' added"])
        #expect(F.target(plan, 2) == "share/lpt1_")
        #expect(F.target(plan, 3) == "share/console.txt")
        #expect(F.target(plan, 4) == "share/NUL_ .tar.gz")
    }

    @Test func trailingDotsAndSpacesAndDotFoldersGo() {
        let plan = F.plan([F.file(1, "old. /notes.txt. "), F.file(2, "a/../b.pdf"), F.file(3, "./c.pdf")], F.keepAll())
        #expect(F.target(plan, 1) == "share/old/notes.txt")
        #expect(F.decision(plan, 1).notes == ["renamed: a name may not end in a dot or a space; trimmed"])
        #expect(F.target(plan, 2) == "share/a/_/b.pdf")           // never a '..' on the target
        #expect(F.target(plan, 3) == "share/_/c.pdf")
        #expect(F.target(F.plan([F.file(4, "....")], F.keepAll()), 4) == "share/_")
        // With "./c.pdf" the folder "share/_" exists, so the file "...." cannot be "share/_".
        #expect(F.target(F.plan([F.file(3, "./c.pdf"), F.file(4, "....")], F.keepAll()), 4) == "share/_ (2)")
    }

    /// A legacy name starting with attache's temporary prefix would be placed under a name apply
    /// sweeps away as a stale temporary file (found by scripts/proof/containment.py): it gets
    /// the replacement in front, even with renaming off, as a folder and as an archive group too.
    @Test func namesLikeAttachesTemporaryFilesAreRenamed() {
        let files = [F.file(1, ".attache-tmp-1234-99"), F.file(2, ".attache-tmp-x/a.pdf"), F.file(3, ".attache-tmpfile")]
        for rename in [true, false] {
            let plan = F.plan(files, F.keepAll(layout: "{root}/{relpath}", rename: rename))
            #expect(F.target(plan, 1) == "share/_.attache-tmp-1234-99")
            #expect(F.target(plan, 2) == "share/_.attache-tmp-x/a.pdf")
            #expect(F.target(plan, 3) == "share/.attache-tmpfile")     // not the prefix: unchanged
            #expect(F.decision(plan, 1).notes == ["renamed: names starting with '.attache-tmp-' are attache's temporary files "
                                                  + "on the target; '_' added"])
        }
    }

    @Test func longNamesAreShortenedKeepingTheExtensionAndStayDistinct() {
        let stem = String(repeating: "Quarterly report for the board ", count: 10)
        let files = [F.file(1, stem + "A.docx"), F.file(2, stem + "B.docx")]
        var target = TargetLimits()
        target.maxNameLength = 60
        let plan = F.plan(files, F.keepAll(target, layout: "{name}"))
        let a = F.target(plan, 1), b = F.target(plan, 2)
        #expect(a != b)
        for name in [a, b] {
            #expect(name.utf16.count == 60)
            #expect(name.hasSuffix(".docx"))
            #expect(name.hasPrefix("Quarterly report for the board Quarterly"))
            #expect(name.contains("~"))
        }
        #expect(F.decision(plan, 1).notes == ["renamed: a name longer than 60 characters was shortened (a short hash keeps it unique)"])
        // Never splits a character: 'é' as e + combining accent, emoji as surrogate pairs.
        let unicode = String(repeating: "e\u{301}😀", count: 40) + ".txt"
        let u = F.target(F.plan([F.file(3, unicode)], F.keepAll(target, layout: "{name}")), 3)
        #expect(u.utf16.count <= 60)
        #expect(u.hasSuffix(".txt"))
        #expect(u.unicodeScalars.first == "e")
        let head = u.split(separator: "~")[0]
        #expect(head.allSatisfy { $0 == "e\u{301}" || $0 == "😀" })
        #expect(head.last == "e\u{301}")                       // 46 units: 11 pairs and one 'é'; the next '😀' would not fit
    }

    @Test func namesThatAreNotUTF8AreEscaped() {
        let raw = RawPath(bytes: Array("Счета/".utf8) + [0xE4, 0x72, 0xFC] + Array(".pdf".utf8))
        let plan = F.plan([F.file(1, "", raw: raw)], F.keepAll())
        let d = F.decision(plan, 1)
        #expect(d.targetPath == "share/Счета/_xE4_r_xFC_.pdf")
        #expect(d.notes == ["renamed: the name is not valid UTF-8; its bytes are written as _xNN_ (the catalog keeps the original bytes)"])
        // Two names that differ only in invalid bytes stay apart.
        let other = RawPath(bytes: Array("Счета/".utf8) + [0xE5, 0x72, 0xFC] + Array(".pdf".utf8))
        let both = F.plan([F.file(1, "", raw: raw), F.file(2, "", raw: other)], F.keepAll())
        #expect(F.target(both, 1) != F.target(both, 2))
    }

    @Test func namesTheTargetRefusesByPatternAreRenamed() {
        let plan = F.plan([F.file(1, "~$Budget.xlsx"), F.file(2, "db.lock"), F.file(3, "_vti_cnf/x.pdf"), F.file(4, "Desktop.ini")],
                          F.keepAll(Self.sharePoint))
        #expect(F.target(plan, 1) == "share/_~$Budget.xlsx")
        #expect(F.target(plan, 2) == "share/db.lock_")
        #expect(F.target(plan, 3) == "share/__vti_cnf/x.pdf")
        #expect(F.target(plan, 4) == "share/_Desktop.ini")
        #expect(F.decision(plan, 1).notes == ["renamed: the target refuses names like '~$*'; '_' added"])
        let both = F.plan([F.file(5, "~$draft.lock")], F.keepAll(Self.sharePoint))
        #expect(F.target(both, 5) == "share/_~$draft.lock_")
    }

    @Test func longPathsAreShortenedByHashingTheDeepestFolders() {
        var target = TargetLimits()
        target.maxPathLength = 60
        let deep = "Clients/Acme Corporation International/Contracts and Agreements/2014/Signed"
        let files = [F.file(1, deep + "/offer.pdf"), F.file(2, deep + "/invoice.pdf"), F.file(3, "Clients/short.pdf")]
        let plan = F.plan(files, F.keepAll(target, layout: "{relpath}"))
        let a = F.target(plan, 1), b = F.target(plan, 2)
        #expect(a.utf16.count <= 60 && b.utf16.count <= 60)
        #expect(a.hasPrefix("Clients/Acme Corporation International/~"))
        #expect(a.hasSuffix("/offer.pdf"))
        // Files of one folder stay together.
        #expect(a.dropLast("offer.pdf".count) == b.dropLast("invoice.pdf".count))
        #expect(F.target(plan, 3) == "Clients/short.pdf")
        #expect(F.decision(plan, 1).notes.count == 1)
        #expect(F.decision(plan, 1).notes[0].hasPrefix("path shortened: the path was 85 characters, the target allows 60; the folders "
                                                      + "'Contracts and Agreements/2014/Signed' became '~"))
        // A name too long for what is left: the folders go and the name is shortened too.
        let long = F.file(4, deep + "/" + String(repeating: "x", count: 70) + ".pdf")
        let p2 = F.plan([long], F.keepAll(target, layout: "{relpath}"))
        #expect(F.target(p2, 4).utf16.count <= 60)
        #expect(F.target(p2, 4).hasSuffix(".pdf"))
    }

    @Test func collisionsAreNumberedAndTheFirstInPathOrderKeepsTheName() {
        let files = [
            F.file(5, "b/Report.pdf"), F.file(4, "a/report.pdf"), F.file(3, "c/REPORT.PDF"),
            F.file(2, "d/report (2).pdf"), F.file(1, "e/notes"),
        ]
        var target = TargetLimits()
        target.caseInsensitive = true
        let plan = F.plan(files, F.keepAll(target, layout: "{name}"))
        #expect(F.target(plan, 4) == "report.pdf")            // 'a/report.pdf' sorts first
        #expect(F.target(plan, 2) == "report (2).pdf")        // a real name is never taken by a number
        #expect(F.target(plan, 5) == "Report (3).pdf")
        #expect(F.target(plan, 3) == "REPORT (4).PDF")
        #expect(F.decision(plan, 5).notes == ["renamed: 'Report.pdf' is taken by /mnt/share/a/report.pdf; ' (3)' added"])
        // Case-sensitive target: only exact names collide.
        let exact = F.plan(files, F.keepAll(layout: "{name}"))
        #expect(F.target(exact, 5) == "Report.pdf")
        #expect(F.target(exact, 3) == "REPORT.PDF")
        #expect(F.target(exact, 4) == "report.pdf")
    }

    @Test func aFileNeverTakesTheNameOfAFolderOtherFilesNeed() {
        // ':' becomes '_', so the file 'a:b' would sit where the folder 'a_b' must be.
        let plan = F.plan([F.file(1, "a:b"), F.file(2, "a_b/x.pdf")], F.keepAll(Self.sharePoint, layout: "{relpath}"))
        #expect(F.target(plan, 2) == "a_b/x.pdf")
        #expect(F.target(plan, 1) == "a_b (2)")
        #expect(F.decision(plan, 1).notes.last == "renamed: 'a_b' is taken by a folder of other files; ' (2)' added")
    }

    @Test func withRenameOffNamesAreFlaggedNotChanged() {
        let plan = F.plan([F.file(1, "Q3: review.pdf"), F.file(2, "ok.pdf")], F.keepAll(Self.sharePoint, layout: "{name}", rename: false))
        let d = F.decision(plan, 1)
        #expect(d.action == .keep)
        #expect(d.targetPath == "Q3: review.pdf")
        #expect(d.notes == ["flagged: ':' is not allowed on the target — not renamed (limits.rename is off): review it"])
        #expect(plan.warnings == ["1 kept file has a name or path the target refuses; limits.rename is off, so they are flagged, "
                                  + "not renamed — see their notes"])
    }

    @Test func filesLargerThanTheTargetAllowsAreArchivedOrDropped() {
        var target = TargetLimits()
        target.maxFileSize = ByteCount(Int64(1_000_000))
        let files = [F.file(1, "big.mp4", size: 2_000_000), F.file(2, "used.mp4", size: 2_000_000, live: 1, sources: ["crm"]),
                     F.file(3, "small.mp4", size: 1_000_000)]
        let archived = F.plan(files, Policy(target: target, rules: [F.rule("keep-all", nil, .keep)]))
        let d = F.decision(archived, 1)
        #expect(d.action == .archive)
        #expect(d.rule == "limits")
        #expect(d.reason == "archived: larger than the target's max file size (1.91 MiB > 977 KiB)")
        #expect(d.notes.first == "rule 'keep-all' said keep")
        #expect(F.decision(archived, 3).action == .keep)                 // at the limit is fine
        let dropping = F.plan(files, Policy(target: target, limits: LimitHandling(tooLarge: .drop)))
        #expect(F.decision(dropping, 1).action == .drop)
        #expect(F.decision(dropping, 2).action == .archive)             // referenced: never dropped by a limit
        #expect(F.decision(dropping, 2).reason
                == "archived: larger than the target's max file size (1.91 MiB > 977 KiB); referenced by 1 record (crm), so archived rather than dropped")
    }

    /// Found by the layout fuzzer (its input is a seed in fuzz/corpus/FuzzLayout/): with
    /// `max_name_length: 1` a folder holds few one-character names; once they were taken, every
    /// " (n)" was cut back to a taken one and planning never ended. Now the number goes past the
    /// limits, flagged for review, and every file still gets its own path.
    @Test func aLimitWithNoRoomForANumberStillEndsWithDistinctPaths() {
        let tiny = TargetLimits(maxPathLength: 1, maxNameLength: 1, caseInsensitive: true)
        let files = (1...40).map { F.file(Int64($0), "f\($0).pdf") }
        let plan = F.plan(files, F.keepAll(tiny))
        let targets = files.map { F.target(plan, $0.id) }
        #expect(Set(targets.map { $0.lowercased() }).count == files.count, "distinct paths: \(targets)")
        #expect(plan.decisions.contains { $0.notes.contains { $0.hasPrefix("flagged: the target's name and path limits leave no room") } })
    }
}
