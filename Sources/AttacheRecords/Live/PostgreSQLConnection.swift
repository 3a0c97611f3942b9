import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

/// A connection to PostgreSQL through libpq; see ``LiveConnection`` for the promises.
///
/// **Connecting.** `PQconnectdbParams` gets the manifest's URL as `dbname` (libpq expands a
/// URI there, so every libpq URI parameter works as written), after the defaults
/// `connect_timeout=10` and `application_name=attache` (so the URL's own values win), and
/// before `client_encoding=UTF8` and the password (which win over the URL). The password is
/// `LiveDatabase.password` (`password_env:`) when set; otherwise libpq's own ways apply
/// (`PGPASSWORD`, `~/.pgpass`, `PGPASSFILE`).
///
/// **Timeouts.** A server that accepts nothing or never answers fails after `connect_timeout`
/// seconds (libpq counts at least 2 s per address). Over TCP, keepalives (idle 30 s, every
/// 10 s, 3 probes) and `tcp_user_timeout=60000` make a server that vanishes mid-read (a
/// cable, a VM gone) fail within about a minute instead of hanging; a server that is merely
/// slow is waited for (the server's own `statement_timeout` still applies, per `FETCH`).
/// Unix sockets need none of this: a dead server closes them.
///
/// **Reads.** A read-only connection sets `default_transaction_read_only = on` and opens
/// `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`: every read sees one snapshot and the
/// server refuses any write. ``stream(_:columns:row:)`` declares a `NO SCROLL` cursor and
/// fetches 2,000 rows at a time. Inside a transaction each read (and each catalog look-up)
/// runs under a savepoint, so a failed query leaves the transaction and its snapshot usable
/// (and the error can say "did you mean"). On a writable connection in autocommit, the cursor
/// gets a transaction of its own (`BEGIN` … `COMMIT`), since a cursor lives in a transaction.
/// Every statement goes through `PQexecParams`, which runs at most one statement: a second
/// one hidden after a `;` is a syntax error, never run.
///
/// Used from one thread at a time (like every record source).
final class PostgreSQLConnection: LiveConnection {
    let database: LiveDatabase
    let source: String
    let readOnly: Bool
    /// The libpq connection (`PGconn *`); nil once closed.
    var handle: OpaquePointer?

    /// Rows per `FETCH`: large enough that round trips do not matter, small enough that
    /// memory stays flat (a batch of wide HTML notes is a few MB).
    static let batchSize = 2000
    /// The cursor's name (one at a time per connection).
    static let cursorName = "attache_cursor"

    init(_ database: LiveDatabase, source: String, readOnly: Bool) throws(SourceError) {
        self.database = database; self.source = source; self.readOnly = readOnly
        handle = try Self.connect(database, source: source)
        if readOnly {
            do {
                _ = try run("SET default_transaction_read_only = on")
                _ = try run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            } catch {
                let failure = sourceError(error, doing: "starting the read-only transaction")
                close()
                throw failure
            }
        }
    }

    deinit { close() }

    /// Opens a libpq connection to `database` (optionally to another database on the same
    /// server, for listing the databases after a "does not exist").
    static func connect(_ database: LiveDatabase, source: String, overridingDatabase: String? = nil) throws(SourceError) -> OpaquePointer {
        var pairs: [(String, String)] = [
            ("connect_timeout", "10"), ("application_name", "attache"),
            ("keepalives", "1"), ("keepalives_idle", "30"), ("keepalives_interval", "10"),
            ("keepalives_count", "3"), ("tcp_user_timeout", "60000"),
            ("dbname", database.url),
            ("client_encoding", "UTF8"),
        ]
        if let password = database.password { pairs.append(("password", password)) }
        if let other = overridingDatabase { pairs.append(("dbname", other)) }
        let connection = withCStringArrays(pairs.map(\.0), pairs.map(\.1)) { keywords, values in
            PQconnectdbParams(keywords, values, 1)
        }
        guard let connection else {
            throw SourceError(kind: .connection, source: source, file: database.url,
                              message: "libpq could not allocate a connection (out of memory?)", fatal: true)
        }
        if PQstatus(connection) != CONNECTION_OK {
            let message = Self.oneLine(String(cString: PQerrorMessage(connection)))
            let needsPassword = PQconnectionNeedsPassword(connection) == 1
            PQfinish(connection)
            throw connectionError(message, needsPassword: needsPassword, database: database, source: source,
                                  listing: overridingDatabase == nil)
        }
        // libpq prints NOTICEs and WARNINGs on stderr by default; attache's output is its own.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        return connection
    }

    // MARK: Transactions

    /// Whether a transaction is open (libpq tracks it from the server's answers).
    var inTransaction: Bool {
        guard let handle else { return false }
        return PQtransactionStatus(handle) != PQTRANS_IDLE && PQtransactionStatus(handle) != PQTRANS_UNKNOWN
    }

    func commit() throws(SourceError) {
        guard inTransaction else { return }
        do { _ = try run("COMMIT") } catch { throw sourceError(error, doing: "committing") }
    }

    func rollback() throws(SourceError) {
        guard inTransaction else { return }
        do { _ = try run("ROLLBACK") } catch { throw sourceError(error, doing: "rolling back") }
    }

    func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    // MARK: Quoting

    func quoted(_ identifier: String) -> String {
        "\"" + Self.doubling(identifier, UInt8(ascii: "\"")) + "\""
    }

    /// `'text'` with `'` doubled: with `standard_conforming_strings` on (the default since
    /// PostgreSQL 9.1) a backslash is an ordinary character, so Windows paths stay readable in
    /// the DBA's script. On a server that has it off, `E'…'` with backslashes doubled too.
    func literal(_ text: String) -> String {
        let conforming = handle.flatMap { PQparameterStatus($0, "standard_conforming_strings") }
            .map { String(cString: $0) != "off" } ?? true
        if conforming || !text.utf8.contains(UInt8(ascii: "\\")) {
            return "'" + Self.doubling(text, UInt8(ascii: "'")) + "'"
        }
        return "E'" + Self.doubling(Self.doubling(text, UInt8(ascii: "\\")), UInt8(ascii: "'")) + "'"
    }

    /// `text` with every `byte` (an ASCII character) doubled.
    static func doubling(_ text: String, _ byte: UInt8) -> String {
        guard text.utf8.contains(byte) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 4)
        for b in text.utf8 {
            out.append(b)
            if b == byte { out.append(b) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A libpq message on one line (libpq ends messages with newlines and indents details).
    static func oneLine(_ message: String) -> String {
        message.split(whereSeparator: { $0 == "\n" || $0 == "\t" }).map { $0.trimmingSpaces }.filter { !$0.isEmpty }
            .joined(separator: " ")
    }
}

extension Substring {
    /// Without leading and trailing spaces (no Foundation).
    fileprivate var trimmingSpaces: String {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

/// Calls `body` with two NULL-terminated arrays of C strings (libpq's keyword/value lists).
func withCStringArrays<R>(_ a: [String], _ b: [String],
                          _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let first = a.map { UnsafePointer(strdup($0)) } + [nil]
    let second = b.map { UnsafePointer(strdup($0)) } + [nil]
    defer {
        for p in first + second { free(UnsafeMutablePointer(mutating: p)) }
    }
    return first.withUnsafeBufferPointer { f in second.withUnsafeBufferPointer { s in body(f.baseAddress!, s.baseAddress!) } }
}
