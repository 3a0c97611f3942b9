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
        #expect(try c.appliedMigrations() == ["v1-inventory", "v2-references", "v3-plans", "v4-record-fields", "v5-file-owners", "v6-plan-policy"])
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
        #expect(prior[bad]?.stat == stat)
        var listed: [FileRecord] = []
        try c.forEachFile { listed.append($0) }
        #expect(listed.map(\.path) == [bad])
        #expect(listed.first?.stat.key.device == UInt64.max)
    }
}
