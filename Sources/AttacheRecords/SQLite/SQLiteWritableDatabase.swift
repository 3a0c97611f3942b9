import AttacheModel
import AttacheSystem
import GRDBSQLite
#if canImport(Glibc)
import Glibc
#endif

/// A SQLite database the rewrite writes: a copy of a legacy database (the default), or the
/// legacy database itself when the user asked for `--in-place` (after a backup). The only
/// place attache opens a record database for writing.
///
/// Writes are plain `UPDATE … WHERE _rowid_ = ?` in one transaction the caller opens and
/// commits; each changes one column of one row, nothing else.
public final class SQLiteWritableDatabase {
    public let path: String
    let handle: OpaquePointer
    private var updates: [String: OpaquePointer] = [:]

    /// Copies `database` into `destination` (an empty or new file): byte for byte while a
    /// read transaction holds SQLite's shared lock (no writer can change it meanwhile), or —
    /// for a WAL database whose log holds rows the main file does not — with SQLite's online
    /// backup, which reads the log too. Nothing is written beside the source.
    /// - Throws: a fatal ``SourceError`` naming the source.
    public static func backup(_ database: String, to destination: String, source: String) throws(SourceError) {
        let from = try SQLiteReadOnlyConnection(path: database, source: source)
        func fail(_ message: String) -> SourceError {
            SourceError(kind: .unreadable, source: source, file: database, position: nil, message: message, fatal: true)
        }
        var st = stat()
        let walHasRows = stat(database + "-wal", &st) == 0 && st.st_size > 0
        if !walHasRows {
            _ = from.execute("BEGIN")
            defer { _ = from.execute("COMMIT") }
            // A read takes the shared lock for the rest of the transaction.
            _ = from.execute("SELECT count(*) FROM sqlite_master")
            switch RawFile.openRegular(RawPath(database), followLinks: true) {
            case .failure(let e): throw fail("cannot read the database to copy it: \(e)")
            case .success(let fd):
                defer { close(fd) }
                let out = open(destination, O_WRONLY | O_TRUNC | O_CLOEXEC)
                guard out >= 0 else { throw fail("cannot write the copy \(destination): \(PosixError(code: errno))") }
                defer { close(out) }
                var buffer = [UInt8](repeating: 0, count: 1 << 20)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if n < 0 { if errno == EINTR { continue }; throw fail("cannot read the database: \(PosixError(code: errno))") }
                    if n == 0 { break }
                    var written = 0
                    while written < n {
                        let w = buffer.withUnsafeBytes { write(out, $0.baseAddress! + written, n - written) }
                        if w < 0 { if errno == EINTR { continue }; throw fail("cannot write the copy \(destination): \(PosixError(code: errno))") }
                        written += w
                    }
                }
                guard fsync(out) == 0 else { throw fail("cannot flush the copy \(destination): \(PosixError(code: errno))") }
                return
            }
        }
        var to: OpaquePointer?
        guard sqlite3_open_v2(destination, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK, let to else {
            let message = to.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(to)
            throw fail("cannot create the copy \(destination): \(message)")
        }
        defer { sqlite3_close(to) }
        guard let backup = sqlite3_backup_init(to, "main", from.handle, "main") else {
            throw fail("cannot copy the database to \(destination): \(String(cString: sqlite3_errmsg(to)))")
        }
        let rc = sqlite3_backup_step(backup, -1)
        sqlite3_backup_finish(backup)
        guard rc == SQLITE_DONE else {
            throw fail("cannot copy the database to \(destination): \(String(cString: sqlite3_errstr(rc)))")
        }
    }

    /// Opens an existing database for writing (never creates one).
    public init(path: String, source: String) throws(SourceError) {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw SourceError(kind: .unreadable, source: source, file: path, position: nil,
                              message: "cannot open the database for writing: \(message)", fatal: true)
        }
        sqlite3_busy_timeout(db, 10_000)
        self.path = path
        self.handle = db
    }

    deinit {
        for st in updates.values { sqlite3_finalize(st) }
        sqlite3_close(handle)
    }

    var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// Runs one statement without results; returns SQLite's message on failure.
    public func execute(_ sql: String) -> String? {
        var error: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &error) == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? lastMessage
            sqlite3_free(error)
            return message
        }
        return nil
    }

    /// The first column of the first row `sql` returns, as text (a PRAGMA's value).
    public func scalar(_ sql: String) -> String? {
        var st: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &st, nil) == SQLITE_OK, let st else { return nil }
        defer { sqlite3_finalize(st) }
        guard sqlite3_step(st) == SQLITE_ROW, let t = sqlite3_column_text(st, 0) else { return nil }
        return String(cString: t)
    }

    /// Sets `column` of the row `rowID` of `table` to `value`; returns the rows changed (0 or 1),
    /// or SQLite's message.
    public func update(table: String, column: String, rowID: Int64, value: String) -> Result<Int, SQLiteWriteError> {
        let key = table + "\u{0}" + column
        let statement: OpaquePointer
        if let cached = updates[key] {
            statement = cached
        } else {
            var st: OpaquePointer?
            let sql = "UPDATE " + SQLiteReadOnlyConnection.quoted(table) + " SET " + SQLiteReadOnlyConnection.quoted(column)
                + " = ?1 WHERE _rowid_ = ?2"
            guard sqlite3_prepare_v2(handle, sql, -1, &st, nil) == SQLITE_OK, let st else {
                return .failure(SQLiteWriteError(message: lastMessage))
            }
            updates[key] = st
            statement = st
        }
        sqlite3_reset(statement)
        var bytes = Array(value.utf8)
        let rc: Int32 = bytes.withUnsafeMutableBufferPointer { b in
            // SQLITE_TRANSIENT: SQLite copies the text.
            sqlite3_bind_text(statement, 1, UnsafeRawPointer(b.baseAddress!).assumingMemoryBound(to: CChar.self),
                              Int32(b.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }
        _ = bytes
        guard rc == SQLITE_OK, sqlite3_bind_int64(statement, 2, rowID) == SQLITE_OK else {
            return .failure(SQLiteWriteError(message: lastMessage))
        }
        guard sqlite3_step(statement) == SQLITE_DONE else { return .failure(SQLiteWriteError(message: lastMessage)) }
        return .success(Int(sqlite3_changes(handle)))
    }

    /// The text of `column` in the row `rowID` (nil for NULL, a missing row, or a value that
    /// is not UTF-8).
    public func value(table: String, column: String, rowID: Int64) -> String? {
        var st: OpaquePointer?
        let sql = "SELECT " + SQLiteReadOnlyConnection.quoted(column) + " FROM " + SQLiteReadOnlyConnection.quoted(table)
            + " WHERE _rowid_ = ?1"
        guard sqlite3_prepare_v2(handle, sql, -1, &st, nil) == SQLITE_OK, let st else { return nil }
        defer { sqlite3_finalize(st) }
        sqlite3_bind_int64(st, 1, rowID)
        guard sqlite3_step(st) == SQLITE_ROW, let text = sqlite3_column_text(st, 0) else { return nil }
        return String(validating: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(st, 0))), as: UTF8.self)
    }

    /// The declared length limit of each column of `table` that has one (`VARCHAR(255)`,
    /// `CHAR(40)`, `NVARCHAR(100)`, `CHARACTER VARYING(80)`), by lower-cased column name; read
    /// through the read-only connection. SQLite itself does not enforce them; the database
    /// the records move to (or came from) usually does.
    public static func declaredLengths(database: String, table: String, source: String) -> [String: Int] {
        guard let connection = try? SQLiteReadOnlyConnection(path: database, source: source) else { return [:] }
        var st: OpaquePointer?
        defer { sqlite3_finalize(st) }
        guard sqlite3_prepare_v2(connection.handle, "SELECT * FROM \(SQLiteReadOnlyConnection.quoted(table)) LIMIT 0", -1, &st, nil)
            == SQLITE_OK, let st else { return [:] }
        var limits: [String: Int] = [:]
        for i in 0..<sqlite3_column_count(st) {
            guard let n = sqlite3_column_name(st, i), let t = sqlite3_column_decltype(st, i) else { continue }
            if let limit = declaredLength(String(cString: t)) { limits[String(cString: n).lowercased()] = limit }
        }
        return limits
    }

    /// The length in a declared type such as `VARCHAR(255)`; nil for types without one
    /// (`TEXT`, `NUMERIC(10,2)` is a number, not text).
    public static func declaredLength(_ type: String) -> Int? {
        let upper = type.uppercased()
        guard upper.contains("CHAR"), let open = upper.firstIndex(of: "("), let close = upper.firstIndex(of: ")"),
              open < close else { return nil }
        let inner = upper[upper.index(after: open)..<close].filter { $0 != " " }
        return Int(inner)
    }
}

/// Why SQLite refused a write.
public struct SQLiteWriteError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Values of single rows of a SQLite database, read through the read-only connection (the
/// reference verifier reads rewritten databases with it, never writing them).
public final class SQLiteValueReader {
    private let connection: SQLiteReadOnlyConnection
    private var statements: [String: OpaquePointer] = [:]

    public init(path: String, source: String) throws(SourceError) {
        connection = try SQLiteReadOnlyConnection(path: path, source: source)
    }

    deinit { for st in statements.values { sqlite3_finalize(st) } }

    /// The text of `column` in the row `rowID` of `table` (nil for NULL, a missing row, a value
    /// that is not UTF-8, or a statement SQLite refuses).
    public func value(table: String, column: String, rowID: Int64) -> String? {
        let key = table + "\u{0}" + column
        var st = statements[key]
        if st == nil {
            let sql = "SELECT " + SQLiteReadOnlyConnection.quoted(column) + " FROM " + SQLiteReadOnlyConnection.quoted(table)
                + " WHERE _rowid_ = ?1"
            guard sqlite3_prepare_v2(connection.handle, sql, -1, &st, nil) == SQLITE_OK, st != nil else { return nil }
            statements[key] = st
        }
        guard let st else { return nil }
        sqlite3_reset(st)
        sqlite3_bind_int64(st, 1, rowID)
        guard sqlite3_step(st) == SQLITE_ROW, let text = sqlite3_column_text(st, 0) else { return nil }
        return String(validating: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(st, 0))), as: UTF8.self)
    }
}
