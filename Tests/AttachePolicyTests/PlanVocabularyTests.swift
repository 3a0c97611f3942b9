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
        #expect(PlacementKind.allCases.map(\.rawValue) == ["placed", "archived", "dropped", "duplicate"])
        #expect(JournalStepState.allCases.map(\.rawValue) == ["planned", "started", "done", "failed"])
        #expect(JournalStepKind.allCases.map(\.rawValue) == ["copy", "link", "archive", "seal-archive", "remove"])
        #expect(Placement.archived(archivePath: "_archive/a-001.tar.zst", member: "a.pdf").kind == .archived)
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
        let id = try catalog.storePlan(policyFile: "p.yaml", policyPath: "/abs/p.yaml", policyName: nil, summary: summary,
                                       warnings: ["w \"quoted\""], decisions: decisions)
        let stored = try catalog.decisions(plan: id)
        #expect(stored[1] == DecisionRow(decisions[0]) && stored[2] == DecisionRow(decisions[1]))
        let record = try #require(try catalog.plans(limit: 1).first)
        #expect(record.policyPath == "/abs/p.yaml" && record.policyFile == "p.yaml")
        #expect(record.summaryJSON == summary.jsonText && record.warningsJSON == "[\"w \\\"quoted\\\"\"]")
        try catalog.replaceOverrides([Override(fileID: 2, action: .keep, note: "needed")], from: "review.csv")
        #expect(try catalog.overrides() == [Override(fileID: 2, action: .keep, note: "needed")])
    }
}
