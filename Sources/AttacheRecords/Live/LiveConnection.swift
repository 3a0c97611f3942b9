import AttacheConfig

/// One connection to a live database (MySQL/MariaDB through libmariadb, PostgreSQL through
/// libpq). Two implementations: ``MySQLConnection`` and ``PostgreSQLConnection``; the record
/// source (``LiveRecordSource``) and the rewrite only see this protocol.
///
/// **Read-only connections** (`readOnly: true`, what `attache refs` and presets use) are made
/// so that nothing can change the database, whatever the query:
/// - MySQL: `SET SESSION TRANSACTION READ ONLY`, then
///   `START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT` at `REPEATABLE READ`;
/// - PostgreSQL: `default_transaction_read_only = on`, then
///   `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`;
/// so every read of the connection sees one snapshot, and the server itself refuses a write.
/// The session speaks UTF-8 (`utf8mb4` / `client_encoding UTF8`): the server converts legacy
/// columns (latin1, cp1251, WIN1251 databases) from their declared charset; nothing is guessed.
/// MySQL sessions also get `sql_mode` with `ANSI_QUOTES,PIPES_AS_CONCAT` so that `"name"`
/// quotes an identifier and `||` concatenates, as in SQLite and PostgreSQL (presets' queries
/// run unchanged on all three).
///
/// Errors are fatal ``SourceError``s naming the source and the URL (never a password):
/// `.connection` (no answer, refused, timed out, lost mid-read), `.authentication` (wrong
/// user or password), `.permission` (no SELECT/UPDATE privilege), `.notFound` (no such
/// database), `.unknownTable`/`.unknownColumn`, `.badQuery`, `.notReadOnly`.
public protocol LiveConnection: AnyObject {
    /// What this connection is connected to.
    var database: AttacheConfig.LiveDatabase { get }
    /// The source name used in errors.
    var source: String { get }

    /// Runs one statement that returns no rows (`UPDATE`, `BEGIN`, `SET`, …).
    /// - Returns: the rows it matched (MySQL connects with `CLIENT_FOUND_ROWS`, so an
    ///   `UPDATE` that sets a value to what it already is still counts its row).
    func execute(_ sql: String) throws(SourceError) -> Int

    /// Runs one query and streams its rows with flat memory (MySQL: `mysql_use_result`;
    /// PostgreSQL: a cursor fetched in batches inside the transaction).
    /// - Parameters:
    ///   - columns: called once with the result's column names, before any row.
    ///   - row: called for every row with its values as raw bytes (nil for NULL); the buffers
    ///     are valid only during the call. Values are in the server's text form (numbers in
    ///     decimal, PostgreSQL booleans `t`/`f`, MySQL BIT as raw bytes).
    /// - Throws: a fatal ``SourceError`` (`.badQuery` with the server's message, `.connection`
    ///   when the connection is lost mid-read), or what `row` throws.
    func stream(_ sql: String, columns: ([String]) throws -> Void,
                row: ([UnsafeBufferPointer<UInt8>?]) throws -> Void) throws

    /// The result columns of a query, without reading its rows.
    func resultColumns(of sql: String) throws(SourceError) -> [String]

    /// The tables and views of the connected database (MySQL: the database; PostgreSQL: the
    /// schemas on the `search_path`), each with its columns in order.
    func tables() throws(SourceError) -> [(name: String, columns: [String])]

    /// The primary key's columns of a table, in order (empty when it has none).
    func primaryKey(of table: String) throws(SourceError) -> [String]

    /// The declared maximum length in characters of each column of `table` that has one
    /// (`VARCHAR(n)`, `CHAR(n)`); the rewrite refuses values longer than that.
    func declaredLengths(of table: String) throws(SourceError) -> [String: Int]

    /// An identifier quoted for this server (`"name"` with `""` doubled on both: MySQL
    /// sessions run with `ANSI_QUOTES`).
    func quoted(_ identifier: String) -> String

    /// A string literal for this server (MySQL: with backslashes doubled too).
    func literal(_ text: String) -> String

    /// Commits the open transaction (a writable connection) or ends the read-only one.
    func commit() throws(SourceError)
    /// Rolls back the open transaction.
    func rollback() throws(SourceError)
    /// Closes the connection (also done on deinit).
    func close()
}

/// Opens connections.
public enum LiveConnector {
    /// Connects to `database` for source `source`.
    /// - Parameter readOnly: a read-only session with one consistent snapshot (see
    ///   ``LiveConnection``); false for the rewrite's writes, which start with `BEGIN` of
    ///   their own (the connection is in autocommit until then).
    public static func open(_ database: AttacheConfig.LiveDatabase, source: String, readOnly: Bool) throws(SourceError) -> any LiveConnection {
        switch database.engine {
        case .mysql: return try MySQLConnection(database, source: source, readOnly: readOnly)
        case .postgresql: return try PostgreSQLConnection(database, source: source, readOnly: readOnly)
        }
    }
}

/// So that the files of this module that do not import AttacheConfig (the engines') see it.
typealias LiveDatabase = AttacheConfig.LiveDatabase
