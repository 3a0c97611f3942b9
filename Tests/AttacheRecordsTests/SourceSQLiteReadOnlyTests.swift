import Foundation
import GRDBSQLite
import Testing
@testable import AttacheRecords

/// The legacy database is opened read-only: prove it, byte for byte, for rollback-journal and
/// WAL databases, and for queries that try to write.
@Suite("SQLite record source is read-only")
final class SourceSQLiteReadOnlyTests {
    let dir = SourceFixture.folder()
    deinit { SourceFixture.remove(dir) }

    func makeDatabase(_ name: String, wal: Bool) -> String {
        let path = dir + "/" + name
        SourceFixture.sqlite(path, (wal ? "PRAGMA journal_mode = WAL;" : "") + """
            CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT, deleted INTEGER);
            INSERT INTO notes(body, deleted) VALUES ('K:\\scans\\a.pdf', 0), ('\\\\FILESRV01\\CRM\\b.pdf', 1);
            """)
        return path
    }

    func readAll(_ path: String, query: String? = nil) throws -> SourceFixture.Reading {
        let source = try SQLiteRecordSource(name: "crm", database: path, table: query == nil ? "notes" : nil,
                                            query: query, key: ["id"], deleted: "deleted", modified: nil)
        return try SourceFixture.read(source)
    }

    @Test func aRollbackJournalDatabaseIsUnchanged() throws {
        let path = makeDatabase("journal.db", wal: false)
        let before = SourceFixture.fingerprint(path)
        #expect(before.companions.isEmpty)
        let reading = try readAll(path)
        #expect(reading.records.count == 2)
        #expect(SourceFixture.fingerprint(path) == before)
    }

    @Test func aWALDatabaseIsReadImmutableWithoutCreatingFiles() throws {
        let path = makeDatabase("wal.db", wal: true)
        let before = SourceFixture.fingerprint(path)
        #expect(before.companions.isEmpty, "the fixture's log was checkpointed and removed")
        let source = try SQLiteRecordSource(name: "crm", database: path, table: "notes", query: nil, key: ["id"],
                                            deleted: nil, modified: nil)
        #expect(source.isImmutable)
        #expect(try SourceFixture.read(source).records.count == 2)
        #expect(SourceFixture.fingerprint(path) == before)
        for suffix in ["-wal", "-shm", "-journal"] { #expect(!SourceFixture.exists(path + suffix)) }
    }

    @Test func aWALDatabaseWithAPendingLogIsReadWithTheLogAndNeitherFileChanges() throws {
        let path = makeDatabase("live.db", wal: true)
        let writer = SourceFixture.openWriter(path)
        defer { sqlite3_close_v2(writer) }
        SourceFixture.exec(writer, "PRAGMA wal_autocheckpoint = 0; INSERT INTO notes(body, deleted) VALUES ('in the log', 0);")
        let before = SourceFixture.fingerprint(path)
        #expect(before.companions["-wal"] != nil)
        let source = try SQLiteRecordSource(name: "crm", database: path, table: "notes", query: nil, key: ["id"],
                                            deleted: nil, modified: nil)
        #expect(!source.isImmutable)
        let reading = try SourceFixture.read(source)
        #expect(reading.records.map { $0.fields["body"]! }.last == "in the log")
        #expect(SourceFixture.fingerprint(path) == before)
    }

    /// A copy of a live WAL database: the database file and its non-empty -wal, no -shm.
    func copyWithPendingLog(_ name: String) throws -> String {
        let live = makeDatabase(name + "-live.db", wal: true)
        let writer = SourceFixture.openWriter(live)
        defer { sqlite3_close_v2(writer) }
        SourceFixture.exec(writer, "PRAGMA wal_autocheckpoint = 0; INSERT INTO notes(body, deleted) VALUES ('in the log', 0);")
        let copy = dir + "/" + name + ".db"
        try FileManager.default.copyItem(atPath: live, toPath: copy)
        try FileManager.default.copyItem(atPath: live + "-wal", toPath: copy + "-wal")
        return copy
    }

    @Test func aCopiedPendingLogIsRead() throws {
        let copy = try copyWithPendingLog("copied")
        let before = SourceFixture.fingerprint(copy)
        let reading = try readAll(copy)
        #expect(reading.records.map { $0.fields["body"]! }.last == "in the log")
        var after = SourceFixture.fingerprint(copy)
        after.companions["-shm"] = nil // SQLite's index of the log may appear; documented
        #expect(after == before)
    }

    @Test func aPendingLogWhoseIndexCannotBeMadeIsStillRead() throws {
        let copy = try copyWithPendingLog("blocked")
        // Stands in for a read-only folder (the tests may run as root): the index cannot be made.
        try FileManager.default.createDirectory(atPath: copy + "-shm", withIntermediateDirectories: false)
        let before = SourceFixture.fingerprint(copy)
        let reading = try readAll(copy)
        #expect(reading.records.map { $0.fields["body"]! }.last == "in the log")
        #expect(SourceFixture.fingerprint(copy) == before)
    }

    @Test(arguments: [
        "DELETE FROM notes",
        "INSERT INTO notes(body) VALUES ('x')",
        "UPDATE notes SET body = 'x'",
        "PRAGMA writable_schema = 1",
        "PRAGMA user_version = 7",
        "WITH doomed AS (SELECT id FROM notes) DELETE FROM notes WHERE id IN doomed",
        "DROP TABLE notes",
        "CREATE TEMP TABLE t(a)",
        "ATTACH 'other.db' AS other",
        "BEGIN IMMEDIATE",
        "DELETE FROM notes; SELECT 1",
        "REINDEX",
        "VACUUM",
    ])
    func writingQueriesAreRefusedAndTheDatabaseIsUnchanged(query: String) throws {
        for wal in [false, true] {
            let path = makeDatabase(wal ? "refuse-wal.db" : "refuse.db", wal: wal)
            defer { SourceFixture.remove(path) }
            let before = SourceFixture.fingerprint(path)
            let error = SourceFixture.error { _ = try readAll(path, query: query) }
            #expect(error?.kind == .notReadOnly, "\(query): \(String(describing: error))")
            #expect(error?.fatal == true)
            #expect(error?.message.contains("would") == true)
            #expect(SourceFixture.fingerprint(path) == before)
            #expect(try readAll(path).records.count == 2)
            #expect(!SourceFixture.exists(dir + "/other.db"))
        }
    }

    @Test func writesAreNamedInTheMessage() throws {
        let path = makeDatabase("named.db", wal: false)
        let delete = SourceFixture.error { _ = try readAll(path, query: "DELETE FROM notes") }
        #expect(delete?.message.contains("the query would modify the database (DELETE on 'notes')") == true)
        let pragma = SourceFixture.error { _ = try readAll(path, query: "PRAGMA writable_schema = 1") }
        #expect(pragma?.message.contains("PRAGMA writable_schema = 1") == true)
    }

    @Test(arguments: ["SELECT 1 AS id, 0 AS deleted; SELECT 2", "SELECT 1 AS id, 0 AS deleted; DELETE FROM notes",
                      "SELECT 1 AS id, 0 AS deleted;\n-- fine\n; VALUES (1)"])
    func twoStatementsAreRefused(query: String) throws {
        let path = makeDatabase("two.db", wal: false)
        defer { SourceFixture.remove(path) }
        let before = SourceFixture.fingerprint(path)
        let error = SourceFixture.error { _ = try readAll(path, query: query) }
        #expect(error?.kind == .badQuery)
        #expect(error?.message.contains("more than one statement") == true)
        #expect(SourceFixture.fingerprint(path) == before)
    }

    @Test func aSingleStatementWithTrailingCommentsIsFine() throws {
        let path = makeDatabase("one.db", wal: false)
        let reading = try readAll(path, query: "SELECT id, body, deleted FROM notes; -- done\n /* really */ ;")
        #expect(reading.records.count == 2)
        #expect(reading.records.map(\.deleted) == [false, true])
    }
}
