import CMariaDB
#if canImport(Glibc)
import Glibc
#endif

/// A connection to MySQL/MariaDB through libmariadb (Debian's `libmariadb-dev`); see
/// ``LiveConnection`` for the contract.
///
/// **Connecting.** `mysql_real_connect` with the URL's host, port, `socket=` and user, the
/// password from `password_env` — or, without one, what the `[client]` group of the client's
/// option files gives (`~/.my.cnf`: `MYSQL_READ_DEFAULT_GROUP`), and `CLIENT_FOUND_ROWS` so an
/// `UPDATE` counts the rows it matched. Timeouts, so a server that does not answer is an
/// error, never a hang: `connect_timeout=` (seconds, default 10) for the connection and the
/// server's greeting; `read_timeout=` (default 600) for every wait on the server, also set as
/// the session's `net_write_timeout`/`net_read_timeout` so that the server does not cut off a
/// slow consumer of a streamed result. Automatic reconnection is off: a lost connection
/// would silently lose the snapshot.
///
/// **The session.** `utf8mb4` both ways (`mysql_set_character_set`, after the option files,
/// which could name another charset): the server converts latin1/cp1251 columns from their
/// declared charset. `sql_mode` is the server's own plus `ANSI_QUOTES`, `PIPES_AS_CONCAT` and
/// `STRICT_ALL_TABLES` (a write that would truncate a value fails instead), without
/// `NO_BACKSLASH_ESCAPES` (``literal(_:)`` doubles backslashes). A read-only connection then
/// runs `SET SESSION TRANSACTION READ ONLY` and `START TRANSACTION READ ONLY, WITH CONSISTENT
/// SNAPSHOT` at `REPEATABLE READ`: the server refuses every write (error 1792, `.notReadOnly`).
///
/// Used from one thread at a time (like every ``LiveConnection``); not `Sendable`.
final class MySQLConnection: LiveConnection {
    let database: LiveDatabase
    let source: String
    let readOnly: Bool
    /// nil once closed.
    var handle: UnsafeMutablePointer<MYSQL>?
    /// The timeouts in seconds (from the URL, or the defaults).
    let connectTimeout: UInt32
    let readTimeout: UInt32

    static let defaultConnectTimeout: UInt32 = 10
    static let defaultReadTimeout: UInt32 = 600

    /// libmariadb's global state, initialised once before any thread calls `mysql_init`
    /// (`mysql_init` would do it too, but not thread-safely); Swift runs a static's
    /// initialiser exactly once.
    private static let libraryReady: Bool = mysql_server_init(0, nil, nil) == 0

    init(_ database: LiveDatabase, source: String, readOnly: Bool) throws(SourceError) {
        self.database = database; self.source = source; self.readOnly = readOnly
        connectTimeout = try Self.seconds(database, "connect_timeout", default: Self.defaultConnectTimeout, source: source)
        readTimeout = try Self.seconds(database, "read_timeout", default: Self.defaultReadTimeout, source: source)
        guard Self.libraryReady else {
            throw SourceError(kind: .connection, source: source, file: database.url,
                              message: "the MariaDB client library (libmariadb) could not initialise", fatal: true)
        }
        let opened = Self.connect(database, schema: database.database, connectTimeout: connectTimeout, readTimeout: readTimeout)
        guard let opened = opened.handle else {
            throw connectError(errno: opened.errno, message: opened.message)
        }
        handle = opened
        try setUpSession()
    }

    deinit { close() }

    /// A connected handle, or libmariadb's error number and message.
    static func connect(_ database: LiveDatabase, schema: String?, connectTimeout: UInt32, readTimeout: UInt32)
        -> (handle: UnsafeMutablePointer<MYSQL>?, errno: UInt32, message: String) {
        guard let mysql = mysql_init(nil) else { return (nil, 2008, "out of memory") }
        var connect = connectTimeout, read = readTimeout, write = readTimeout
        var reconnect: my_bool = 0
        mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connect)
        mysql_options(mysql, MYSQL_OPT_READ_TIMEOUT, &read)
        mysql_options(mysql, MYSQL_OPT_WRITE_TIMEOUT, &write)
        mysql_options(mysql, MYSQL_OPT_RECONNECT, &reconnect)
        mysql_options(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4")
        mysql_options(mysql, MYSQL_READ_DEFAULT_GROUP, "client")
        mysql_options4(mysql, MYSQL_OPT_CONNECT_ATTR_ADD, "program_name", "attache")
        let socket = database.parameter("socket")
        let password = database.password
        let connected = mysql_real_connect(
            mysql, database.host, database.user, password, schema,
            UInt32(database.port ?? 0), socket, UInt(CLIENT_FOUND_ROWS))
        guard connected != nil else {
            let result = (UnsafeMutablePointer<MYSQL>?.none, mysql_errno(mysql), String(cString: mysql_error(mysql)))
            mysql_close(mysql)
            return result
        }
        return (mysql, 0, "")
    }

    /// The session settings of the type's description.
    private func setUpSession() throws(SourceError) {
        guard let handle else { return }
        if mysql_set_character_set(handle, "utf8mb4") != 0 {
            throw queryError(context: "setting the session's character set to utf8mb4")
        }
        let current = try strings("SELECT @@SESSION.sql_mode").first?.first ?? nil
        var modes = (current ?? "").split(separator: ",").map(String.init).filter { $0 != "NO_BACKSLASH_ESCAPES" }
        for mode in ["ANSI_QUOTES", "PIPES_AS_CONCAT", "STRICT_ALL_TABLES"] where !modes.contains(mode) { modes.append(mode) }
        var setup = [
            "SET SESSION sql_mode = \(literal(modes.joined(separator: ",")))",
            "SET SESSION net_write_timeout = \(readTimeout), net_read_timeout = \(readTimeout)",
        ]
        if readOnly {
            setup += [
                "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                "SET SESSION TRANSACTION READ ONLY",
                "START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT",
            ]
        }
        for statement in setup { _ = try execute(statement) }
    }

    func execute(_ sql: String) throws(SourceError) -> Int {
        let handle = try open()
        try send(sql, on: handle)
        // A statement that returns rows after all: read and drop them.
        if let result = mysql_store_result(handle) { mysql_free_result(result) }
        if mysql_errno(handle) != 0 { throw queryError(sql: sql) }
        let affected = mysql_affected_rows(handle)
        return affected == UInt64.max ? 0 : Int(affected)
    }

    /// Streams with `mysql_use_result`: one row at a time off the socket, memory flat. A row
    /// that `row` throws for stops the stream; the rest of the result is then read and dropped
    /// by `mysql_free_result` so the connection stays usable.
    func stream(_ sql: String, columns: ([String]) throws -> Void,
                row: ([UnsafeBufferPointer<UInt8>?]) throws -> Void) throws {
        let handle = try open()
        try send(sql, on: handle)
        guard let result = mysql_use_result(handle) else {
            if mysql_errno(handle) != 0 { throw queryError(sql: sql) }
            try columns([])  // a statement without a result set
            return
        }
        defer { mysql_free_result(result) }
        let count = Int(mysql_num_fields(result))
        try columns(Self.names(of: result, count: count))
        var values = [UnsafeBufferPointer<UInt8>?](repeating: nil, count: count)
        while let fetched = mysql_fetch_row(result) {
            guard let lengths = mysql_fetch_lengths(result) else { break }
            for i in 0..<count {
                values[i] = fetched[i].map { pointer in
                    UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self),
                                        count: Int(lengths[i]))
                }
            }
            try row(values)
        }
        // mysql_fetch_row returns nil at the end and on an error alike: a connection lost or
        // killed mid-read must fail the source, not look like the end of the table.
        if mysql_errno(handle) != 0 { throw queryError(sql: sql) }
    }

    func commit() throws(SourceError) { _ = try execute("COMMIT") }
    func rollback() throws(SourceError) { _ = try execute("ROLLBACK") }

    func close() {
        if let handle { mysql_close(handle) }
        handle = nil
    }

    /// `"name"`: the session runs with `ANSI_QUOTES`.
    func quoted(_ identifier: String) -> String {
        var out = "\""
        for character in identifier {
            if character == "\"" { out += "\"\"" } else { out.append(character) }
        }
        return out + "\""
    }

    /// `'text'` with `'` doubled and `\` doubled (backslash escapes are on: the session's
    /// `sql_mode` leaves `NO_BACKSLASH_ESCAPES` out); a NUL byte as `\0`.
    func literal(_ text: String) -> String {
        var out = "'"
        for scalar in text.unicodeScalars {
            switch scalar {
            case "'": out += "''"
            case "\\": out += "\\\\"
            case "\0": out += "\\0"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "'"
    }

    // MARK: - Helpers

    /// The handle, or `.connection` when the connection was closed.
    func open() throws(SourceError) -> UnsafeMutablePointer<MYSQL> {
        guard let handle else {
            throw SourceError(kind: .connection, source: source, file: database.url,
                              message: "the connection to the database was already closed", fatal: true)
        }
        return handle
    }

    /// Sends one statement (its bytes as they are: a value may hold a NUL).
    private func send(_ sql: String, on handle: UnsafeMutablePointer<MYSQL>) throws(SourceError) {
        var text = sql
        let rc = text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { mysql_real_query(handle, $0.baseAddress, UInt(bytes.count)) }
        }
        if rc != 0 { throw queryError(sql: sql) }
    }

    /// The column names of a result.
    static func names(of result: UnsafeMutablePointer<MYSQL_RES>, count: Int) -> [String] {
        guard count > 0, let fields = mysql_fetch_fields(result) else { return [] }
        return (0..<count).map { i in
            let field = fields[i]
            guard let name = field.name else { return "" }
            let bytes = UnsafeRawBufferPointer(start: name, count: Int(field.name_length))
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Every row of a small query (the catalog queries of information_schema), NULL as nil.
    func strings(_ sql: String) throws(SourceError) -> [[String?]] {
        var rows: [[String?]] = []
        do {
            try stream(sql, columns: { _ in }, row: { values in
                rows.append(values.map { $0.map { String(decoding: $0, as: UTF8.self) } })
            })
        } catch let error as SourceError {
            throw error
        } catch {
            throw SourceError(kind: .badQuery, source: source, file: database.url, message: "\(error)", fatal: true)
        }
        return rows
    }

    /// A URL parameter in whole seconds (1 to 86400), or `fallback`.
    private static func seconds(_ database: LiveDatabase, _ name: String, default fallback: UInt32, source: String)
        throws(SourceError) -> UInt32 {
        guard let text = database.parameter(name) else { return fallback }
        guard let value = UInt32(text), (1...86_400).contains(value) else {
            throw SourceError(kind: .badOption, source: source, file: database.url, position: name,
                              message: "\(name)=\(text) is not a number of seconds from 1 to 86400", fatal: true)
        }
        return value
    }
}
