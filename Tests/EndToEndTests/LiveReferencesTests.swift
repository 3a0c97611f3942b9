import AttacheTestSupport
import Foundation
import Testing

/// The references stage on live MySQL/MariaDB and PostgreSQL databases holding the same CRM
/// records as the SQLite fixtures (demo/make_crm_fixtures.py, loaded table by table): the same
/// references and statuses, the databases unchanged, legacy charsets decoded, bad sources
/// clear errors with their exit codes.
@Suite(.serialized, .enabled(if: LiveServer.shouldRun, "needs the scratch servers of scripts/testdb/with-databases.sh"),
       .timeLimit(.minutes(5)))
struct LiveReferencesTests {
    /// The CRM fixtures, and the four CRM databases loaded into one server.
    struct LiveCRMs {
        let crms: ReferencesScenarioTests.CRMs
        let server: LiveServer
        /// CRM name (vtiger, suitecrm, odoo, espocrm) → database on the server.
        var databases: [String: String] = [:]

        init(_ engine: LiveServer.Engine) throws {
            crms = try ReferencesScenarioTests.CRMs()
            server = try LiveServer.require(engine)
            for crm in ["vtiger", "suitecrm", "odoo", "espocrm"] {
                let db = try server.newDatabase()
                try server.load(sqlite: crms.dir + "/records/\(crm).sqlite", into: db)
                databases[crm] = db
            }
        }

        /// The fixtures' manifest with every SQLite database replaced by its live copy, and a
        /// catalog of its own.
        func writeManifest(_ name: String, extraSources: String = "") throws {
            var text = try String(contentsOfFile: crms.dir + "/attache.yaml", encoding: .utf8)
            let key = server.engine.rawValue
            for (crm, db) in databases {
                text = text.replacingOccurrences(of: "database: records/\(crm).sqlite", with: "\(key): '\(server.url(db))'")
                text = text.replacingOccurrences(of: "sqlite: records/\(crm).sqlite", with: "\(key): '\(server.url(db))'")
            }
            text = text.replacingOccurrences(of: "catalog: attache.db", with: "catalog: \(name).db")
            text = text.replacingOccurrences(of: "sources:\n", with: "sources:\n" + extraSources)
            try text.write(toFile: crms.dir + "/\(name).yaml", atomically: true, encoding: .utf8)
        }

        func run(_ args: [String], manifest: String, env: [String: String] = [:], timeout: Double = 60) throws -> RunResult {
            try CLI.run(args + ["--manifest", manifest + ".yaml"], cwd: crms.dir, env: env, timeout: timeout)
        }

        /// `attache list refs` as CSV rows, without the position (row numbers follow each
        /// engine's ORDER BY, whose collations differ).
        func refs(manifest: String) throws -> [String] {
            let r = try run(["list", "refs", "--format", "csv"], manifest: manifest)
            #expect(r.exitCode == 0, "\(r)")
            let lines = r.stdout.split(whereSeparator: \.isNewline).map(String.init)
            guard let header = lines.first?.split(separator: ",").map(String.init), let position = header.firstIndex(of: "position") else {
                return lines
            }
            // CSV cells may hold commas inside quotes: split properly.
            return lines.dropFirst().map { line in
                var cells = csvCells(line)
                if cells.count > position { cells.remove(at: position) }
                return cells.joined(separator: "\u{1F}")
            }.sorted()
        }

        func checksums() throws -> [String: String] {
            try databases.mapValues { try server.checksum($0) }
        }
    }

    @Test(arguments: [LiveServer.Engine.mysql, .postgresql])
    func theSameReferencesAsSQLiteAndTheDatabasesUntouched(_ engine: LiveServer.Engine) throws {
        let m = try LiveCRMs(engine)
        try m.writeManifest("live")
        for manifest in ["attache", "live"] {
            let scan = try m.run(["scan", "-q"], manifest: manifest)
            #expect(scan.exitCode == 0 || scan.exitCode == 3, "\(scan)")
        }
        let before = try m.checksums()
        let sqliteRefs = try m.run(["refs"], manifest: "attache")
        let liveRefs = try m.run(["refs"], manifest: "live")
        #expect(liveRefs.exitCode == sqliteRefs.exitCode, "\(liveRefs)")
        let expected = try m.refs(manifest: "attache"), got = try m.refs(manifest: "live")
        #expect(expected.count > 20, "the fixtures have references")
        #expect(got == expected, "\(engine): differs: \(Set(got).symmetricDifference(Set(expected)).sorted().prefix(6))")
        #expect(try m.checksums() == before, "refs changed a live database")

        // Unchanged: not read again. A change to a `modified` column: read again.
        let again = try m.run(["refs"], manifest: "live")
        #expect(again.stdout.contains("  vtiger: unchanged, not read again"), "\(again)")
        #expect(again.stdout.contains("  odoo: unchanged, not read again"), "\(again)")
        try m.server.sql("UPDATE vtiger_crmentity SET modifiedtime = '2024-01-01 00:00:00' WHERE crmid = 1001",
                         database: m.databases["vtiger"]!)
        let third = try m.run(["refs"], manifest: "live")
        #expect(!third.stdout.contains("  vtiger: unchanged"), "\(third)")
        #expect(third.stdout.contains("  odoo: unchanged, not read again"), "\(third)")
    }

    @Test(arguments: [LiveServer.Engine.mysql, .postgresql])
    func legacyCharsetsAreDecodedAsTheServerDeclaresThem(_ engine: LiveServer.Engine) throws {
        let crms = try ReferencesScenarioTests.CRMs()
        let server = try LiveServer.require(engine)
        let db = try server.newDatabase(legacy: true)
        let charset = engine == .mysql ? " DEFAULT CHARSET=cp1251" : ""
        try server.sql("CREATE TABLE memo (id INTEGER PRIMARY KEY, body TEXT)\(charset)", database: db)
        try server.sql("INSERT INTO memo VALUES (1, 'Договор: K:\\Contracts\\Смит & Ко\\Договор №7, финал.pdf')", database: db)
        var text = try String(contentsOfFile: crms.dir + "/attache.yaml", encoding: .utf8)
        text = text.replacingOccurrences(of: "sources:\n", with: """
            sources:
              - name: memo
                \(engine.rawValue): '\(server.url(db))'
                table: memo
                key: id
                text: body

            """)
        try text.write(toFile: crms.dir + "/attache.yaml", atomically: true, encoding: .utf8)
        #expect([0, 3].contains(try crms.run(["scan", "-q"]).exitCode))
        _ = try crms.run(["refs", "-q"])
        let rows = try listItems(try crms.run(["list", "refs", "--format", "json"])).filter { $0["source"] as? String == "memo" }
        #expect(rows.count == 1)
        #expect(rows.first?["raw"] as? String == "K:\\Contracts\\Смит & Ко\\Договор №7, финал.pdf", "\(rows)")
        #expect(rows.first?["status"] as? String == "resolved", "\(rows)")
    }
}

/// The cells of one CSV line (quotes, doubled quotes; no line breaks inside cells).
func csvCells(_ line: String) -> [String] {
    var cells: [String] = [], cell = "", quoted = false
    var chars = Array(line)[...]
    while let c = chars.popFirst() {
        if quoted {
            if c == "\"" { if chars.first == "\"" { cell.append("\""); chars = chars.dropFirst() } else { quoted = false } }
            else { cell.append(c) }
        } else if c == "\"" { quoted = true }
        else if c == "," { cells.append(cell); cell = "" }
        else { cell.append(c) }
    }
    cells.append(cell)
    return cells
}
