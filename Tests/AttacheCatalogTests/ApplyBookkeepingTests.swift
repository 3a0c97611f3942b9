import AttacheModel
import AttacheTestSupport
import Foundation
import Testing

@testable import AttacheCatalog

/// The apply tables (v7-apply): the journal's two writes per step, what attache owns, the
/// delta queries (kept files with what is owned at their path, strays) and the mapping's
/// history.
@Suite struct ApplyBookkeepingTests {
    /// A catalog with three present files under /r and a plan keeping a.pdf, archiving b.txt
    /// and dropping c.tmp.
    static func prepared(_ name: String) throws -> (Catalog, [Int64], Int64) {
        let s = Scratch(name)
        let c = try Catalog(path: s.join("a.db"))
        let root = try c.registerRoot(path: RawPath("/r"), aliases: [], caseInsensitive: false)
        let run = try c.beginScanRun(rootIDs: [root], version: "test")
        var updates: [FileUpdate] = []
        for (i, p) in ["a.pdf", "b.txt", "c.tmp"].enumerated() {
            let stat = FileStat(kind: .regular, size: Int64(10 + i), mtime: Timestamp(nanoseconds: 1_000 + Int64(i)),
                                ctime: Timestamp(nanoseconds: 1), key: FileKey(device: 1, inode: UInt64(i + 1)), mode: 0o100644)
            var u = FileUpdate(rootID: root, path: RawPath(p), stat: stat, status: .ok)
            u.sha256 = ContentHash(bytes: [UInt8](repeating: UInt8(i + 1), count: 32))
            updates.append(u)
        }
        try c.applyScanBatch(runID: run, files: updates, findings: [], goneIDs: [])
        var ids: [Int64] = []
        try c.forEachFile { ids.append($0.id) }
        let plan = try #require(try c.storePlan(policyFile: "p.yaml", policyPath: nil, policyName: nil, summary: PlanSummary(), warnings: [],
                                                decisions: [
                                                    Decision(fileID: ids[0], action: .keep, rule: "keep", reason: "r", targetPath: "docs/a.pdf"),
                                                    Decision(fileID: ids[1], action: .archive, rule: "old", reason: "r", archivePath: "_archive/x.tar.zst"),
                                                    Decision(fileID: ids[2], action: .drop, rule: "temp", reason: "r"),
                                                ]))
        return (c, ids, plan)
    }

    @Test func aStepIsStartedThenFinishedAndOwnershipFollows() throws {
        let (c, ids, plan) = try Self.prepared("journal")
        let run = try c.startApplyRun(plan: plan, target: "/t", version: "test")
        let now = Timestamp(nanoseconds: 5)
        let started = try c.journalStart(run: run, target: "/t", [JournalEntry(kind: .copy, state: .started, fileID: ids[0], targetPath: "docs/a.pdf", time: now)])
        #expect(try c.openJournalSteps(target: "/t").map(\.id) == started, "a started step is open until it is finished")
        #expect(try c.openJournalSteps(target: "/other").isEmpty)
        let keep = try c.keepItems(plan: plan, target: "/t", after: nil, limit: 10)
        #expect(keep.map(\.targetPath) == ["docs/a.pdf"] && keep.first?.owned == nil && keep.first?.isInPlace == false)

        let sha = ContentHash(bytes: [UInt8](repeating: 1, count: 32))
        try c.journalFinish(target: "/t", [StepOutcome(journalID: started[0], state: .done, bytes: 10, sha256: sha,
                                                       owned: OwnedItem(path: "docs/a.pdf", kind: .file, fileID: ids[0], sha256: sha, size: 10,
                                                                        contentKey: nil, method: "copy", runID: run, planID: plan))])
        #expect(try c.openJournalSteps(target: "/t").isEmpty)
        #expect(try c.journal(run: run).map(\.state) == [.done])
        #expect(try c.keepItems(plan: plan, target: "/t", after: nil, limit: 10).first?.isInPlace == true)
        let totals = try c.ownedTotals(target: "/t")
        #expect(totals.items == 1 && totals.bytes == 10)
        #expect(try c.strayOwnedItems(plan: plan, target: "/t").isEmpty, "the plan still wants it")
        // An archive with members; then a removal disowns both the archive and its members.
        let a = try c.journalStart(run: run, target: "/t", [JournalEntry(kind: .sealArchive, state: .started, fileID: nil, targetPath: "_archive/old.tar.zst", time: now)])
        try c.journalFinish(target: "/t", [StepOutcome(journalID: a[0], state: .done, owned: OwnedItem(
            path: "_archive/old.tar.zst", kind: .archive, fileID: nil, sha256: sha, size: 99, contentKey: "k", method: "archive", runID: run, planID: plan),
            members: [OwnedMember(member: RawPath(bytes: [0x72, 0x2F, 0xFF]), fileID: ids[1], sha256: sha, size: 11, storedAs: nil)])])
        #expect(try c.ownedMembers(target: "/t", archive: "_archive/old.tar.zst").map(\.member) == [RawPath(bytes: [0x72, 0x2F, 0xFF])])
        #expect(try c.strayOwnedItems(plan: plan, target: "/t").map(\.path) == ["_archive/old.tar.zst"], "not the plan's archive path")
        let r = try c.journalStart(run: run, target: "/t", [JournalEntry(kind: .remove, state: .started, fileID: nil, targetPath: "_archive/old.tar.zst", time: now)])
        try c.journalFinish(target: "/t", [StepOutcome(journalID: r[0], state: .done, removedPath: "_archive/old.tar.zst")])
        #expect(try c.strayOwnedItems(plan: plan, target: "/t").isEmpty)
        #expect(try c.ownedMembers(target: "/t", archive: "_archive/old.tar.zst").isEmpty)
    }

    @Test func theMappingHasOneCurrentRowPerFileAndKeepsHistory() throws {
        let (c, ids, plan) = try Self.prepared("mapping")
        let run1 = try c.startApplyRun(plan: plan, target: "/t", version: "test")
        // Nothing placed yet: the kept and the archived file are pending, the dropped one dropped.
        let first = try c.refreshMapping(run: run1, plan: plan, target: "/t")
        #expect(first.byPlacement == [.pending: 2, .dropped: 1] && first.changed == 3)
        let sha = ContentHash(bytes: [UInt8](repeating: 1, count: 32))
        let s = try c.journalStart(run: run1, target: "/t", [JournalEntry(kind: .copy, state: .started, fileID: ids[0], targetPath: "docs/a.pdf", time: Timestamp(nanoseconds: 1))])
        try c.journalFinish(target: "/t", [StepOutcome(journalID: s[0], state: .done, owned: OwnedItem(
            path: "docs/a.pdf", kind: .file, fileID: ids[0], sha256: sha, size: 10, contentKey: nil, method: "copy", runID: run1, planID: plan))])
        let run2 = try c.startApplyRun(plan: plan, target: "/t", version: "test")
        let second = try c.refreshMapping(run: run2, plan: plan, target: "/t")
        #expect(second.byPlacement == [.placed: 1, .pending: 1, .dropped: 1])
        #expect(second.changed == 1, "only the file that was placed gets a new row")
        // The same again changes nothing.
        let run3 = try c.startApplyRun(plan: plan, target: "/t", version: "test")
        #expect(try c.refreshMapping(run: run3, plan: plan, target: "/t").changed == 0)
        var current: [MappingEntry] = [], all: [MappingEntry] = []
        try c.forEachMapping { e, _ in current.append(e) }
        try c.forEachMapping(history: true) { e, _ in all.append(e) }
        #expect(current.count == 3 && Set(current.map(\.fileID)).count == 3)
        #expect(all.count == 4 && all.filter { !$0.current }.map(\.fileID) == [ids[0]])
        #expect(current.first { $0.fileID == ids[0] }?.placement == .placed(targetPath: "docs/a.pdf"))
        #expect(current.first { $0.fileID == ids[0] }?.runID == run2, "the run that placed it")
        #expect(try c.mappingGaps(target: "/t").map(\.fileID) == [ids[1]], "the archived file is not placed yet")
    }
}
