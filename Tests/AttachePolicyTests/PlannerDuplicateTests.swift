import AttacheModel
import Testing
@testable import AttachePolicy

private typealias F = PlannerFixture

/// Step 3: one copy of each content is kept, the others point at it.
@Suite struct PlannerDuplicateTests {
    static let content = F.hash(42)

    func copies(_ specs: [(Int64, String, Int, Timestamp)]) -> [PlanFile] {
        specs.map { F.file($0.0, $0.1, mtime: $0.3, sha256: Self.content, live: $0.2, sources: $0.2 > 0 ? ["crm"] : []) }
    }

    func policy(_ preference: [DuplicatePolicy.Preference], keepOne: Bool = true) -> Policy {
        Policy(rules: [], defaultAction: .keep, duplicates: DuplicatePolicy(keepOne: keepOne, preference: preference))
    }

    @Test func theMostReferencedCopyIsKeptAndTheOthersPointAtIt() {
        let files = copies([(1, "a/contract.pdf", 1, F.date(2015)), (2, "b/contract.pdf", 4, F.date(2016)), (3, "c/contract copy.pdf", 0, F.date(2014))])
        let plan = F.plan(files, policy([.mostReferenced, .oldest]))
        #expect(F.decision(plan, 2).action == .keep)
        for id: Int64 in [1, 3] {
            let d = F.decision(plan, id)
            #expect(d.action == .drop)
            #expect(d.rule == "duplicates")
            #expect(d.duplicateOf == 2)
            #expect(d.reason == "dropped: same content as /mnt/share/b/contract.pdf; its references will point there")
            #expect(d.targetPath == nil)
        }
        // A referenced file (1) is dropped here: the policy asked for one copy, and its references move.
        #expect(plan.summary.byRule["duplicates"]?.files == 2)
    }

    @Test func preferencesAreAppliedInOrderThenThePathDecides() {
        let files = copies([(1, "zz/x.pdf", 1, F.date(2015)), (2, "a/b/c/x.pdf", 1, F.date(2010)), (3, "y.pdf", 1, F.date(2020)),
                            (4, "aa/x.pdf", 1, F.date(2010))])
        #expect(kept(F.plan(files, policy([.mostReferenced, .oldest]))) == [2])            // oldest: 2 and 4 tie → path 'a/b/c' < 'aa'
        #expect(kept(F.plan(files, policy([.newest]))) == [3])
        #expect(kept(F.plan(files, policy([.shortestPath]))) == [3])
        #expect(kept(F.plan(files, policy([.oldest, .shortestPath]))) == [4])
        #expect(kept(F.plan(files, policy([]))) == [2])                                      // path order alone
        #expect(kept(F.plan(files, policy([.oldest], keepOne: false))) == [1, 2, 3, 4])
    }

    func kept(_ plan: Plan) -> [Int64] { plan.decisions.filter { $0.action == .keep }.map(\.fileID) }

    @Test func onlyKeptCopiesTakePartAndOverrideKeepsAlwaysStay() {
        let files = copies([(1, "a.pdf", 0, F.date(2015)), (2, "b.pdf", 9, F.date(2015)), (3, "c.pdf", 0, F.date(2015)),
                            (4, "old/d.pdf", 0, F.date(2001))])
        let policy = Policy(rules: [F.rule("archive-old", .modifiedBefore(.years(20)), .archive)], defaultAction: .keep,
                            duplicates: DuplicatePolicy(keepOne: true, preference: [.mostReferenced]))
        // 4 is archived by its rule and stays archived (duplicates only thin out kept files).
        let plan = F.plan(files, policy, overrides: [Override(fileID: 1, action: .keep), Override(fileID: 3, action: .keep)])
        #expect(F.decision(plan, 4).action == .archive)
        // 1 and 3 are must-keep: both stay; 2 (a rule keep, most referenced) points at the better override copy (path order: 1).
        #expect(F.decision(plan, 1).action == .keep)
        #expect(F.decision(plan, 3).action == .keep)
        #expect(F.decision(plan, 2).action == .drop)
        #expect(F.decision(plan, 2).duplicateOf == 1)
    }

    @Test func emptyFilesAndFilesWithoutHashAreNeverDuplicates() {
        let empty = F.hash(0)
        let files = [
            F.file(1, "a.txt", size: 0, sha256: empty), F.file(2, "b.txt", size: 0, sha256: empty),
            F.file(3, "c.txt", sha256: .some(nil)), F.file(4, "d.txt", sha256: .some(nil)),
        ]
        let plan = F.plan(files, policy([.oldest]))
        #expect(plan.decisions.allSatisfy { $0.action == .keep })
    }

    @Test func aDroppedCopySaysWhenTheKeptCopyEndedInAnArchive() {
        var target = TargetLimits()
        target.maxFileSize = ByteCount(Int64(500))
        let files = copies([(1, "a.iso", 1, F.date(2015)), (2, "b.iso", 0, F.date(2015))])
        var p = policy([.mostReferenced])
        p.target = target
        let plan = F.plan(files, p)
        #expect(F.decision(plan, 1).action == .archive)
        #expect(F.decision(plan, 1).rule == "limits")
        #expect(F.decision(plan, 2).duplicateOf == 1)
        #expect(F.decision(plan, 2).notes.contains("the copy it points to is archived (limits)"))
    }
}
