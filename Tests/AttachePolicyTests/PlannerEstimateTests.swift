import AttacheModel
import Testing
@testable import AttachePolicy

private typealias F = PlannerFixture

/// The archive estimate: what archives take on the target counts against the quota.
@Suite struct PlannerEstimateTests {
    static let mb: Int64 = 1_000_000

    /// Ten 1 MB text files kept, five 1 MB PDFs archived by a rule.
    static let files: [PlanFile] = (1...10).map { F.file(Int64($0), "notes/\($0).txt", size: mb, category: .text) }
        + (11...15).map { F.file(Int64($0), "old/\($0).pdf", size: mb, mtime: F.date(2005), category: .pdf) }

    static func policy(quota: Int64, overflow: DecisionAction = .archive) -> Policy {
        var target = TargetLimits()
        target.quota = ByteCount(quota)
        return Policy(target: target, rules: [F.rule("archive-old", .modifiedBefore(.years(10)), .archive)],
                      overflow: OverflowSettings(action: overflow, highWatermark: 1, lowWatermark: 1))
    }

    @Test func archivesCountAgainstTheQuotaSoOverflowMovesMore() {
        // Kept files alone (10 MB) fit 12 MB; with the PDFs' archive (5 × (900,000 + 1,024)) they do not.
        let compression: [Category: Double] = [.pdf: 0.9, .text: 0.25]
        let plan = F.plan(Self.files, Self.policy(quota: 12 * Self.mb), compression: compression)
        let s = plan.summary
        let moved = plan.decisions.filter { $0.rule == "overflow" }.map(\.fileID)
        // Each text file archived frees 1 MB − 250,000 − 1,024 = 748,976: 14,505,120 − 12 MB needs four.
        // The default order: no record activity, same size, so path order (notes/1, notes/10, notes/2, notes/3).
        #expect(moved == [1, 2, 3, 10])
        #expect(s.keptBytes == 6 * Self.mb)
        #expect(s.archiveEstimateBytes == 5 * 901_024 + 4 * 251_024)
        #expect(s.landingBytes == s.keptBytes + s.archiveEstimateBytes)
        #expect(s.landingBytes <= 12 * Self.mb)
        #expect(s.mustArchiveEstimateBytes == 5 * 901_024)
        #expect(s.feasible)
        #expect(s.compression == ["pdf": 0.9, "text": 0.25])
        #expect(F.decision(plan, 1).notes.last == "kept files and estimated archives came to 13.8 MiB, over 100 % of the 11.4 MiB quota; "
                + "files leave until 100 % (11.4 MiB)")

        // Counting kept bytes only, as before, nothing would have moved: the estimate is what moves them.
        let roomy = F.plan(Self.files, Self.policy(quota: 15 * Self.mb), compression: compression)
        #expect(roomy.decisions.allSatisfy { $0.rule != "overflow" })
        #expect(roomy.summary.landingBytes == 10 * Self.mb + 5 * 901_024)
    }

    @Test func whatMustBeKeptAndArchivedOverTheQuotaIsInfeasible() {
        // Must-keep 6 MB (reviewed) and the rule's archives, estimated 4.5 MB, in a 10 MB quota.
        let overrides = (1...6).map { Override(fileID: Int64($0), action: .keep) }
        let plan = F.plan(Self.files, Self.policy(quota: 10 * Self.mb, overflow: .drop), overrides: overrides,
                          compression: [.pdf: 0.9])
        #expect(!plan.summary.feasible)
        #expect(plan.summary.pinnedOverQuota)
        #expect(plan.summary.mustKeepBytes == 6 * Self.mb)
        #expect(plan.summary.mustArchiveEstimateBytes == 5 * 901_024)
        #expect(plan.warnings.last == "the files that must be kept (5.72 MiB) and the archives the rules make (estimated 4.30 MiB "
                + "compressed) need 10.0 MiB, 493 KiB over the 9.54 MiB quota")
        // The same archives compressing better fit.
        let better = F.plan(Self.files, Self.policy(quota: 10 * Self.mb, overflow: .drop), overrides: overrides, compression: [.pdf: 0.5])
        #expect(better.summary.feasible)
        #expect(!better.summary.pinnedOverQuota)
    }

    @Test func filesThatWouldNotShrinkStayAndThePlanDoesNotFit() {
        // Nothing compresses (no sample: 1.0): archiving a kept file frees nothing, overflow leaves it kept.
        let plan = F.plan(Self.files, Self.policy(quota: 12 * Self.mb))
        #expect(plan.decisions.allSatisfy { $0.rule != "overflow" })
        #expect(plan.summary.landingBytes == 10 * Self.mb + 5 * 1_001_024)
        #expect(!plan.summary.feasible)
        #expect(!plan.summary.pinnedOverQuota)
        #expect(plan.warnings.last?.hasPrefix("what lands is estimated at 14.3 MiB (kept files 9.54 MiB, archives estimated 4.77 MiB compressed)") == true)
        // Dropping frees the whole file: overflow can then make it fit.
        let dropping = F.plan(Self.files, Self.policy(quota: 12 * Self.mb, overflow: .drop))
        #expect(dropping.summary.feasible)
        #expect(dropping.decisions.filter { $0.rule == "overflow" }.allSatisfy { $0.action == .drop })
    }

    @Test func identicalContentInOneVolumeCountsOnce() {
        let same = F.hash(7)
        let files = [
            F.file(1, "a/x.pdf", size: Self.mb, mtime: F.date(2005), sha256: same),
            F.file(2, "b/x.pdf", size: Self.mb, mtime: F.date(2005), sha256: same),
            F.file(3, "c/x.pdf", size: Self.mb, mtime: F.date(2006), sha256: same),
            F.file(4, "d/y.pdf", size: Self.mb, mtime: F.date(2005)),
        ]
        let policy = Policy(rules: [F.rule("archive-all", nil, .archive)])   // grouped by root and year: 2005 and 2006
        let plan = F.plan(files, policy, compression: [.pdf: 0.5])
        #expect(F.decision(plan, 1).archivePath == F.decision(plan, 2).archivePath)
        #expect(F.decision(plan, 1).archivePath != F.decision(plan, 3).archivePath)
        // 2005: x once + y, four members in all; 2006: x again (another archive stores it again).
        #expect(plan.summary.archiveEstimateBytes == 3 * 500_000 + 4 * 1_024)
        #expect(plan.summary.archivedBytes == 4 * Self.mb)
        #expect(plan.summary.landingBytes == plan.summary.archiveEstimateBytes)
    }

    @Test func ratiosChangeTheEstimateDeterministically() {
        let policy = Policy(rules: [F.rule("archive-all", nil, .archive)])
        let files = [F.file(1, "a.pdf", size: 333_333), F.file(2, "b.txt", size: 1_000, category: .text), F.file(3, "c", size: 10, category: nil)]
        func estimate(_ c: [Category: Double]) -> Int64 { F.plan(files, policy, compression: c).summary.archiveEstimateBytes }
        // Rounded up per file: 333,333 × 0.3 = 99,999.9 → 100,000; 1,000 × 0.123 = 123; 10 × 1.0 (unknown: no ratio) = 10.
        #expect(estimate([.pdf: 0.3, .text: 0.123]) == 100_000 + 123 + 10 + 3 * 1_024)
        #expect(estimate([.pdf: 0.3, .text: 0.123]) == estimate([.text: 0.123, .pdf: 0.3]))
        #expect(estimate([.pdf: 0.6, .text: 0.123]) == 200_000 + 123 + 10 + 3 * 1_024)
        // Out of range: clamped to [0.01, 1.05].
        #expect(estimate([.pdf: 0, .text: 7]) == 3_334 + 1_050 + 10 + 3 * 1_024)
        #expect(F.plan(files, policy, compression: [.pdf: 0.3]).summary.compression == ["pdf": 0.3, "text": 1, "unknown": 1])
    }
}
