import AttacheCatalog
import AttacheModel
import Foundation
import Testing
@testable import AttachePolicy

/// The plan's vocabulary as the catalog stores it: raw values are a schema (renaming one would
/// silently orphan every stored plan), rows round-trip typed, notes are stored joined.
@Suite struct PlanVocabularyTests {
    @Test func storedRawValuesAreTheSchema() {
        #expect(DecisionAction.allCases.map(\.rawValue) == ["keep", "archive", "drop"])
        #expect(PlacementKind.allCases.map(\.rawValue) == ["placed", "archived", "dropped", "duplicate", "pending", "gone"])
        #expect(JournalStepState.allCases.map(\.rawValue) == ["planned", "started", "done", "failed"])
        #expect(JournalStepKind.allCases.map(\.rawValue) == ["copy", "link", "archive", "seal-archive", "remove"])
        #expect(Placement.archived(archivePath: "_archive/a-001.tar.zst", member: RawPath("a.pdf")).kind == .archived)
    }

    @Test func aDecisionIsStoredWithItsNotesJoined() {
        let d = Decision(fileID: 7, action: .keep, rule: "r", reason: "kept", targetPath: "a/b.pdf",
                         notes: ["renamed: ':' is not allowed; replaced by '_'", "path shortened"])
        let row = DecisionRow(d)
        #expect(row.action == .keep && row.targetPath == "a/b.pdf")
        #expect(row.notes == "renamed: ':' is not allowed; replaced by '_'; path shortened")
        var moved = row
        moved.reason = "another reason"
        #expect(!moved.movesDifferently(from: row), "a new reason alone is no change")
        moved.action = .archive
        #expect(moved.movesDifferently(from: row))
    }

    @Test func aDiffNamesNewVanishedAndChangedFiles() {
        func row(_ id: Int64, _ a: DecisionAction, _ t: String?) -> DecisionRow {
            DecisionRow(fileID: id, action: a, rule: "r", reason: "", targetPath: t, archivePath: nil, duplicateOf: nil, notes: "")
        }
        let old: [Int64: DecisionRow] = [1: row(1, .keep, "a"), 2: row(2, .keep, "b"), 3: row(3, .drop, nil)]
        let new: [Int64: DecisionRow] = [1: row(1, .keep, "a"), 2: row(2, .keep, "b (2)"), 4: row(4, .keep, "d")]
        let d = PlanDiff.between(old: old, new: new)
        #expect(d.newFiles == [4] && d.vanishedFiles == [3] && d.changed.map(\.0) == [2])
    }

    @Test func theCatalogReadsBackTypedDecisionsAndOverrides() throws {
        let path = NSTemporaryDirectory() + "vocabulary-\(UUID().uuidString).db"
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        let catalog = try Catalog(path: path)
        var summary = PlanSummary()
        summary.byAction[.archive] = PlanSummary.Tally(files: 1, bytes: 10)
        let decisions = [
            Decision(fileID: 1, action: .archive, rule: "old", reason: "archived", archivePath: "_archive/x-001.tar.zst",
                     notes: ["one; two", "three"]),
            Decision(fileID: 2, action: .drop, rule: "duplicates", reason: "same", duplicateOf: 1),
        ]
        let id = try #require(try catalog.storePlan(policyFile: "p.yaml", policyPath: "/abs/p.yaml", policyName: nil,
                                                    summary: summary, warnings: ["w \"quoted\""], decisions: decisions))
        let stored = try catalog.decisions(plan: id)
        #expect(stored[1] == DecisionRow(decisions[0]) && stored[2] == DecisionRow(decisions[1]))
        let record = try #require(try catalog.plans(limit: 1).first)
        #expect(record.policyPath == "/abs/p.yaml" && record.policyFile == "p.yaml")
        #expect(record.summaryJSON == summary.jsonText && record.warningsJSON == "[\"w \\\"quoted\\\"\"]")
        try catalog.replaceOverrides([Override(fileID: 2, action: .keep, note: "needed")], from: "review.csv")
        #expect(try catalog.overrides() == [Override(fileID: 2, action: .keep, note: "needed")])
    }

    /// Ctrl-C while a plan is stored: the transaction is rolled back, so nothing of it is
    /// stored and the previous plan stays; the next store goes through.
    @Test func aCancelledStoreLeavesThePreviousPlanAlone() throws {
        let path = NSTemporaryDirectory() + "cancelled-store-\(UUID().uuidString).db"
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        let catalog = try Catalog(path: path)
        let decisions = (1...300).map { Decision(fileID: Int64($0), action: .keep, rule: "r", reason: "kept", targetPath: "f\($0)") }
        func store(cancel: Cancellation?, afterEachRow: (() -> Void)? = nil) throws -> Int64? {
            try catalog.storePlan(policyFile: "p.yaml", policyPath: nil, policyName: nil, summary: PlanSummary(), warnings: [],
                                  decisions: decisions, cancel: cancel, afterEachRow: afterEachRow)
        }
        let first = try #require(try store(cancel: Cancellation()))

        // Cancelled half-way (checked after every row under the seam).
        let cancel = Cancellation()
        var rows = 0
        #expect(try store(cancel: cancel, afterEachRow: { rows += 1; if rows == 150 { cancel.cancel() } }) == nil)
        #expect(rows == 150, "the store stopped at the row it was cancelled on")
        // Cancelled before it starts (checked every 64 rows without the seam).
        let already = Cancellation()
        already.cancel()
        #expect(try store(cancel: already) == nil)

        #expect(try catalog.plans(limit: 10).map(\.id) == [first])
        #expect(try catalog.decisions(plan: first).count == decisions.count)
        #expect(try catalog.integrityCheck() == "ok")
        let next = try #require(try store(cancel: Cancellation()))
        #expect(try catalog.plans(limit: 10).map(\.id) == [next, first])
        #expect(try catalog.decisions(plan: next).count == decisions.count)
    }
}
