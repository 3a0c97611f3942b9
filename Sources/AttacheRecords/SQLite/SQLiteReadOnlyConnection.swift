import AttacheModel
import AttacheSystem
import GRDBSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A legacy SQLite database opened so that nothing can change it:
/// - `sqlite3_open_v2` with `SQLITE_OPEN_READONLY` and a `file:…?mode=ro` URI, never
///   `SQLITE_OPEN_CREATE` (a missing file is an error, never a new empty database);
/// - `PRAGMA query_only = ON`;
/// - an authorizer that lets statements only read (``SQLiteQueryGuard``).
///
/// **WAL databases.** Reading a WAL-mode database normally makes SQLite create `-wal` and
/// `-shm` files beside it (and can fail in a read-only folder). So a WAL database whose `-wal`
/// file is absent or empty — everything is in the main file — is opened with `immutable=1`
/// from the start (rather than only after a failed open): SQLite then takes no locks and
/// creates no files. That assumes nothing writes the database while attache reads it (read a
/// copy of a live CRM, not the live file). A WAL database with a non-empty `-wal` holds rows
/// only in the log, which `immutable=1` would silently skip, so it is opened normally: SQLite
/// reads the log and keeps its index in a `-shm` file it may create beside the database (in
/// memory when it cannot), never writing the database or the log. If even that fails, the
/// error says to checkpoint the database or copy it with its `-wal` to a writable folder.
final class SQLiteReadOnlyConnection {
    let handle: OpaquePointer
    let path: String
    /// Whether the database was opened with `immutable=1` (see the type's description).
    let immutable: Bool
    let queryGuard = SQLiteQueryGuard()

    init(path: String, source: String) throws(SourceError) {
        func fail(_ kind: SourceError.Kind, _ message: String) -> SourceError {
            SourceError(kind: kind, source: source, file: path, position: nil, message: message, fatal: true)
        }
        switch RawFile.kind(of: RawPath(path), followLinks: true) {
        case .failure(let e) where e.code == ENOENT || e.code == ENOTDIR:
            throw fail(.notFound, "no database at this path")
        case .failure(let e):
            throw fail(.unreadable, "cannot read the database: \(e)")
        case .success(.directory):
            throw fail(.unreadable, "this is a folder, not a SQLite database")
        case .success(.regular), .success(.symlink):
            break
        case .success:
            throw fail(.unreadable, "this is not a regular file, so not a SQLite database")
        }
        let header = try Self.readHeader(path, fail: fail)
        let walMode = header.count >= 20 && header[18] == 2 && header[19] == 2
        let walHasContent: Bool = {
            var st = stat()
            return stat(path + "-wal", &st) == 0 && st.st_size > 0
        }()
        let immutable = walMode && !walHasContent

        var db: OpaquePointer?
        let uri = "file:" + Self.uriEscaped(path) + "?mode=ro" + (immutable ? "&immutable=1" : "")
        let rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(db)
            throw fail(.unreadable, "SQLite cannot open the database: \(message)")
        }
        self.handle = db
        self.path = path
        self.immutable = immutable
        sqlite3_busy_timeout(db, 5000)

        if let error = execute("PRAGMA query_only = ON") {
            throw fail(.unreadable, "cannot make the connection query-only: \(error)")
        }
        // SQLite opens lazily: reading the schema is what reaches the file (and the WAL).
        if let error = execute("SELECT count(*) FROM sqlite_master") {
            let code = sqlite3_extended_errcode(db)
            if walMode && !immutable && (code & 0xFF == SQLITE_CANTOPEN || code & 0xFF == SQLITE_READONLY) {
                throw fail(.unreadable,
                           "the database is in WAL mode and its log (\(path)-wal) holds changes not yet in the "
                               + "database, but SQLite cannot open the log's index here (\(error)); checkpoint "
                               + "the database, or copy it with its -wal file to a writable folder")
            }
            if code & 0xFF == SQLITE_NOTADB {
                throw fail(.unreadable, "this is not a SQLite database (\(error))")
            }
            throw fail(.unreadable, "SQLite cannot read the database: \(error)")
        }
        queryGuard.install(on: db)
    }

    deinit { sqlite3_close_v2(handle) }

    /// SQLite's message for the last error on this connection.
    var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// Runs `sql` to completion; returns SQLite's message on failure.
    func execute(_ sql: String) -> String? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else { return lastMessage }
        defer { sqlite3_finalize(statement) }
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW: continue
            case SQLITE_DONE: return nil
            default: return lastMessage
            }
        }
    }

    /// The tables and views of the main schema: (name, type), SQLite's own tables left out.
    func tablesAndViews() -> [(name: String, type: String)] {
        var statement: OpaquePointer?
        let sql = "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') "
            + "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else { return [] }
        defer { sqlite3_finalize(statement) }
        var result: [(String, String)] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            guard let name = sqlite3_column_text(statement, 0), let type = sqlite3_column_text(statement, 1) else { continue }
            result.append((String(cString: name), String(cString: type)))
        }
        return result
    }

    /// Whether `sql` prepares (used to ask whether a table has a rowid).
    func prepares(_ sql: String) -> Bool {
        var statement: OpaquePointer?
        defer { sqlite3_finalize(statement) }
        return sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK
    }

    /// `name` as a quoted SQL identifier.
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingAll("\"", with: "\"\"") + "\""
    }

    /// The first 100 bytes (the database header); empty for an empty file (SQLite treats it
    /// as an empty database).
    private static func readHeader(_ path: String, fail: (SourceError.Kind, String) -> SourceError)
        throws(SourceError) -> [UInt8] {
        let fd: Int32
        switch RawFile.openRegular(RawPath(path), followLinks: true) {
        case .success(let opened): fd = opened
        case .failure(let e): throw fail(.unreadable, "cannot read the database: \(e)")
        }
        defer { close(fd) }
        let header: [UInt8]
        switch RawFile.readPrefix(fd, count: 100) {
        case .success(let read): header = read
        case .failure(let e): throw fail(.unreadable, "cannot read the database: \(e)")
        }
        let n = header.count
        let magic = Array("SQLite format 3\0".utf8)
        guard n == 0 || (n == 100 && Array(header.prefix(16)) == magic) else {
            throw fail(.wrongFormat, "this is not a SQLite database (it does not start with the SQLite header)")
        }
        return header
    }

    /// Percent-escapes a path for a `file:` URI (everything but unreserved characters and `/`).
    static func uriEscaped(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0xF)])
            }
        }
        return out
    }
}

extension String {
    /// Every occurrence of `target` replaced by `replacement` (no Foundation).
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self {
            if character == target { out += replacement } else { out.append(character) }
        }
        return out
    }
}
