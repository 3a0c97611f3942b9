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

    /// A table source reads the columns its roles name and passes over the rest: a BLOB of
    /// file content beside the path is no problem of the record's.
    @Test func aTableSourceReadsOnlyTheColumnsItsRolesName() throws {
        SourceFixture.sqlite(dir + "/docs.db", """
            CREATE TABLE docs(id INTEGER PRIMARY KEY, Path TEXT, content BLOB, note TEXT, owner TEXT);
            INSERT INTO docs VALUES (1, 'K:\\a.pdf', x'ff00', 'see K:\\b.pdf', 'ann');
            """)
        var spec = SourceSpec(name: "crm", kind: .sqlite(database: dir + "/docs.db"), table: "docs", key: ["id"], file: "{Path}")
        spec.text = ["note"]
        let plan = try SourcePlan(spec)
        #expect(plan.usedColumns == ["id", "path", "note"])
        var fields: [[String: String]] = []
        try plan.open().forEachRecord({ fields.append($0.fields) }, problem: { Issue.record("unexpected problem: \($0)") })
        #expect(fields == [["id": "1", "Path": "K:\\a.pdf", "note": "see K:\\b.pdf"]])
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

    /// The fingerprint is explicit text, never a Swift type's printing: a refactor that moves
    /// or renames types must not make every source be read again. If this test fails because
    /// the format changed on purpose, bump `SourcePlan.definitionVersion`.
    @Test func aKnownPlanHasAFixedFingerprint() throws {
        var spec = SourceSpec(name: "crm", kind: .sqlite(database: "/nowhere/crm.db"), query: "SELECT id, f, gone FROM t",
                              key: ["id"], file: "/var/www/{f}", text: ["notes"], base: "/mnt/share")
        spec.deleted = "gone"
        spec.fields = ["owner", "subject"]
        let plan = try SourcePlan(spec)
        let expected = """
            attache source definition 1
            kind "sqlite"
            preset null
            database "/nowhere/crm.db"
            table null
            query "SELECT id, f, gone FROM t"
            csv null
            delimiter null
            text_files null
            encoding null
            key ["id"]
            file "/var/www/{f}"
            text ["notes"]
            base "/mnt/share"
            deleted "gone"
            modified null
            fields ["owner","subject"]
            relative_base "/mnt/share"
            """
        #expect(plan.definitionText == expected)
        // The database does not exist: nothing to stamp, the fingerprint is the definition.
        #expect(plan.fingerprint == expected)
        #expect(!plan.fingerprint.contains("SourcePlan") && !plan.fingerprint.contains("AttacheRecords"))
    }

    /// `relative_base`, else an explicitly written `base`, says where bare relative paths in the
    /// text start; `root:` alone and presets do not. Changing it changes the fingerprint.
    @Test func theRelativeBaseComesFromRelativeBaseOrAWrittenBase() throws {
        let folder = SourceSpec(name: "n", kind: .textFiles(folder: notes), root: "/mnt/share")
        let rootOnly = try SourcePlan(folder)
        #expect(rootOnly.relativeBase == nil && rootOnly.textBase == "/mnt/share")
        #expect(!rootOnly.definitionText.contains("relative_base"), "a source without it keeps its old fingerprint")
        var based = folder
        based.base = "K:\\"
        let basedPlan = try SourcePlan(based)
        #expect(basedPlan.relativeBase == "K:\\")
        var relative = based
        relative.relativeBase = "\\\\FILESRV01\\CRM\\Notes"
        let plan = try SourcePlan(relative)
        #expect(plan.relativeBase == "\\\\FILESRV01\\CRM\\Notes" && plan.textBase == plan.relativeBase && plan.base == "K:\\")
        let basedText = try SourcePlan(based).definitionText
        #expect(plan.definitionText != basedText)
        #expect(plan.definitionText.hasSuffix("relative_base \"\\\\\\\\FILESRV01\\\\CRM\\\\Notes\""))
    }

    @Test func aCSVPlanNamesItsDelimiterAndEncoding() throws {
        SourceFixture.write(dir + "/a.csv", "Id,Body\n1,x.pdf\n")
        var spec = SourceSpec(name: "sf", kind: .csv(file: dir + "/a.csv"), key: ["Id"], file: "{Body}")
        spec.delimiter = ";"
        spec.encoding = "windows-1252"
        let lines = try SourcePlan(spec).fingerprint.split(separator: "\n").map(String.init)
        #expect(lines.contains("kind \"csv\"") && lines.contains("csv \"\(dir)/a.csv\""))
        #expect(lines.contains("delimiter \";\"") && lines.contains("encoding \"windows-1252\""))
        #expect(lines.last?.hasPrefix("stat \(dir)/a.csv:16:") == true, "the file's size and time close the fingerprint")
    }
}
