import Foundation
import Testing
@testable import AttacheRecords

@Suite("SQLite record source")
final class SourceSQLiteTests {
    let dir = SourceFixture.folder()
    deinit { SourceFixture.remove(dir) }
    var db: String { dir + "/crm.db" }

    init() {
        SourceFixture.sqlite(dir + "/crm.db", """
            CREATE TABLE notes(id INTEGER PRIMARY KEY, title TEXT, filename TEXT, path TEXT, deleted, modified TEXT,
                               score REAL, data BLOB);
            INSERT INTO notes VALUES (3, 'Третий', 'c.pdf', 'storage/2014/', 0, '2014-03-02', 1.5, x'68656c6c6f');
            INSERT INTO notes VALUES (1, 'first', 'a b.pdf', NULL, 1, '', NULL, NULL);
            INSERT INTO notes VALUES (2, '第二', 'b.pdf', 'storage/', 'yes', NULL, 2, x'ff00');
            CREATE TABLE links(note INTEGER, attachment TEXT, kind TEXT);
            INSERT INTO links VALUES (2, 'x', 'b'), (1, 'y', 'a'), (2, 'w', 'a'), (1, 'y', 'a');
            CREATE VIEW live_notes AS SELECT id, filename FROM notes WHERE deleted = 0;
            CREATE TABLE "odd ""name"" table"(k TEXT);
            INSERT INTO "odd ""name"" table" VALUES ('z'), ('a');
            CREATE TABLE pairs(a TEXT, b TEXT, PRIMARY KEY(a, b)) WITHOUT ROWID;
            INSERT INTO pairs VALUES ('2', 'x'), ('1', 'y'), ('1', 'b');
            """)
    }

    func open(table: String? = nil, query: String? = nil, key: [String] = ["id"], deleted: String? = nil,
              modified: String? = nil) throws(SourceError) -> SQLiteRecordSource {
        try SQLiteRecordSource(name: "crm", database: db, table: table, query: query, key: key, deleted: deleted,
                               modified: modified)
    }

    @Test func readsATableInKeyOrderWithValuesAsText() throws {
        let source = try open(table: "notes", deleted: "deleted", modified: "modified")
        #expect(source.columns == ["id", "title", "filename", "path", "deleted", "modified", "score", "data"])
        let reading = try SourceFixture.read(source)
        #expect(reading.keys == [["1"], ["2"], ["3"]])
        #expect(reading.records.map(\.position) == ["row 1", "row 2", "row 3"])
        let first = reading.records[0]
        #expect(first.fields == ["id": "1", "title": "first", "filename": "a b.pdf", "deleted": "1", "modified": ""])
        #expect(first.deleted)
        #expect(first.modified == nil)
        let third = reading.records[2]
        #expect(third.fields["title"] == "Третий")
        #expect(third.fields["score"] == "1.5")
        #expect(third.fields["data"] == "hello")
        #expect(third.modified == "2014-03-02")
        #expect(!third.deleted)
        #expect(reading.records[1].fields["title"] == "第二")
        #expect(reading.records[1].fields["score"] == "2.0")
        #expect(reading.records[1].deleted)
    }

    @Test func aBlobThatIsNotUTF8IsLeftOutAndReported() throws {
        let reading = try SourceFixture.read(try open(table: "notes"))
        #expect(reading.records[1].fields["data"] == nil)
        #expect(reading.records.count == 3)
        let problem = try #require(reading.problems.first)
        #expect(reading.problems.count == 1)
        #expect(problem.kind == .undecodable && !problem.fatal)
        #expect(problem.position == "row 2, column 'data'")
        #expect(problem.message.contains("offset 0"))
    }

    /// Columns no role reads (a BLOB of file content, say) are never decoded: no problem for
    /// them, nothing in `fields`; the key, `deleted` and `modified` are read whatever the set.
    @Test func columnsNoRoleReadsAreNotDecoded() throws {
        var source = try open(table: "notes", deleted: "deleted", modified: "modified")
        source.onlyColumns = ["filename", "TITLE".lowercased()]
        let reading = try SourceFixture.read(source)
        #expect(reading.problems.isEmpty, "\(reading.problems)")
        #expect(reading.records.count == 3)
        #expect(reading.records[2].fields == ["id": "3", "title": "Третий", "filename": "c.pdf", "deleted": "0",
                                              "modified": "2014-03-02"])
        #expect(reading.records[1].deleted && reading.records[1].key == ["2"])
        // The same column named by a role is read, and its problem reported.
        source.onlyColumns = ["data"]
        #expect(try SourceFixture.read(source).problems.map(\.position) == ["row 2, column 'data'"])
    }

    @Test func invalidUTF8StoredAsTextIsReportedToo() throws {
        SourceFixture.sqlite(db, "CREATE TABLE bad(id, body TEXT); INSERT INTO bad VALUES (1, CAST(x'cff0e8e2e5f2' AS TEXT));")
        let reading = try SourceFixture.read(try open(table: "bad"))
        #expect(reading.records.count == 1)
        #expect(reading.records[0].fields == ["id": "1"])
        #expect(reading.problems.map(\.kind) == [.undecodable])
        #expect(reading.problems[0].message.contains("TEXT"))
    }

    @Test func aCompositeKeyOrdersRowsAndNullKeysAreEmpty() throws {
        let reading = try SourceFixture.read(try open(table: "links", key: ["note", "kind"]))
        #expect(reading.keys == [["1", "a"], ["1", "a"], ["2", "a"], ["2", "b"]])
        // Ties on the key come out in rowid order.
        #expect(reading.records.map { $0.fields["attachment"]! } == ["y", "y", "w", "x"])
        let nulls = try SourceFixture.read(try open(table: "notes", key: ["path", "id"]))
        #expect(nulls.keys.first == ["", "1"])
    }

    @Test func withoutAKeyTheOrderIsByRowid() throws {
        let source = try open(table: "links", key: [])
        #expect(source.statement.hasSuffix("ORDER BY _rowid_"))
        let reading = try SourceFixture.read(source)
        #expect(reading.records.map { $0.fields["attachment"]! } == ["x", "y", "w", "y"])
        #expect(reading.keys.allSatisfy { $0.isEmpty })
    }

    @Test func viewsAndWithoutRowidTablesAreOrderedByEveryColumn() throws {
        let view = try open(table: "live_notes", key: [])
        #expect(try SourceFixture.read(view).keys.count == 1)
        let pairs = try SourceFixture.read(try open(table: "pairs", key: []))
        #expect(pairs.records.map { $0.fields["a"]! + $0.fields["b"]! } == ["1b", "1y", "2x"])
    }

    @Test func tableNamesMatchCaseInsensitivelyAndAreQuoted() throws {
        let upper = try open(table: "NOTES", key: ["ID"])
        #expect(try SourceFixture.read(upper).keys == [["1"], ["2"], ["3"]])
        let odd = try open(table: "odd \"name\" table", key: ["k"])
        #expect(try SourceFixture.read(odd).keys == [["a"], ["z"]])
    }

    @Test func aQueryRunsAsWrittenWithItsResultColumns() throws {
        let source = try open(query: """
            -- the way a migration team merges tables
            SELECT n.id AS note_id, COALESCE(n.path, 'none/') || n.filename AS file, l.attachment
            FROM notes n JOIN links l ON l.note = n.id
            ORDER BY l.rowid DESC;  /* trailing comment */ ;
            """, key: ["note_id"])
        #expect(source.columns == ["note_id", "file", "attachment"])
        let reading = try SourceFixture.read(source)
        #expect(reading.keys == [["1"], ["2"], ["1"], ["2"]])
        #expect(reading.records[0].fields == ["note_id": "1", "file": "none/a b.pdf", "attachment": "y"])
    }

    @Test func recordsStopWhenTheBodyThrows() throws {
        struct Stop: Error {}
        var seen = 0
        #expect(throws: Stop.self) {
            try open(table: "notes").forEachRecord({ _ in seen += 1; throw Stop() }, problem: { _ in })
        }
        #expect(seen == 1)
    }

    @Test func softDeleteFlagVariants() throws {
        SourceFixture.sqlite(db, """
            CREATE TABLE flags(id INTEGER PRIMARY KEY, d);
            INSERT INTO flags(d) VALUES (1), (-1), ('1'), ('true'), ('TRUE'), ('Yes'), ('y'), ('T'), (2), (' yes '),
                                        (0), ('0'), ('false'), ('No'), ('n'), ('F'), (''), (NULL), (0.0),
                                        ('archived'), ('archived');
            """)
        let reading = try SourceFixture.read(try open(table: "flags", deleted: "d"))
        #expect(reading.records.map(\.deleted) == Array(repeating: true, count: 10) + Array(repeating: false, count: 11))
        #expect(reading.problems.count == 1)
        #expect(reading.problems[0].position == "row 20")
        #expect(reading.problems[0].message.contains("'archived'"))
        #expect(!reading.problems[0].fatal)
    }

    @Test func aMissingDatabaseIsNotFoundAndNotCreated() throws {
        let missing = dir + "/nope.db"
        let error = SourceFixture.error {
            _ = try SQLiteRecordSource(name: "crm", database: missing, table: "notes", query: nil, key: [],
                                       deleted: nil, modified: nil)
        }
        #expect(error?.kind == .notFound)
        #expect(error?.fatal == true)
        #expect(error?.file == missing)
        for suffix in ["", "-journal", "-wal", "-shm"] { #expect(!SourceFixture.exists(missing + suffix)) }
    }

    /// A file that is not a database is bad input (exit 65); a folder cannot be read as one.
    @Test func aFileThatIsNotADatabaseIsTheWrongFormatAndAFolderIsUnreadable() throws {
        SourceFixture.write(dir + "/notes.txt", "not a database at all, but long enough to hold a header..........."
            + "..........................................")
        for (path, kind) in [(dir + "/notes.txt", SourceError.Kind.wrongFormat), (dir, .unreadable)] {
            let error = SourceFixture.error {
                _ = try SQLiteRecordSource(name: "crm", database: path, table: "notes", query: nil, key: [],
                                           deleted: nil, modified: nil)
            }
            #expect(error?.kind == kind, "\(path)")
        }
    }

    @Test func anUnknownTableSuggestsTheClosestOne() throws {
        let error = SourceFixture.error { _ = try open(table: "note") }
        #expect(error?.kind == .unknownTable)
        #expect(error?.message.contains("Did you mean 'notes'?") == true)
        #expect(error?.message.contains("links") == true)
        let far = SourceFixture.error { _ = try open(table: "vtiger_crmentity") }
        #expect(far?.message.contains("Did you mean") == false)
    }

    @Test func unknownColumnsAreNamedWithTheAvailableOnes() throws {
        for (key, deleted, modified, missing) in [(["idd"], nil, nil, "idd"), (["id"], "is_deleted", nil, "is_deleted"),
                                                  (["id"], nil, "modifiedtime", "modifiedtime")] as [([String], String?, String?, String)] {
            let error = SourceFixture.error { _ = try open(table: "notes", key: key, deleted: deleted, modified: modified) }
            #expect(error?.kind == .unknownColumn)
            #expect(error?.position == missing)
            #expect(error?.message.contains("'\(missing)'") == true)
            #expect(error?.message.contains("id, title, filename, path, deleted, modified, score, data") == true)
        }
        let query = SourceFixture.error { _ = try open(query: "SELECT id AS note FROM notes", key: ["id"]) }
        #expect(query?.kind == .unknownColumn)
        #expect(query?.message.contains("the query") == true)
    }

    @Test func tableAndQueryAreExclusive() throws {
        #expect(SourceFixture.error { _ = try open() }?.kind == .badOption)
        #expect(SourceFixture.error { _ = try open(table: "notes", query: "SELECT 1") }?.kind == .badOption)
    }

    @Test func duplicateResultColumnsAreRefused() throws {
        let error = SourceFixture.error { _ = try open(query: "SELECT n.id, l.note AS ID FROM notes n JOIN links l") }
        #expect(error?.kind == .badQuery)
        #expect(error?.message.contains("AS") == true)
    }

    @Test func queriesThatDoNotPrepareAreBadQueries() throws {
        let syntax = SourceFixture.error { _ = try open(query: "SELEKT * FROM notes") }
        #expect(syntax?.kind == .badQuery)
        #expect(syntax?.message.contains("syntax error") == true)
        let table = SourceFixture.error { _ = try open(query: "SELECT * FROM note") }
        #expect(table?.kind == .badQuery)
        #expect(table?.message.contains("no such table: note") == true)
        #expect(table?.message.contains("Did you mean 'notes'?") == true)
        #expect(SourceFixture.error { _ = try open(query: "  -- nothing\n") }?.kind == .badQuery)
    }
}
