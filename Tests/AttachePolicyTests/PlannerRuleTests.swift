import AttacheModel
import Testing
@testable import AttachePolicy

private typealias F = PlannerFixture

/// Step 1: rules, first match wins; every condition kind; the default; reasons and warnings.
@Suite struct PlannerRuleTests {
    @Test func firstMatchingRuleDecidesAndTheRestGetTheDefault() {
        let files = [
            F.file(1, "a/report.tmp"),
            F.file(2, "a/report.pdf", live: 1),
            F.file(3, "a/notes.txt"),
        ]
        let policy = Policy(rules: [
            F.rule("drop-temp", .name(["*.tmp"]), .drop),
            F.rule("keep-referenced", .referenced(true), .keep),
            F.rule("also-tmp", .name(["*.tmp"]), .archive),
        ], defaultAction: .archive)
        let plan = F.plan(files, policy)
        #expect(plan.decisions.map(\.fileID) == [1, 2, 3])
        #expect(plan.decisions.map(\.rule) == ["drop-temp", "keep-referenced", "default"])
        #expect(plan.decisions.map(\.action) == [.drop, .keep, .archive])
        #expect(F.decision(plan, 3).reason == "archived: no rule matched — the policy's default")
        // 'also-tmp' is shadowed by 'drop-temp': it matched no file.
        #expect(plan.warnings.contains("rule 'also-tmp' matched no file"))
        #expect(!plan.warnings.contains { $0.contains("'drop-temp'") })
    }

    @Test func aRuleWithoutConditionMatchesEveryFile() {
        let policy = Policy(rules: [F.rule("everything", nil, .archive, line: 7), F.rule("never-reached", nil, .keep, line: 9)])
        let plan = F.plan([F.file(1, "x.pdf")], policy)
        #expect(F.decision(plan, 1).rule == "everything")
        #expect(F.decision(plan, 1).reason == "archived: rule everything — applies to every file")
        #expect(plan.warnings == ["rule 'never-reached' (line 9) matched no file"])
    }

    @Test func nameGlobsAreCaseInsensitiveOnTheLastComponent() {
        let files = [
            F.file(1, "docs/~$Budget.xlsx"),
            F.file(2, "docs/OLD.TMP"),
            F.file(3, "Thumbs.db/real.pdf"),        // a folder named like the pattern: no match
            F.file(4, "docs/thumbs.DB"),
            F.file(5, "docs/Straße.PDF"),
            F.file(6, "docs/report.pdf"),
        ]
        #expect(F.matching(.name(["~$*", "*.tmp", "Thumbs.db"]), files) == [1, 2, 4])
        #expect(F.matching(.name(["straSSe.pdf"]), files) == [])          // lower-casing, not case folding of ß
        #expect(F.matching(.name(["straße.pdf"]), files) == [5])
        #expect(F.matching(.name(["[rs]*.pdf"]), files) == [3, 5, 6])
        #expect(F.matching(.name(["report.pd?"]), files) == [6])
    }

    @Test func pathGlobsFollowPathGlobRules() {
        let files = [
            F.file(1, "Backup/a.pdf"),
            F.file(2, "clients/Backup/2014/b.pdf"),
            F.file(3, "clients/Backupx/c.pdf"),
            F.file(4, "clients/backup/d.pdf"),       // PathGlob is case-sensitive
            F.file(5, "e.tmp"),
            F.file(6, "deep/er/f.tmp"),
        ]
        #expect(F.matching(.path(["**/Backup/**"]), files) == [1, 2])
        #expect(F.matching(.path(["*.tmp"]), files) == [5, 6])
        #expect(F.matching(.path(["clients/*/c.pdf"]), files) == [3])
        #expect(F.matching(.path(["deep/**"]), files) == [6])
    }

    /// The policy's `path` condition is the walker's `PathGlob` (one matcher for excludes and
    /// policies): on random patterns and paths, a rule matches exactly the files PathGlob does.
    @Test func thePathConditionMatchesWhatPathGlobMatches() throws {
        var rng = PlannerRandom(seed: 0x5EED_0001)
        let parts = ["a", "b", "ab", "Backup", "x.pdf", "*.pdf", "*", "**", "?", "[ab]", "[!a]*", "b*", ".snapshot"]
        let names = ["a", "b", "ab", "Backup", "x.pdf", "y.pdf", "bb", ".snapshot", "c"]
        for round in 0..<300 {
            let pattern = (0..<(1 + rng.int(4))).map { _ in rng.pick(parts) }.joined(separator: "/")
            let files = (0..<10).map { i in
                F.file(Int64(i + 1), (0..<(1 + rng.int(5))).map { _ in rng.pick(names) }.joined(separator: "/"))
            }
            let glob = try PathGlob(pattern)
            let expected = files.filter { glob.matches($0.path) }.map(\.id)
            #expect(F.matching(.path([pattern]), files).sorted() == expected, "round \(round): '\(pattern)'")
        }
    }

    @Test func extensionCategoryMimeAndSize() {
        let files = [
            F.file(1, "a.PDF", size: 0, category: .empty, mime: "inode/x-empty"),
            F.file(2, "b.docx", size: 10, category: .document, mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            F.file(3, "c.jpg", size: 100, category: .image, mime: "image/jpeg"),
            F.file(4, "noext", size: 1_000, category: nil, mime: nil),
        ]
        #expect(F.matching(.fileExtension(["pdf", ".DOCX"]), files) == [1, 2])
        #expect(F.matching(.category([.image, .document]), files) == [2, 3])
        #expect(F.matching(.category([.unknown]), files) == [4])             // no category counts as unknown
        #expect(F.matching(.mime(["image/*"]), files) == [3])
        #expect(F.matching(.mime(["*"]), files) == [1, 2, 3])               // no MIME type matches nothing
        #expect(F.matching(.size(min: ByteCount(10), max: ByteCount(100)), files) == [2, 3])  // inclusive
        #expect(F.matching(.size(min: nil, max: ByteCount(0)), files) == [1])
        #expect(F.matching(.size(min: ByteCount(101), max: nil), files) == [4])
    }

    @Test func agesAreMeasuredFromNow() {
        let files = [
            F.file(1, "old.pdf", mtime: F.date(2009, 5, 1)),
            F.file(2, "edge.pdf", mtime: F.date(2015, 1, 1)),
            F.file(3, "new.pdf", mtime: F.date(2025, 12, 1)),
        ]
        #expect(F.matching(.modifiedBefore(.years(7)), files) == [1, 2])     // 2026 - 7 years ≈ 2019
        #expect(F.matching(.modifiedBefore(.date(F.date(2015))), files) == [1])
        #expect(F.matching(.modifiedAfter(.date(F.date(2015))), files) == [2, 3])  // after = at or after the cutoff
        #expect(F.matching(.modifiedAfter(.days(60)), files) == [3])
        #expect(F.matching(.modifiedBefore(.months(6)), files) == [1, 2])
        // A different `now` moves the cutoff.
        #expect(F.matching(.modifiedBefore(.years(7)), files, now: F.date(2017)) == [1])
    }

    @Test func referencesDeletedRecordsAndRecordActivity() {
        let files = [
            F.file(1, "live.pdf", live: 2, activity: F.date(2024)),
            F.file(2, "deleted-only.pdf", deleted: 1, activity: F.date(2012)),
            F.file(3, "orphan.pdf"),
            F.file(4, "both.pdf", live: 1, deleted: 3, activity: F.date(2010)),
        ]
        #expect(F.matching(.referenced(true), files) == [1, 4])
        #expect(F.matching(.referenced(false), files) == [2, 3])
        #expect(F.matching(.onlyDeletedReferences(true), files) == [2])
        #expect(F.matching(.onlyDeletedReferences(false), files) == [1, 3, 4])
        // Files with no known record activity never match.
        #expect(F.matching(.recordsNotEditedSince(.years(10)), files) == [2, 4])
        #expect(F.matching(.not(.recordsNotEditedSince(.years(10))), files) == [1, 3])
    }

    @Test func duplicatesMismatchStatusAndProblems() {
        let shared = F.hash(7)
        let emptyHash = F.hash(0)
        let files = [
            F.file(1, "a.pdf", sha256: shared),
            F.file(2, "copy/a.pdf", sha256: shared),
            F.file(3, "empty1.txt", size: 0, sha256: emptyHash),
            F.file(4, "empty2.txt", size: 0, sha256: emptyHash),         // empty files are not duplicates
            F.file(5, "doc.doc", mismatch: true),
            F.file(6, "link", sha256: .some(nil), status: .special, problem: .symlink),
            F.file(7, "locked.pdf", sha256: .some(nil), status: .unreadable, problem: .permissionDenied),
        ]
        #expect(F.matching(.duplicate(true), files) == [1, 2])
        #expect(F.matching(.duplicate(false), files) == [3, 4, 5, 6, 7])
        #expect(F.matching(.extensionMismatch(true), files) == [5])
        #expect(F.matching(.status([.special, .unreadable]), files) == [6, 7])
        #expect(F.matching(.problem([]), files) == [6, 7])                 // empty list: any problem
        #expect(F.matching(.problem([.permissionDenied]), files) == [7])
    }

    @Test func allAnyAndNotCombine() {
        let files = [
            F.file(1, "a.tmp", mtime: F.date(2010)),
            F.file(2, "b.tmp", mtime: F.date(2024)),
            F.file(3, "c.pdf", mtime: F.date(2010), live: 1),
        ]
        #expect(F.matching(.all([.name(["*.tmp"]), .modifiedBefore(.years(5))]), files) == [1])
        #expect(F.matching(.any([.name(["*.tmp"]), .referenced(true)]), files) == [1, 2, 3])
        #expect(F.matching(.not(.any([.name(["*.tmp"])])), files) == [3])
        #expect(F.matching(.all([]), files) == [1, 2, 3])
        #expect(F.matching(.any([]), files) == [])
    }

    @Test func reasonsNameTheRuleAndTheFactsThatMatched() {
        let files = [
            F.file(1, "docs/contract.pdf", live: 3, sources: ["crm"]),
            F.file(2, "docs/~$contract.docx"),
            F.file(3, "docs/2009/offer.pdf", mtime: F.date(2009, 3, 11)),
            F.file(4, "docs/single.pdf", live: 1, sources: ["crm", "mail"]),
            F.file(5, "docs/photo.jpg", category: .image),
            F.file(6, "docs/legacy.pdf", deleted: 2, sources: ["crm"]),
        ]
        let policy = Policy(rules: [
            F.rule("drop-temp-files", .name(["*.tmp", "~$*"]), .drop),
            F.rule("keep-referenced", .referenced(true), .keep),
            F.rule("archive-old", .all([.modifiedBefore(.years(7)), .referenced(false)]), .archive),
            F.rule("archive-deleted", .onlyDeletedReferences(true), .archive),
            F.rule("keep-not-images", .not(.category([.image])), .keep),
            F.rule("archive-images", .any([.mime(["video/*"]), .category([.image])]), .archive),
        ])
        let plan = F.plan(files, policy)
        #expect(F.decision(plan, 1).reason == "kept: rule keep-referenced — referenced by 3 records (crm)")
        #expect(F.decision(plan, 2).reason == "dropped: rule drop-temp-files — name matches ~$*")
        #expect(F.decision(plan, 3).reason == "archived: rule archive-old — modified 2009, not referenced")
        #expect(F.decision(plan, 4).reason == "kept: rule keep-referenced — referenced by 1 record (crm, mail)")
        #expect(F.decision(plan, 5).reason == "archived: rule archive-images — category image")
        #expect(F.decision(plan, 6).reason == "archived: rule archive-deleted — referenced only by 2 deleted records (crm)")
        let notImage = F.plan([F.file(9, "x.pdf")], Policy(rules: [F.rule("keep-not-images", .not(.category([.image])), .keep)]))
        #expect(F.decision(notImage, 9).reason == "kept: rule keep-not-images — category pdf (not image)")
    }

    @Test func theDefaultNeverDropsAReferencedFile() {
        let files = [F.file(1, "orphan.pdf"), F.file(2, "used.pdf", live: 2, sources: ["crm"])]
        let plan = F.plan(files, Policy(rules: [], defaultAction: .drop))
        #expect(F.decision(plan, 1).action == .drop)
        #expect(F.decision(plan, 1).rule == "default")
        let used = F.decision(plan, 2)
        #expect(used.action == .archive)
        #expect(used.rule == "default")
        #expect(used.reason == "archived: no rule matched and the default is drop, but it is referenced by 2 records (crm) — archived instead")
        // An explicit drop rule may drop it.
        let explicit = F.plan(files, Policy(rules: [F.rule("drop-all", nil, .drop)], defaultAction: .keep))
        #expect(F.decision(explicit, 2).action == .drop)
        #expect(F.decision(explicit, 2).rule == "drop-all")
    }

    @Test func invalidPatternsNeverMatchAndAreWarned() {
        let policy = Policy(rules: [F.rule("bad", .name(["[abc", "dir/x"]), .drop), F.rule("bad-path", .path(["a/[b"]), .drop)])
        let plan = F.plan([F.file(1, "[abc"), F.file(2, "a/[b")], policy)
        #expect(plan.decisions.allSatisfy { $0.rule == "default" })
        #expect(plan.warnings.contains("rule 'bad': name pattern '[abc' has a '[' that is never closed — it never matches"))
        #expect(plan.warnings.contains("rule 'bad': name pattern 'dir/x' contains '/', which a file name never does — it never matches"))
        #expect(plan.warnings.contains("rule 'bad-path': path pattern 'a/[b' is not valid — it never matches"))
    }
}
