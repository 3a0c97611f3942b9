import AttacheModel
import Testing
@testable import AttachePolicy

private typealias F = PlannerFixture

/// Step 6 for archived files: groups, volumes, names.
@Suite struct PlannerArchiveTests {
    func archiveAll(_ settings: ArchiveSettings = ArchiveSettings(), target: TargetLimits = TargetLimits(),
                    layout: String = "{root}/{relpath}") -> Policy {
        Policy(target: target, layout: layout, rules: [F.rule("archive-all", .not(.name(["keep-*"])), .archive)], archive: settings)
    }

    @Test func defaultGroupingIsRootAndYear() {
        let files = [F.file(1, "a.pdf", mtime: F.date(2014, 5)), F.file(2, "b.pdf", mtime: F.date(2014, 9)),
                     F.file(3, "c.pdf", mtime: F.date(2016)), F.file(4, "d.pdf", root: "/mnt/vtiger", rootName: "vtiger")]
        let plan = F.plan(files, archiveAll())
        #expect(F.decision(plan, 1).archivePath == "_archive/share/2014-001.tar.zst")
        #expect(F.decision(plan, 2).archivePath == "_archive/share/2014-001.tar.zst")
        #expect(F.decision(plan, 3).archivePath == "_archive/share/2016-001.tar.zst")
        #expect(F.decision(plan, 4).archivePath == "_archive/vtiger/2020-001.tar.zst")
        #expect(plan.decisions.allSatisfy { $0.targetPath == nil })
        #expect(F.decision(plan, 1).reason == "archived: rule archive-all — name 'a.pdf' does not match keep-*")
    }

    @Test func volumesFillInPathOrder() {
        // Ids run against the path order: the volume follows the path.
        let files = (0..<5).map { k in F.file(Int64(10 - k), "f\(k).pdf", size: 1_000, mtime: F.date(2014)) }
        let plan = F.plan(files, archiveAll(ArchiveSettings(volumeSize: ByteCount(2_500))))
        let volumes = (0..<5).map { k in F.decision(plan, Int64(10 - k)).archivePath ?? "" }
        #expect(volumes == ["_archive/share/2014-001.tar.zst", "_archive/share/2014-001.tar.zst",
                            "_archive/share/2014-002.tar.zst", "_archive/share/2014-002.tar.zst",
                            "_archive/share/2014-003.tar.zst"])
    }

    @Test func aFileLargerThanAVolumeGetsOneOfItsOwn() {
        let files = [F.file(1, "a.pdf", size: 1_000, mtime: F.date(2014)), F.file(2, "b.iso", size: 5_000, mtime: F.date(2014)),
                     F.file(3, "c.pdf", size: 100, mtime: F.date(2014))]
        let plan = F.plan(files, archiveAll(ArchiveSettings(volumeSize: ByteCount(1_500))))
        #expect(plan.decisions.map { $0.archivePath ?? "" } == ["_archive/share/2014-001.tar.zst", "_archive/share/2014-002.tar.zst",
                                                                 "_archive/share/2014-003.tar.zst"])
        #expect(F.decision(plan, 2).notes == ["larger than the archive volume size (4.88 KiB > 1.46 KiB): it fills a volume of its own"])
    }

    @Test func formatNamingWithoutVolumeAndTheTargetsFileSizeLimit() {
        let files = [F.file(1, "a.pdf", size: 1_000, mtime: F.date(2014)), F.file(2, "b.pdf", size: 1_000, mtime: F.date(2014))]
        var target = TargetLimits()
        target.maxFileSize = ByteCount(1_500)                 // an archive is a file on the target too
        let plan = F.plan(files, archiveAll(ArchiveSettings(format: .zip, grouping: "{year}", naming: "old/{group}"), target: target))
        #expect(F.decision(plan, 1).archivePath == "old/2014.zip")
        #expect(F.decision(plan, 2).archivePath == "old/2014-002.zip")
        let gz = F.plan(files, archiveAll(ArchiveSettings(format: .tarGz, grouping: "{category}", naming: "{group}")))
        #expect(F.decision(gz, 1).archivePath == "pdf.tar.gz")
    }

    @Test func withoutGroupInTheNameEveryGroupSharesTheArchive() {
        let files = [F.file(1, "a.pdf", mtime: F.date(2014)), F.file(2, "b.pdf", mtime: F.date(2019))]
        let plan = F.plan(files, archiveAll(ArchiveSettings(naming: "_archive/all-{volume}")))
        #expect(F.decision(plan, 1).archivePath == "_archive/all-001.tar.zst")
        #expect(F.decision(plan, 2).archivePath == "_archive/all-001.tar.zst")
    }

    @Test func archiveNamesAreSanitisedAndNeverTakenByAKeptFile() {
        let files = [F.file(1, "a.pdf", mtime: F.date(2014), rootName: "CON"),
                     F.file(2, "keep-me.pdf", mtime: F.date(2014), rootName: "CON")]
        let plan = F.plan(files, archiveAll(target: .sharePointOnline, layout: "_archive/{root}/2014-001.tar.zst"))
        #expect(F.decision(plan, 1).archivePath == "_archive/CON_/2014-001.tar.zst")
        #expect(F.decision(plan, 2).action == .keep)
        #expect(F.decision(plan, 2).targetPath == "_archive/CON_/2014-001.tar (2).zst")
        #expect(F.decision(plan, 2).notes.contains("renamed: '_archive/CON_/2014-001.tar.zst' is taken by an archive; ' (2)' added"))
    }
}

/// Step 5: when kept files and estimated archives exceed the quota.
@Suite struct PlannerOverflowTests {
    /// 11 MB kept: 3 MB (2013), 3 MB (no activity), 2 MB (2020), 2 MB (2013), 1 MB (2024).
    /// PDFs compress to 1 % here: a file archived by overflow still takes 1 % of its size plus
    /// 1 KiB, so 2 MB leaves 1,978,976 bytes (the low watermark, 51 %, is set to show it).
    static let files = [
        F.file(1, "one.pdf", size: 3_000_000, live: 1, activity: F.date(2013, 4)),
        F.file(2, "two.pdf", size: 3_000_000),
        F.file(3, "three.pdf", size: 2_000_000, live: 1, activity: F.date(2020)),
        F.file(4, "four.pdf", size: 2_000_000, live: 2, activity: F.date(2013, 6)),
        F.file(5, "five.pdf", size: 1_000_000, live: 1, activity: F.date(2024)),
    ]

    static let pdfs: [Category: Double] = [.pdf: 0.01]

    func policy(quota: Int64, order: [OverflowSettings.Order]? = nil, action: DecisionAction = .archive) -> Policy {
        var target = TargetLimits()
        target.quota = ByteCount(quota)
        var overflow = OverflowSettings(action: action, highWatermark: 0.9, lowWatermark: 0.51)
        if let order { overflow.order = order }
        return Policy(target: target, rules: [F.rule("keep-all", nil, .keep)], overflow: overflow)
    }

    @Test func theQuietestFilesLeaveFirstUntilTheLowWatermark() {
        let plan = F.plan(Self.files, policy(quota: 10_000_000), compression: Self.pdfs)
        #expect(plan.decisions.map(\.action) == [.archive, .archive, .keep, .keep, .keep])
        #expect(F.decision(plan, 2).reason == "archived: overflow — no record activity, 2.86 MiB")
        #expect(F.decision(plan, 1).reason == "archived: overflow — last record activity 2013, 2.86 MiB")
        #expect(F.decision(plan, 1).rule == "overflow")
        #expect(F.decision(plan, 1).notes == [
            "rule 'keep-all' said keep",
            "kept files and estimated archives came to 10.5 MiB, over 90 % of the 9.54 MiB quota; files leave until 51 % (4.86 MiB)",
        ])
        #expect(F.decision(plan, 1).archivePath != nil)
        #expect(plan.summary.keptBytes == 5_000_000)
        #expect(plan.summary.archivedBytes == 6_000_000)
        // 11 MB less what archiving two 3 MB files frees (3 MB − 30,000 − 1,024 each).
        #expect(plan.summary.archiveEstimateBytes == 2 * 31_024)
        #expect(plan.summary.landingBytes == 5_062_048)
        #expect(plan.summary.compression == ["pdf": 0.01])
        #expect(plan.summary.feasible)
        #expect(plan.summary.quota == ByteCount(10_000_000))
    }

    @Test func belowTheHighWatermarkNothingMoves() {
        let plan = F.plan(Self.files, policy(quota: 12_300_000), compression: Self.pdfs)           // 90 % = 11,070,000 ≥ 11,000,000
        #expect(plan.decisions.allSatisfy { $0.action == .keep })
        let noQuota = F.plan(Self.files, Policy(rules: [F.rule("keep-all", nil, .keep)]))
        #expect(noQuota.decisions.allSatisfy { $0.action == .keep })
        #expect(noQuota.summary.quota == nil)
        #expect(noQuota.summary.feasible)
    }

    @Test func theOrderIsThePolicys() {
        let bySizeAsc = F.plan(Self.files, policy(quota: 10_000_000, order: [.init(key: .size, descending: false)]), compression: Self.pdfs)
        // 1 MB (5), then 2 MB (4 and 3: path order 'four' < 'three'), then 3 MB ('one' < 'two'): until ≤ 5.1 MB.
        #expect(bySizeAsc.decisions.filter { $0.action == .archive }.map(\.fileID) == [1, 3, 4, 5])
        #expect(F.decision(bySizeAsc, 5).reason == "archived: overflow — 977 KiB")
        let byReferences = F.plan(Self.files, policy(quota: 10_000_000, order: [.init(key: .referenced, descending: true)]), compression: Self.pdfs)
        // Most referenced first: 4 (2), then 1, 3, 5 (1 each, path order: five, one, three).
        #expect(byReferences.decisions.filter { $0.action == .archive }.map(\.fileID) == [1, 4, 5])
        #expect(F.decision(byReferences, 4).reason == "archived: overflow — referenced by 2 records, 1.91 MiB")
        let newestActivityFirst = F.plan(Self.files, policy(quota: 10_000_000, order: [.init(key: .recordActivity, descending: true)]), compression: Self.pdfs)
        // 2024 (5), 2020 (3), 2013-06 (4), then 2013-04 (1); no activity (2) counts as the oldest: last.
        #expect(newestActivityFirst.decisions.filter { $0.action == .archive }.map(\.fileID) == [1, 3, 4, 5])
    }

    @Test func overrideKeepsAreMustKeepAndFeasibilityFollowsThem() {
        let overrides = [Override(fileID: 1, action: .keep), Override(fileID: 2, action: .keep)]
        let plan = F.plan(Self.files, policy(quota: 10_000_000), overrides: overrides, compression: Self.pdfs)
        #expect(plan.decisions.map(\.action) == [.keep, .keep, .archive, .archive, .archive])
        #expect(plan.summary.mustKeepBytes == 6_000_000)
        #expect(plan.summary.keptBytes == 6_000_000)
        #expect(plan.summary.feasible)
        let tight = F.plan(Self.files, policy(quota: 5_000_000), overrides: overrides, compression: Self.pdfs)
        #expect(!tight.summary.feasible)
        #expect(tight.summary.mustKeepBytes == 6_000_000)
        #expect(tight.warnings == ["the files the review says to keep need 5.72 MiB, 977 KiB over the 4.77 MiB quota"])
    }

    @Test func overflowDropsOnlyUnreferencedFiles() {
        let plan = F.plan(Self.files, policy(quota: 10_000_000, action: .drop), compression: Self.pdfs)
        #expect(F.decision(plan, 2).action == .drop)
        #expect(F.decision(plan, 1).action == .archive)
        #expect(F.decision(plan, 1).reason == "archived: overflow — last record activity 2013, 2.86 MiB; referenced by 1 record, so archived rather than dropped")
    }
}

/// Step 7: totals, and determinism.
@Suite struct PlannerSummaryTests {
    @Test func totalsByActionRuleAndCategory() {
        let files = [
            F.file(1, "a.tmp", size: 10, category: .text),
            F.file(2, "b.pdf", size: 200, category: .pdf),
            F.file(3, "c.bin", size: 3_000, category: nil),
            F.file(4, "d.pdf", size: 40_000, mtime: F.date(2001), category: .pdf),
        ]
        let policy = Policy(rules: [F.rule("drop-tmp", .name(["*.tmp"]), .drop), F.rule("archive-old", .modifiedBefore(.years(20)), .archive)])
        let s = F.plan(files, policy).summary
        #expect(s.byAction[.keep]?.files == 2 && s.byAction[.keep]?.bytes == 3_200)
        #expect(s.byAction[.archive]?.files == 1 && s.byAction[.archive]?.bytes == 40_000)
        #expect(s.byAction[.drop]?.files == 1 && s.byAction[.drop]?.bytes == 10)
        #expect(s.byRule.keys.sorted() == ["archive-old", "default", "drop-tmp"])
        #expect(s.byRule["default"]?.bytes == 3_200)
        #expect(s.byCategory.keys.sorted() == ["pdf", "text", "unknown"])
        #expect(s.byCategory["pdf"]?.files == 2 && s.byCategory["pdf"]?.bytes == 40_200)
        #expect(s.totalBytes == 43_210)
        #expect(s.keptBytes == 3_200)
        #expect(s.archivedBytes == 40_000)
        #expect(s.mustKeepBytes == 0)
        // Every action is listed, even with no file.
        let empty = F.plan([], policy)
        #expect(empty.decisions.isEmpty)
        #expect(empty.summary.byAction.count == 3)
        #expect(empty.warnings == ["rule 'drop-tmp' matched no file", "rule 'archive-old' matched no file"])
    }

    @Test func theSameInputInAnyOrderGivesTheSamePlan() {
        var files: [PlanFile] = []
        for k in 0..<40 {
            files.append(F.file(Int64(k * 7 % 40 + 1), "dir\(k % 3)/Name \(k % 5).pdf", size: Int64(100 * (k % 7) + 1),
                                sha256: F.hash(k % 6), live: k % 4))
        }
        var target = TargetLimits.sharePointOnline
        target.quota = ByteCount(900)
        let policy = Policy(target: target, layout: "{category}/{name}", rules: [F.rule("keep-referenced", .referenced(true), .keep)],
                            defaultAction: .archive, duplicates: DuplicatePolicy(keepOne: true),
                            archive: ArchiveSettings(volumeSize: ByteCount(700)))
        let first = F.plan(files, policy)
        #expect(first.decisions.map(\.fileID) == Array(1...40))
        #expect(F.plan(files, policy) == first)
        #expect(F.plan(files.reversed(), policy) == first)
        var rng = PlannerRandom(seed: 99)
        #expect(F.plan(files.shuffled(using: &rng), policy) == first)
    }
}
