import AttacheModel
import AttacheRewrite
import Foundation
import GRDBSQLite
import Testing

/// The SQLite scripts run for real: forward gives the new values, a second run and a row
/// changed meanwhile change nothing wrong, the revert gives back every byte of every column.
@Suite struct SQLScriptSQLiteTests {
    /// Awkward values: a quote, backslashes (one right before the closing quote), CRLF, tab,
    /// an escape character, `%`, Cyrillic, Chinese.
    static let rows: [(id: Int64, body: String, new: String)] = [
        (1, #"see K:\scans\O'Brien.pdf"#, #"see \\NEWSRV\crm\O'Brien.pdf"#),
        (2, "line one\r\nK:\\scans\\акт 3.pdf\tend\\", "line one\r\n\\\\NEWSRV\\crm\\акт 3.pdf\tend\\"),
        (3, "<a href=\"K:\\合同\\100% done.pdf\">x</a>\u{1B}", "<a href=\"https://x.example/%E5%90%88%E5%90%8C/100%25%20done.pdf\">x</a>\u{1B}"),
        (4, "K:\\a.pdf", "[file removed in the migration: a.pdf]"),
    ]

    /// A database with the rows above, a second text column, a number, a blob and a NULL, so
    /// the comparison covers every kind of value. `body` is case-insensitive: the guard must
    /// still compare bytes.
    func makeDatabase() throws -> TestDatabase {
        let db = try TestDatabase()
        try db.exec("""
            CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT COLLATE NOCASE, other TEXT, n INTEGER, b BLOB, z TEXT);
            CREATE TABLE "odd ""name" ("the key" TEXT PRIMARY KEY, "va'l" TEXT) WITHOUT ROWID;
            """)
        for r in Self.rows {
            try db.run("INSERT INTO notes VALUES (?, ?, ?, ?, X'00FF\(r.id)0', NULL)", [String(r.id), r.body, "other \(r.id)", String(r.id * 10)])
        }
        try db.exec(#"INSERT INTO "odd ""name" VALUES ('k''1', 'K:\x.pdf'), ('k2', 'K:\y.pdf');"#)
        return db
    }

    func scripts(_ changes: [RowChange]) throws -> (forward: String, revert: String) {
        var w = SQLScriptWriter(dialect: .sqlite, forward: StringSink(), revert: StringSink(), header: ["test"])
        for c in changes { try w.add(c) }
        w.finish()
        return (w.forward.text, w.revert.text)
    }

    var changes: [RowChange] {
        Self.rows.map { RowChange(table: "notes", identity: .rowid($0.id), column: "body", before: $0.body, after: $0.new, note: "notes \($0.id)") }
            + [RowChange(table: "odd \"name", identity: .keys([SQLKey("the key", .text("k'1"))]), column: "va'l",
                         before: #"K:\x.pdf"#, after: #"\\NEWSRV\crm\x.pdf"#, note: "odd")]
    }

    @Test func forwardTwiceThenRevertGivesBackEveryByte() throws {
        let db = try makeDatabase()
        let start = try db.snapshot()
        let (forward, revert) = try scripts(changes)

        try db.exec(forward)
        for r in Self.rows { #expect(try db.text("SELECT body FROM notes WHERE id = \(r.id)") == r.new) }
        #expect(try db.text(#"SELECT "va'l" FROM "odd ""name" WHERE "the key" = 'k''1'"#) == #"\\NEWSRV\crm\x.pdf"#)
        #expect(try db.text(#"SELECT "va'l" FROM "odd ""name" WHERE "the key" = 'k2'"#) == #"K:\y.pdf"#)
        let rewritten = try db.snapshot()
        #expect(rewritten != start)
        // Only the body and va'l columns differ.
        #expect(try db.snapshot(excluding: ["body", "va'l"])
            == start.filter { !$0.hasPrefix("notes.body=") && !$0.hasPrefix("odd \"name.va'l=") })

        try db.exec(forward)
        #expect(try db.snapshot() == rewritten, "a second run changes nothing")

        try db.exec(revert)
        #expect(try db.snapshot() == start, "the revert gives back every value byte for byte")
        try db.exec(revert)
        #expect(try db.snapshot() == start)
    }

    @Test func aRowChangedMeanwhileIsLeftAlone() throws {
        let db = try makeDatabase()
        let (forward, revert) = try scripts(changes)
        // Someone edits row 2 before the script runs, and row 4 only in case (the column is NOCASE).
        try db.exec("UPDATE notes SET body = 'edited by a user' WHERE id = 2; UPDATE notes SET body = 'K:\\A.PDF' WHERE id = 4;")
        try db.exec(forward)
        #expect(try db.text("SELECT body FROM notes WHERE id = 2") == "edited by a user")
        #expect(try db.text("SELECT body FROM notes WHERE id = 4") == "K:\\A.PDF")
        #expect(try db.text("SELECT body FROM notes WHERE id = 1") == Self.rows[0].new)

        // After the rewrite, a user edits row 1: the revert leaves that edit.
        try db.exec("UPDATE notes SET body = 'newer text' WHERE id = 1;")
        try db.exec(revert)
        #expect(try db.text("SELECT body FROM notes WHERE id = 1") == "newer text")
        #expect(try db.text("SELECT body FROM notes WHERE id = 3") == Self.rows[2].body)
    }

    @Test func aFailingStatementLeavesTheDatabaseAsItWas() throws {
        let path = NSTemporaryDirectory() + "/attache-sql-\(UUID().uuidString).db"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var db: TestDatabase? = try TestDatabase(path: path)
        try db!.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, c TEXT CHECK (length(c) < 10)); INSERT INTO t VALUES (1, 'a'), (2, 'b');")
        let start = try db!.snapshot()
        let (forward, _) = try scripts([
            RowChange(table: "t", identity: .rowid(1), column: "c", before: "a", after: "short", note: "1"),
            RowChange(table: "t", identity: .rowid(2), column: "c", before: "b", after: "far too long a value", note: "2"),
        ])
        var failed = false
        do { try db!.exec(forward) } catch { failed = true }
        #expect(failed, "the second statement breaks the CHECK constraint")
        db = nil  // closing the connection rolls back the open transaction
        #expect(try TestDatabase(path: path).snapshot() == start)
    }

    static let shell = "/usr/bin/sqlite3"

    /// The shell reads the script line by line (where a raw carriage return could be lost).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3"), "needs the sqlite3 shell"))
    func theSQLiteShellRunsTheScriptAsWritten() throws {
        let shell = Self.shell
        let folder = NSTemporaryDirectory() + "/attache-sql-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/crm.db"
        let start: [String]
        do {
            let db = try TestDatabase(path: path)
            try db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT COLLATE NOCASE, other TEXT, n INTEGER, b BLOB, z TEXT);")
            for r in Self.rows { try db.run("INSERT INTO notes VALUES (?, ?, 'o', 1, X'00', NULL)", [String(r.id), r.body]) }
            start = try db.snapshot()
        }
        let (forward, revert) = try scripts(Array(changes.prefix(Self.rows.count)))
        func run(_ script: String) throws {
            let file = folder + "/script.sql"
            try Data(script.utf8).write(to: URL(fileURLWithPath: file))
            let p = Process()
            p.executableURL = URL(fileURLWithPath: shell)
            p.arguments = ["-bail", path]
            p.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
            try p.run()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        }
        try run(forward)
        let db = try TestDatabase(path: path)
        for r in Self.rows { #expect(try db.text("SELECT body FROM notes WHERE id = \(r.id)") == r.new) }
        try run(revert)
        #expect(try db.snapshot() == start)
    }
}

struct SQLiteFailure: Error, CustomStringConvertible {
    let description: String
}

/// A small SQLite connection on the C API (in memory, or a file).
final class TestDatabase {
    let handle: OpaquePointer

    init(path: String = ":memory:") throws {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK, let db else {
            throw SQLiteFailure(description: "cannot open \(path)")
        }
        handle = db
    }

    deinit { sqlite3_close_v2(handle) }

    func exec(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(handle, sql, nil, nil, &error) != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "?"
            sqlite3_free(error)
            throw SQLiteFailure(description: message)
        }
    }

    /// Runs one statement with its `?` parameters bound as text (fixtures that do not depend
    /// on the script writer's quoting).
    func run(_ sql: String, _ values: [String]) throws {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &stmt, nil) == SQLITE_OK else {
            throw SQLiteFailure(description: String(cString: sqlite3_errmsg(handle)))
        }
        defer { sqlite3_finalize(stmt) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (i, v) in values.enumerated() { sqlite3_bind_text(stmt, Int32(i + 1), v, -1, transient) }
        guard sqlite3_step(stmt) == SQLITE_DONE else { throw SQLiteFailure(description: String(cString: sqlite3_errmsg(handle))) }
    }

    /// The rows of a query, each column as its type and its exact bytes.
    func rows(_ sql: String) throws -> [[String]] {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &stmt, nil) == SQLITE_OK else {
            throw SQLiteFailure(description: String(cString: sqlite3_errmsg(handle)))
        }
        defer { sqlite3_finalize(stmt) }
        var out: [[String]] = []
        while sqlite3_step(stmt) == SQLITE_ROW {
            var row: [String] = []
            for i in 0..<sqlite3_column_count(stmt) {
                let type = sqlite3_column_type(stmt, i)
                let name = String(cString: sqlite3_column_name(stmt, i))
                if type == SQLITE_NULL { row.append("\(name)=NULL"); continue }
                let bytes = sqlite3_column_blob(stmt, i).map { p in
                    Array(UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(stmt, i))))
                } ?? []
                row.append("\(name)=\(type):" + bytes.map { String($0, radix: 16) }.joined(separator: " "))
            }
            out.append(row)
        }
        return out
    }

    func text(_ sql: String) throws -> String? {
        guard let value = try rows("SELECT CAST((\(sql)) AS BLOB) AS v").first?.first, let colon = value.lastIndex(of: ":") else { return nil }
        let bytes = value[value.index(after: colon)...].split(separator: " ").map { UInt8($0, radix: 16)! }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Every column of every row of every table, as `table.column=type:bytes`, in a stable order.
    func snapshot(excluding columns: Set<String> = []) throws -> [String] {
        let tables = try rows("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").map { row in
            String(decoding: row[0].split(separator: ":")[1].split(separator: " ").map { UInt8($0, radix: 16)! }, as: UTF8.self)
        }
        var out: [String] = []
        for table in tables {
            let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            for row in try rows("SELECT * FROM \(quoted) ORDER BY 1") {
                for cell in row where !columns.contains(String(cell.prefix { $0 != "=" })) {
                    out.append("\(table).\(cell)")
                }
            }
        }
        return out
    }
}
