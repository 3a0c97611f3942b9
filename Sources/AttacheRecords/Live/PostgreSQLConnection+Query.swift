import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

/// What the server (or libpq) said when a statement failed, before it becomes a
/// ``SourceError`` (which may need more queries: "did you mean").
struct PostgreSQLFailure: Error {
    /// The SQLSTATE (`42P01`…); nil when libpq itself failed (connection lost).
    var sqlstate: String?
    var message: String
    var detail: String?
    var hint: String?
    /// The 1-based character position in the statement sent, for syntax errors.
    var position: Int?
    /// The connection is gone (`PQstatus` is `CONNECTION_BAD`).
    var lost: Bool
}

/// A `PGresult *`, cleared when released.
final class PostgreSQLResult {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { PQclear(pointer) }

    var rowCount: Int { Int(PQntuples(pointer)) }
    var columnCount: Int { Int(PQnfields(pointer)) }
    var columnNames: [String] { (0..<columnCount).map { String(cString: PQfname(pointer, Int32($0))) } }
    /// One value as text (nil for NULL).
    func text(_ row: Int, _ column: Int) -> String? {
        PQgetisnull(pointer, Int32(row), Int32(column)) == 1 ? nil : String(cString: PQgetvalue(pointer, Int32(row), Int32(column)))
    }
}

extension PostgreSQLConnection {
    /// Runs one statement (`PQexecParams`: at most one statement, text parameters `$1`…).
    /// - Throws: ``PostgreSQLFailure`` unless the statement completed.
    func run(_ sql: String, _ parameters: [String] = []) throws(PostgreSQLFailure) -> PostgreSQLResult {
        guard let handle else {
            throw PostgreSQLFailure(sqlstate: nil, message: "the connection is closed", lost: true)
        }
        let result: OpaquePointer? = withCStringArrays(parameters, []) { values, _ in
            PQexecParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        guard let result else { throw failure(nil) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let failed = failure(result)
            PQclear(result)
            throw failed
        }
        return PostgreSQLResult(result)
    }

    /// The failure `result` (or the connection, when there is no result) reports.
    func failure(_ result: OpaquePointer?) -> PostgreSQLFailure {
        func field(_ code: UInt8) -> String? {
            guard let result, let value = PQresultErrorField(result, Int32(code)) else { return nil }
            return String(cString: value)
        }
        let lost = handle.map { PQstatus($0) == CONNECTION_BAD } ?? true
        let libpqMessage = handle.map { Self.oneLine(String(cString: PQerrorMessage($0))) } ?? "the connection is closed"
        return PostgreSQLFailure(
            sqlstate: field(UInt8(ascii: "C")),
            message: field(UInt8(ascii: "M")) ?? (libpqMessage.isEmpty ? "no answer from the server" : libpqMessage),
            detail: field(UInt8(ascii: "D")), hint: field(UInt8(ascii: "H")),
            position: field(UInt8(ascii: "P")).flatMap { Int($0) }, lost: lost)
    }

    /// Runs `body` so that a failure inside an open transaction does not abort it: under a
    /// savepoint, rolled back to on failure (which also closes a cursor declared inside).
    /// The failure is turned into a ``SourceError`` only after that, so that building it may
    /// query the catalog.
    func guarded<T>(doing what: String, offset: Int = 0, _ body: () throws -> T) throws -> T {
        let savepoint = inTransaction
        do {
            if savepoint { _ = try run("SAVEPOINT attache_read") }
            let value = try body()
            if savepoint { _ = try run("RELEASE SAVEPOINT attache_read") }
            return value
        } catch let failed as PostgreSQLFailure {
            if savepoint && !failed.lost { _ = try? run("ROLLBACK TO SAVEPOINT attache_read") }
            throw sourceError(failed, doing: what, offset: offset)
        } catch {
            if savepoint, let handle, PQstatus(handle) == CONNECTION_OK { _ = try? run("ROLLBACK TO SAVEPOINT attache_read") }
            throw error
        }
    }

    /// ``guarded(doing:offset:_:)`` for bodies that throw only ``PostgreSQLFailure``.
    func guardedTyped<T>(doing what: String, _ body: () throws(PostgreSQLFailure) -> T) throws(SourceError) -> T {
        do {
            return try guarded(doing: what) { () throws -> T in try body() }
        } catch let error as SourceError {
            throw error
        } catch {
            throw SourceError(kind: .badQuery, source: source, file: database.url, message: "\(error)", fatal: true)
        }
    }

    func execute(_ sql: String) throws(SourceError) -> Int {
        let result: PostgreSQLResult
        do { result = try run(sql) } catch { throw sourceError(error, doing: "running the statement") }
        return Int(String(cString: PQcmdTuples(result.pointer))) ?? 0
    }

    func stream(_ sql: String, columns: ([String]) throws -> Void,
                row: ([UnsafeBufferPointer<UInt8>?]) throws -> Void) throws {
        let declare = "DECLARE \(Self.cursorName) NO SCROLL CURSOR FOR "
        // A cursor lives in a transaction: a writable connection in autocommit gets its own.
        let own = !inTransaction
        if own {
            do { _ = try run("BEGIN") } catch { throw sourceError(error, doing: "starting a transaction for the read") }
        }
        do {
            try guarded(doing: "reading the query", offset: declare.count) {
                _ = try run(declare + sql)
                try fetchAll(columns: columns, row: row)
                _ = try run("CLOSE \(Self.cursorName)")
            }
        } catch {
            if own { _ = try? run("ROLLBACK") }
            throw error
        }
        if own {
            do { _ = try run("COMMIT") } catch { throw sourceError(error, doing: "ending the read's transaction") }
        }
    }

    /// Fetches the declared cursor in batches, handing each row's values to `row` (one array,
    /// reused; the buffers point into the batch's result).
    private func fetchAll(columns: ([String]) throws -> Void, row: ([UnsafeBufferPointer<UInt8>?]) throws -> Void) throws {
        let fetch = "FETCH FORWARD \(Self.batchSize) FROM \(Self.cursorName)"
        var values: [UnsafeBufferPointer<UInt8>?] = []
        var first = true
        while true {
            let batch = try run(fetch)
            if first {
                first = false
                try columns(batch.columnNames)
                values = Array(repeating: nil, count: batch.columnCount)
            }
            let rows = batch.rowCount
            if rows == 0 { return }
            let result = batch.pointer
            for r in 0..<Int32(rows) {
                for c in 0..<Int32(values.count) {
                    if PQgetisnull(result, r, c) == 1 {
                        values[Int(c)] = nil
                    } else {
                        let start = UnsafeRawPointer(PQgetvalue(result, r, c)!).assumingMemoryBound(to: UInt8.self)
                        values[Int(c)] = UnsafeBufferPointer(start: start, count: Int(PQgetlength(result, r, c)))
                    }
                }
                try row(values)
            }
            if rows < Self.batchSize { return }
        }
    }

    func resultColumns(of sql: String) throws(SourceError) -> [String] {
        try guardedTyped(doing: "describing the query") { () throws(PostgreSQLFailure) -> [String] in
            guard let handle else { throw PostgreSQLFailure(sqlstate: nil, message: "the connection is closed", lost: true) }
            // The unnamed statement: prepared and described, never run.
            guard let prepared = PQprepare(handle, "", sql, 0, nil) else { throw failure(nil) }
            let preparedStatus = PQresultStatus(prepared)
            if preparedStatus != PGRES_COMMAND_OK {
                let failed = failure(prepared); PQclear(prepared); throw failed
            }
            PQclear(prepared)
            guard let described = PQdescribePrepared(handle, "") else { throw failure(nil) }
            if PQresultStatus(described) != PGRES_COMMAND_OK {
                let failed = failure(described); PQclear(described); throw failed
            }
            return PostgreSQLResult(described).columnNames
        }
    }
}
