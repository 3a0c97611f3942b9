import AttacheTestSupport
import Foundation
import Testing

// A migration for the rewrite tests: a Windows share (aliases \\FILESRV01\CRM\ and K:\) with
// awkward names, a SQLite table of notes that point at them in every spelling, a manifest
// whose target is addressed as \\NEWSRV\crm\, and the stages before rewrite run for real.

struct RewriteMigration {
    let scratch: Scratch
    var dir: String { scratch.path }
    var database: String { scratch.join("records/crm.sqlite") }
    var target: String { scratch.join("target") }
    var output: String { scratch.join("rewritten") }
    var copy: String { scratch.join("rewritten/notes/crm.sqlite") }

    static let files: [Node] = [
        .text("Contracts/Smith & Sons #4/100% done.pdf", "%PDF contract"),
        .text("Договоры/АО Вектор/акт 3.pdf", "%PDF act"),
        .text("合同/合同 2019.pdf", "%PDF hetong"),
        .text("Scans/scan 1.pdf", "%PDF scan one"),
        .text("Scans/copy of scan 1.pdf", "%PDF scan one"),
        .text("Old/archived.pdf", "%PDF old"),
        .text("Old/dropme.tmp", "temporary"),
    ]

    /// The notes table: id → body (and `short`, a VARCHAR(30) column holding one path).
    static let notes: [(Int, String, String?)] = [
        (1, #"See \\FILESRV01\CRM\Contracts\Smith & Sons #4\100% done.pdf today."#, nil),
        (2, #"Договор: K:\Договоры\АО Вектор\акт 3.pdf"#, nil),
        (3, #"<p>Scan: <a href="file:///K:/Scans/scan%201.pdf">scan</a> &amp; more</p>"#, nil),
        (4, #"<p>K:\合同\合同 2019.pdf</p>"#, nil),
        (5, #"The copy: K:\Scans\copy of scan 1.pdf"#, nil),
        (6, #"Old one: K:\Old\archived.pdf"#, nil),
        (7, #"Lost: K:\Nope\gone.pdf"#, nil),
        (8, "No attachment, see www.example.com", nil),
        (9, #"Temp: K:\Old\dropme.tmp"#, #"K:\Scans\scan 1.pdf"#),
    ]

    static let policy = """
        version: 1
        name: Rewrite test policy
        layout: '{root}/{relpath}'
        rules:
          - name: drop-temp
            when: { name: '*.tmp' }
            action: drop
          - name: archive-old
            when: { path: 'Old/**' }
            action: archive
        default: keep
        archive: { format: zip, grouping: '{root}', naming: '_archive/{group}-{volume}' }
        """

    init(_ label: String, policy: String = RewriteMigration.policy, extraManifest: String = "") throws {
        scratch = Scratch(label)
        try FileManager.default.createDirectory(atPath: scratch.join("legacy"), withIntermediateDirectories: true)
        try Tree.make(at: scratch.join("legacy/share"), Self.files)
        try FileManager.default.createDirectory(atPath: scratch.join("records"), withIntermediateDirectories: true)
        try Self.makeDatabase(database)
        try policy.write(toFile: scratch.join("policy.yaml"), atomically: true, encoding: .utf8)
        let manifest = """
            version: 1
            catalog: attache.db
            roots:
              - path: legacy/share
                aliases: ['\\\\FILESRV01\\CRM\\', 'K:\\']
                case_insensitive: true
            sources:
              - name: notes
                sqlite: records/crm.sqlite
                table: notes
                key: [id]
                text: [body, short]
            \(extraManifest)
            policy: policy.yaml
            target: { path: target, address: '\\\\NEWSRV\\crm\\' }
            """
        try manifest.write(toFile: scratch.join("attache.yaml"), atomically: true, encoding: .utf8)
    }

    static func makeDatabase(_ path: String) throws {
        var script = "CREATE TABLE notes (id INTEGER PRIMARY KEY, account TEXT, body TEXT, short VARCHAR(30));\n"
        for (id, body, short) in notes {
            script += "INSERT INTO notes VALUES (\(id), 'Account \(id)', \(sqlString(body)), \(short.map(sqlString) ?? "NULL"));\n"
        }
        try sql(path, script)
    }

    static func sqlString(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

    /// Runs SQL on a database with Python's sqlite3 (no CLI needed).
    @discardableResult
    static func sql(_ database: String, _ script: String) throws -> String {
        let py = "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.stdin.read()); c.commit()"
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("attache-sql-\(UUID().uuidString)").path
        try script.write(toFile: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: input) }
        let r = try CLI.runTool(["/bin/sh", "-c", "python3 -c \"$0\" \"$1\" < \"$2\"", py, database, input])
        #expect(r.exitCode == 0, "\(r)")
        return r.stdout
    }

    /// Every row of the notes table: id → [column: value] (NULL as nil), read with Python.
    static func rows(_ database: String) throws -> [Int: [String: String?]] {
        let py = """
            import sqlite3,sys,json
            c=sqlite3.connect('file:'+sys.argv[1]+'?mode=ro', uri=True)
            print(json.dumps([[r[0], r[1], r[2], r[3]] for r in c.execute('SELECT id, account, body, short FROM notes ORDER BY id')]))
            """
        let r = try CLI.runTool(["/usr/bin/env", "python3", "-c", py, database])
        #expect(r.exitCode == 0, "\(r)")
        let array = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[Any]] ?? []
        var out: [Int: [String: String?]] = [:]
        for row in array {
            out[row[0] as! Int] = ["account": row[1] as? String, "body": row[2] as? String, "short": row[3] as? String]
        }
        return out
    }

    func run(_ args: [String], env: [String: String] = [:], asNobody: Bool = false, binary: String? = nil) throws -> RunResult {
        try CLI.run(args, cwd: dir, env: env, asNobody: asNobody, binary: binary)
    }

    /// scan → refs → plan → apply, each expected to finish (0, or 3 for what the fixture
    /// has on purpose: a reference to a missing file).
    func prepare(sourceLocation: SourceLocation = #_sourceLocation) throws {
        for step in [["scan"], ["refs"], ["plan"], ["apply"]] {
            let r = try run(step)
            #expect(r.exitCode == 0 || r.exitCode == 3, "\(step): \(r)", sourceLocation: sourceLocation)
        }
    }

    /// `attache list rewrites --format json` items.
    func audit(_ extra: [String] = []) throws -> [[String: Any]] {
        try listItems(try run(["list", "rewrites", "--format", "json"] + extra))
    }
}
