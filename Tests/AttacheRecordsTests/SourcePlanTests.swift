import AttacheConfig
import Foundation
import Testing
@testable import AttacheRecords

/// A manifest source as a plan: what it reads, opening it, and the fingerprint that decides
/// whether `attache refs` reads it again.
@Suite("Source plan")
final class SourcePlanTests {
    let dir = SourceFixture.folder()
    deinit { SourceFixture.remove(dir) }
    var notes: String { dir + "/notes" }

    @Test func aTextFolderPlanReadsItsTextAndKeepsItsFields() throws {
        SourceFixture.write(notes + "/a.txt", "see K:\\a.pdf")
        var spec = SourceSpec(name: "notes", kind: .textFiles(folder: notes), base: "/mnt/share")
        spec.fields = ["text"]
        let plan = try SourcePlan(spec)
        #expect(plan.location == notes)
        #expect(plan.textColumns == ["text"] && plan.template == nil && plan.base == "/mnt/share")
        #expect(plan.fields == ["text"])
        let source = try plan.open()
        #expect(source is TextFilesSource)
        var keys: [[String]] = []
        try source.forEachRecord({ keys.append($0.key) }, problem: { Issue.record("unexpected problem: \($0)") })
        #expect(keys == [["a.txt"]])
    }

    @Test func aPresetWithoutItsDatabaseIsAPresetError() {
        let spec = SourceSpec(name: "crm", kind: .preset(name: "odoo"), database: dir + "/absent.db", root: "/mnt/crm")
        #expect(throws: Presets.PresetError.self) { _ = try SourcePlan(spec) }
    }

    @Test func aTextFolderFingerprintFollowsEveryFileBelowIt() throws {
        SourceFixture.write(notes + "/a.txt", "a")
        SourceFixture.write(notes + "/deep/er/b.html", "<p>b</p>")
        let plan = try SourcePlan(SourceSpec(name: "notes", kind: .textFiles(folder: notes)))
        let first = plan.fingerprint
        #expect(plan.fingerprint == first, "nothing changed, the fingerprint must not either")
        #expect(first.contains(notes + "/deep/er/b.html:8:"))
        // A file deep below the folder grows: the source must be read again.
        SourceFixture.write(notes + "/deep/er/b.html", "<p>bb</p>")
        let second = plan.fingerprint
        #expect(second != first)
        // A new file appears.
        SourceFixture.write(notes + "/deep/c.txt", "c")
        #expect(plan.fingerprint != second)
    }

    @Test func aDatabaseFingerprintFollowsItsWriteAheadLog() throws {
        SourceFixture.sqlite(dir + "/crm.db", "CREATE TABLE t (id INTEGER PRIMARY KEY, f TEXT);")
        let plan = try SourcePlan(SourceSpec(name: "crm", kind: .sqlite(database: dir + "/crm.db"), table: "t", key: ["id"], file: "{f}"))
        let first = plan.fingerprint
        SourceFixture.write(dir + "/crm.db-wal", "pretend log")
        #expect(plan.fingerprint != first)
        #expect(plan.fingerprint.contains(dir + "/crm.db-wal:11:"))
    }
}
