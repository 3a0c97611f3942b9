import AttacheTestSupport
import Foundation

/// One bad input of the catalogue (Documentation/Testing.md, "Bad-input catalogue"): a small
/// migration (``RewriteMigration``) spoilt one way, the command a user would run, the exit code
/// and a fragment the message must hold. What the user sees (the first line of standard error)
/// is kept in the documentation's table; `BadInputCatalogueTests` compares the two.
struct BadInput: Sendable {
    let id: String
    let area: String
    let input: String
    let exit: Int32
    let expect: String
    let run: @Sendable (RewriteMigration) throws -> RunResult
    /// A part of the message that differs from run to run (which of apply's parallel copies
    /// meets the full disk first), as a regular expression: shown as `…`.
    let varying: String?

    init(_ id: String, _ area: String, _ input: String, exit: Int32, expect: String, varying: String? = nil,
         _ run: @escaping @Sendable (RewriteMigration) throws -> RunResult) {
        self.id = id; self.area = area; self.input = input; self.exit = exit; self.expect = expect; self.varying = varying
        self.run = run
    }
}

extension RewriteMigration {
    /// Replaces the manifest with `text`.
    func manifest(_ text: String) throws {
        try text.write(toFile: dir + "/attache.yaml", atomically: true, encoding: .utf8)
    }
    /// The manifest with `old` replaced by `new` (which must be there).
    func editManifest(_ old: String, _ new: String) throws {
        let path = dir + "/attache.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard text.contains(old) else { throw HarnessError("the manifest has no \(old)") }
        try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
    }
    /// `attache scan`, then `attache refs` (what is measured).
    func refsAfterScan() throws -> RunResult {
        _ = try run(["scan"])
        return try run(["refs"])
    }
    /// Writes `text` at `relative` (a policy, a review sheet, a CSV).
    func file(_ relative: String, _ text: String) throws {
        try text.write(toFile: dir + "/" + relative, atomically: true, encoding: .utf8)
    }
    /// A policy file with `rules` and the keys before them.
    func policyFile(_ body: String) throws -> String {
        try file("bad-policy.yaml", "version: 1\n" + body)
        return dir + "/bad-policy.yaml"
    }
}

enum BadInputCatalogue {
    static let source = "  - name: notes\n    sqlite: records/crm.sqlite\n    table: notes\n    key: [id]\n    text: [body, short]\n"

    static let manifest: [BadInput] = [
        BadInput("M1", "manifest", "a YAML syntax error (an unclosed quote)", exit: 65, expect: "attache.yaml:3:") { m in
            try m.manifest("version: 1\nroots:\n  - path: 'legacy/share\n"); return try m.run(["scan"])
        },
        BadInput("M2", "manifest", "an unknown key ('rots')", exit: 65, expect: "did you mean 'roots'") { m in
            try m.editManifest("roots:", "rots:"); return try m.run(["scan"])
        },
        BadInput("M3", "manifest", "a version attache does not know (version: 2)", exit: 65, expect: "version") { m in
            try m.editManifest("version: 1", "version: 2"); return try m.run(["scan"])
        },
        BadInput("M4", "manifest", "no roots", exit: 65, expect: "roots") { m in
            try m.manifest("version: 1\ncatalog: attache.db\n"); return try m.run(["scan"])
        },
        BadInput("M5", "manifest", "a root that does not exist", exit: 66, expect: "legacy/nowhere") { m in
            try m.editManifest("path: legacy/share", "path: legacy/nowhere"); return try m.run(["scan"])
        },
        BadInput("M6", "manifest", "the manifest named with --manifest does not exist", exit: 66, expect: "nope.yaml") { m in
            try m.run(["scan", "--manifest", "nope.yaml"])
        },
        BadInput("M7", "manifest", "an empty manifest file", exit: 65, expect: "attache.yaml") { m in
            try m.manifest(""); return try m.run(["scan"])
        },
        BadInput("M8", "manifest", "two sources with the same name", exit: 65, expect: "notes") { m in
            try m.editManifest("policy: policy.yaml", source + "policy: policy.yaml"); return try m.run(["refs"])
        },
        BadInput("M9", "manifest", "a source that is both sqlite and csv", exit: 65, expect: "csv") { m in
            try m.editManifest("    table: notes\n", "    csv: records/notes.csv\n    table: notes\n"); return try m.run(["refs"])
        },
        BadInput("M10", "manifest", "an exclude pattern that does not parse ('[')", exit: 65, expect: "[") { m in
            try m.editManifest("sources:", "exclude: ['Old/[']\nsources:"); return try m.run(["scan"])
        },
        BadInput("M11", "manifest", "case_insensitive that is not a boolean", exit: 65, expect: "case_insensitive") { m in
            try m.editManifest("case_insensitive: true", "case_insensitive: maybe"); return try m.run(["scan"])
        },
        BadInput("M12", "manifest", "a target with an address that is not a URL, share or path", exit: 65, expect: "address") { m in
            try m.editManifest("address: '\\\\NEWSRV\\crm\\'", "address: 'NEWSRV crm'"); return try m.run(["scan"])
        },
    ]

    static let sources: [BadInput] = [
        BadInput("S1", "source", "a table the database does not have", exit: 65, expect: "nots") { m in
            try m.editManifest("table: notes", "table: nots"); return try m.refsAfterScan()
        },
        BadInput("S2", "source", "a key column the table does not have", exit: 65, expect: "idd") { m in
            try m.editManifest("key: [id]", "key: [idd]"); return try m.refsAfterScan()
        },
        BadInput("S3", "source", "a query that writes (DELETE)", exit: 65, expect: "DELETE") { m in
            try m.editManifest("    table: notes\n", "    query: DELETE FROM notes\n"); return try m.refsAfterScan()
        },
        BadInput("S4", "source", "two statements in a query", exit: 65, expect: "statement") { m in
            try m.editManifest("    table: notes\n", "    query: 'SELECT * FROM notes; SELECT 1'\n"); return try m.refsAfterScan()
        },
        BadInput("S5", "source", "a SQLite database that does not exist", exit: 66, expect: "records/none.sqlite") { m in
            try m.editManifest("sqlite: records/crm.sqlite", "sqlite: records/none.sqlite"); return try m.refsAfterScan()
        },
        BadInput("S6", "source", "a file that is not a SQLite database", exit: 65, expect: "records/crm.sqlite") { m in
            try m.file("records/crm.sqlite", "this is not a database\n"); return try m.refsAfterScan()
        },
        BadInput("S7", "source", "a CSV export that does not exist", exit: 66, expect: "records/notes.csv") { m in
            try m.editManifest("    sqlite: records/crm.sqlite\n    table: notes\n", "    csv: records/notes.csv\n"); return try m.refsAfterScan()
        },
        BadInput("S8", "source", "a CSV export with a quote that never closes", exit: 3, expect: "quote") { m in
            try m.file("records/notes.csv", "id,body,short\n1,\"K:\\Scans\\scan 1.pdf,\n2,ok,\n")
            try m.editManifest("    sqlite: records/crm.sqlite\n    table: notes\n", "    csv: records/notes.csv\n"); return try m.refsAfterScan()
        },
        BadInput("S9", "source", "a CSV export that is not UTF-8 and names no encoding", exit: 65, expect: "encoding") { m in
            try Data([0x69, 0x64, 0x2C, 0x62, 0x6F, 0x64, 0x79, 0x2C, 0x73, 0x68, 0x6F, 0x72, 0x74, 0x0A, 0x31, 0x2C, 0xC4, 0xEE, 0xE3, 0x2C, 0x0A])
                .write(to: URL(fileURLWithPath: m.dir + "/records/notes.csv"))
            try m.editManifest("    sqlite: records/crm.sqlite\n    table: notes\n", "    csv: records/notes.csv\n"); return try m.refsAfterScan()
        },
        BadInput("S10", "source", "an encoding attache does not know", exit: 65, expect: "cp9999") { m in
            try m.file("records/notes.csv", "id,body,short\n1,x,\n")
            try m.editManifest("    sqlite: records/crm.sqlite\n    table: notes\n", "    csv: records/notes.csv\n    encoding: cp9999\n")
            return try m.refsAfterScan()
        },
        BadInput("S11", "source", "an unknown preset", exit: 65, expect: "vtigr") { m in
            try m.editManifest("    sqlite: records/crm.sqlite\n    table: notes\n    key: [id]\n    text: [body, short]\n",
                               "    preset: vtigr\n    database: records/crm.sqlite\n    root: legacy/share\n"); return try m.refsAfterScan()
        },
        BadInput("S12", "source", "a preset on a database of another CRM", exit: 65, expect: "vtiger_attachments") { m in
            try m.editManifest("    sqlite: records/crm.sqlite\n    table: notes\n    key: [id]\n    text: [body, short]\n",
                               "    preset: vtiger\n    database: records/crm.sqlite\n    root: legacy/share\n"); return try m.refsAfterScan()
        },
        BadInput("S13", "source", "a text_files folder that does not exist", exit: 66, expect: "records/notes") { m in
            try m.editManifest("    sqlite: records/crm.sqlite\n    table: notes\n    key: [id]\n    text: [body, short]\n",
                               "    text_files: records/notes\n"); return try m.refsAfterScan()
        },
        BadInput("S14", "source", "fields naming a column the source does not read", exit: 65, expect: "acount") { m in
            try m.editManifest("    text: [body, short]\n", "    text: [body, short]\n    fields: [acount]\n"); return try m.refsAfterScan()
        },
    ]
}
