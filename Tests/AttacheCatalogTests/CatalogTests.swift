import AttacheModel
import AttacheTestSupport
import Foundation
import GRDB
import Testing
@testable import AttacheCatalog

@Suite struct CatalogTests {
    @Test func createsTheSchemaWithNamedMigrations() throws {
        let s = Scratch("cat")
        let c = try Catalog(path: s.join("a.db"))
        #expect(try c.appliedMigrations() == ["v1-inventory", "v2-references", "v3-plans", "v4-record-fields", "v5-file-owners", "v6-plan-policy", "v7-apply", "v8-rewrite", "v9-verify"])
        #expect(try c.integrityCheck() == "ok")
        // Re-opening applies nothing new and keeps data.
        let id = try c.registerRoot(path: RawPath("/mnt/legacy"), aliases: ["K:\\"], caseInsensitive: true)
        let again = try Catalog(path: s.join("a.db"))
        #expect(try again.roots().map(\.id) == [id])
        #expect(try again.roots().first?.aliases == ["K:\\"])
        #expect(try again.roots().first?.caseInsensitive == true)
    }

    @Test func refusesACatalogFromANewerAttache() throws {
        let s = Scratch("newer")
        _ = try Catalog(path: s.join("a.db"))
        let db = try DatabaseQueue(path: s.join("a.db"))
        try db.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')") }
        #expect(throws: CatalogError.newerSchema(path: s.join("a.db"), unknown: ["v9-from-the-future"])) {
            _ = try Catalog(path: s.join("a.db"))
        }
    }

    @Test func aFileThatIsNotACatalogIsAClearError() throws {
        let s = Scratch("garbage")
        try Tree.make(at: s.path, [.text("notes.db", String(repeating: "this is not sqlite ", count: 100))])
        do {
            _ = try Catalog(path: s.join("notes.db"))
            Issue.record("opened a text file as a catalog")
        } catch {
            guard case .cannotOpen(let path, let reason) = error else { Issue.record("wrong error \(error)"); return }
            #expect(path == s.join("notes.db"))
            #expect(reason.contains("not a database"))
        }
    }

    @Test func aMissingCatalogIsNotCreatedWhenItMustExist() {
        let s = Scratch("missing")
        #expect(throws: CatalogError.notFound(s.join("none.db"))) { _ = try Catalog(path: s.join("none.db"), mustExist: true) }
        #expect(!FileManager.default.fileExists(atPath: s.join("none.db")))
    }

    @Test func rawPathBytesRoundTrip() throws {
        let s = Scratch("bytes")
        let c = try Catalog(path: s.join("a.db"))
        let root = try c.registerRoot(path: RawPath("/r"), aliases: [], caseInsensitive: false)
        let run = try c.beginScanRun(rootIDs: [root], version: "test")
        let bad = RawPath(bytes: [0x66, 0xE9, 0x2F, 0x78, 0xFF])
        let stat = FileStat(kind: .regular, size: 5, mtime: Timestamp(nanoseconds: 1_500_000_000_123),
                            ctime: Timestamp(nanoseconds: 7), key: FileKey(device: UInt64.max, inode: 42), mode: 0o100644)
        try c.applyScanBatch(runID: run, files: [FileUpdate(rootID: root, path: bad, stat: stat, status: .ok)], findings: [], goneIDs: [])
        let prior = try c.priorFiles(rootID: root)
        #expect(prior.map(\.path) == [bad])
        #expect(prior.first?.stat == stat)
        var listed: [FileRecord] = []
        try c.forEachFile { listed.append($0) }
        #expect(listed.map(\.path) == [bad])
        #expect(listed.first?.stat.key.device == UInt64.max)
    }
}

/// The JSON the catalog stores in its columns: written by JSONWriter, with the bytes earlier
/// builds stored (JSONEncoder for aliases, JSONText for warnings), and read back.
@Suite struct StoredJSONTests {
    @Test func aliasesKeepTheBytesJSONEncoderStoredAndReadBack() throws {
        let s = Scratch("aliases")
        let c = try Catalog(path: s.join("a.db"))
        let aliases = ["/var/www/crm/", "\\\\SRV\\Share\\", "K:\\Счёт №5", "tab\there\u{1}\u{8}\u{C}", "say \"hi\" 😀"]
        let root = try c.registerRoot(path: RawPath("/mnt/r"), aliases: aliases, caseInsensitive: nil)
        let stored = try c.read { db in try String.fetchOne(db, sql: "SELECT aliases FROM roots WHERE id = ?", arguments: [root]) }
        #expect(stored == String(decoding: try JSONEncoder().encode(aliases), as: UTF8.self))
        #expect(try c.roots().first?.aliases == aliases)
        // nil keeps them; an empty list clears them to what a new root has.
        _ = try c.registerRoot(path: RawPath("/mnt/r"), aliases: nil, caseInsensitive: nil)
        #expect(try c.roots().first?.aliases == aliases)
        _ = try c.registerRoot(path: RawPath("/mnt/r"), aliases: [], caseInsensitive: nil)
        let cleared = try c.read { db in try String.fetchOne(db, sql: "SELECT aliases FROM roots WHERE id = ?", arguments: [root]) }
        #expect(cleared == "[]")
    }

    @Test func aScanRunStoresItsRootsAsAList() throws {
        let s = Scratch("rootids")
        let c = try Catalog(path: s.join("a.db"))
        for ids: [Int64] in [[3, 1], []] {
            let run = try c.beginScanRun(rootIDs: ids, version: "test")
            let stored = try c.read { db in try String.fetchOne(db, sql: "SELECT root_ids FROM scan_runs WHERE id = ?", arguments: [run]) }
            #expect(stored == "[" + ids.map(String.init).joined(separator: ",") + "]")
        }
    }

    @Test func warningsAreStoredEscapedAndReadBack() throws {
        let s = Scratch("warnings")
        let c = try Catalog(path: s.join("a.db"))
        let warnings = ["rule 'a/b' matched nothing", "file /mnt/r/Счёт\u{1}\n.pdf: \"ignored\""]
        _ = try #require(try c.storePlan(policyFile: "p.yaml", policyPath: nil, policyName: nil, summary: PlanSummary(),
                                         warnings: warnings, decisions: []))
        let record = try #require(try c.plans(limit: 1).first)
        #expect(record.warningsJSON == "[\"rule 'a/b' matched nothing\",\"file /mnt/r/Счёт\\u0001\\n.pdf: \\\"ignored\\\"\"]")
        #expect(try JSONSerialization.jsonObject(with: Data(record.warningsJSON.utf8)) as? [String] == warnings)
        let none = try #require(try c.storePlan(policyFile: "p.yaml", policyPath: nil, policyName: nil, summary: PlanSummary(),
                                                warnings: [], decisions: []))
        let latest = try #require(try c.plans(limit: 1).first)
        #expect(latest.id == none && latest.warningsJSON == "[]")
    }
}
