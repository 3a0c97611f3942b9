import AttacheModel
import Testing
@testable import AttachePolicy

private typealias F = PlannerFixture

/// Files that cannot be moved, and the business's overrides.
@Suite struct PlannerReviewTests {
    @Test func unreadableAndSpecialFilesAreDroppedAsUnmovableAndWarned() {
        let files = [
            F.file(1, "locked.pdf", sha256: .some(nil), status: .unreadable, problem: .permissionDenied, live: 2, sources: ["crm"]),
            F.file(2, "link.pdf", sha256: .some(nil), status: .special, problem: .symlink),
            F.file(3, "fifo", sha256: .some(nil), status: .special),
            F.file(4, "fine.pdf"),
        ]
        let plan = F.plan(files, Policy(rules: [F.rule("archive-problems", .status([.special]), .archive)], defaultAction: .keep))
        let locked = F.decision(plan, 1)
        #expect(locked.action == .drop)
        #expect(locked.rule == "unmovable")
        #expect(locked.reason == "dropped: cannot be moved: it could not be read: permission denied; referenced by 2 records (crm) — review it")
        #expect(locked.targetPath == nil && locked.archivePath == nil)
        // A rule that says archive cannot make a link movable: the note says so.
        let link = F.decision(plan, 2)
        #expect(link.rule == "unmovable")
        #expect(link.action == .drop)
        #expect(link.notes.contains("rule 'archive-problems' said archive, but the file cannot be moved"))
        #expect(F.decision(plan, 3).reason == "dropped: cannot be moved: it is not a regular file (a link, FIFO, socket or device) — review it")
        #expect(F.decision(plan, 4).action == .keep)
        #expect(plan.warnings == [
            "/mnt/share/locked.pdf (file 1) cannot be moved: it could not be read: permission denied — dropped, review it",
            "/mnt/share/link.pdf (file 2) cannot be moved: it is a symbolic link (not followed) — dropped, review it",
            "/mnt/share/fifo (file 3) cannot be moved: it is not a regular file (a link, FIFO, socket or device) — dropped, review it",
        ])
        #expect(plan.summary.byRule["unmovable"]?.files == 3)
    }

    @Test func aRuleThatExplicitlyDropsUnmovableFilesNamesTheDecision() {
        let files = [F.file(1, "link", sha256: .some(nil), status: .special, problem: .brokenSymlink)]
        let plan = F.plan(files, Policy(rules: [F.rule("drop-links", .problem([.brokenSymlink, .symlink]), .drop)]))
        #expect(F.decision(plan, 1).rule == "drop-links")
        #expect(F.decision(plan, 1).action == .drop)
        #expect(F.decision(plan, 1).reason == "dropped: rule drop-links — problem broken-symlink; it is a symbolic link to nothing")
        #expect(plan.warnings.isEmpty)
    }

    @Test func overridesReplaceTheActionAndSayWhatThePolicyWanted() {
        let files = [F.file(1, "old.pdf", mtime: F.date(2005)), F.file(2, "new.pdf"), F.file(3, "other.pdf")]
        let policy = Policy(rules: [F.rule("archive-old", .modifiedBefore(.years(10)), .archive)], defaultAction: .keep)
        let plan = F.plan(files, policy, overrides: [
            Override(fileID: 1, action: .keep, note: "  Needed for the audit  "),
            Override(fileID: 2, action: .drop),
        ])
        let old = F.decision(plan, 1)
        #expect(old.action == .keep)
        #expect(old.rule == "override")
        #expect(old.reason == "kept: set by review — Needed for the audit")
        #expect(old.notes == ["the policy said archive (archive-old)"])
        #expect(old.targetPath == "share/old.pdf")
        #expect(F.decision(plan, 2).reason == "dropped: set by review")
        #expect(F.decision(plan, 2).notes == ["the policy said keep (default)"])
        #expect(F.decision(plan, 3).rule == "default")
        #expect(plan.summary.byRule["override"]?.files == 2)
        #expect(plan.summary.mustKeepBytes == 1_000)
    }

    @Test func unknownAndRepeatedOverridesAreWarned() {
        let plan = F.plan([F.file(1, "a.pdf"), F.file(2, "b.pdf")], Policy(), overrides: [
            Override(fileID: 99, action: .drop),
            Override(fileID: 1, action: .drop),
            Override(fileID: 7, action: .keep),
            Override(fileID: 1, action: .archive),
        ])
        #expect(F.decision(plan, 1).action == .archive)      // the last override for a file applies
        #expect(F.decision(plan, 1).archivePath != nil)
        #expect(F.decision(plan, 2).action == .keep)
        #expect(plan.warnings == [
            "file 1 has more than one override; the last one (archive) applies",
            "override for file 7 ignored: no such file in the catalog",
            "override for file 99 ignored: no such file in the catalog",
        ])
    }

    @Test func anOverrideCannotMoveAnUnreadableFileButMayDropIt() {
        let files = [
            F.file(1, "locked.pdf", sha256: .some(nil), status: .unreadable, problem: .ioError),
            F.file(2, "gone.pdf", sha256: .some(nil), status: .unreadable),
        ]
        let plan = F.plan(files, Policy(), overrides: [Override(fileID: 1, action: .keep), Override(fileID: 2, action: .drop)])
        #expect(F.decision(plan, 1).rule == "unmovable")
        #expect(F.decision(plan, 1).notes.contains("override keep not possible: the file cannot be moved (it could not be read: input/output error)"))
        #expect(plan.warnings.contains("override keep for /mnt/share/locked.pdf (file 1) not possible: it could not be read: input/output error"))
        #expect(F.decision(plan, 2).rule == "override")
        #expect(F.decision(plan, 2).action == .drop)
        #expect(plan.summary.mustKeepBytes == 0)
    }

    @Test func anOverrideKeepOfAFileTooLargeForTheTargetIsArchived() {
        var target = TargetLimits()
        target.maxFileSize = ByteCount(Int64(5_000))
        let plan = F.plan([F.file(1, "huge.iso", size: 9_000)], Policy(target: target), overrides: [Override(fileID: 1, action: .keep)])
        let d = F.decision(plan, 1)
        #expect(d.action == .archive)
        #expect(d.rule == "limits")
        #expect(d.notes.contains("override keep not possible: larger than max file size (8.79 KiB > 4.88 KiB)"))
        #expect(plan.summary.mustKeepBytes == 0)
    }
}
