import GRDBSQLite

/// Turns the current row of a statement into text values (nil for NULL and for values that
/// are not UTF-8, which are reported).
struct SQLiteRowReader {
    let statement: OpaquePointer
    let columns: [String]
    let source: String
    let file: String

    /// Every column's value as text (nil for NULL, and for a column `wanted` leaves out: it
    /// is not decoded at all).
    func values(position: String, wanted: [Bool]? = nil, problem: (SourceError) -> Void) -> [String?] {
        var values: [String?] = []
        values.reserveCapacity(columns.count)
        for i in 0..<Int32(columns.count) {
            if let wanted, !wanted[Int(i)] { values.append(nil); continue }
            values.append(value(i, position: position, problem: problem))
        }
        return values
    }

    private func value(_ i: Int32, position: String, problem: (SourceError) -> Void) -> String? {
        switch sqlite3_column_type(statement, i) {
        case SQLITE_NULL:
            return nil
        case SQLITE_INTEGER:
            return String(sqlite3_column_int64(statement, i))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, i))
            guard count > 0, let bytes = sqlite3_column_blob(statement, i) else { return "" }
            return text(UnsafeRawPointer(bytes).assumingMemoryBound(to: UInt8.self), count: count, kind: "BLOB",
                        column: i, position: position, problem: problem)
        default: // TEXT; a REAL is printed by SQLite
            guard let bytes = sqlite3_column_text(statement, i) else { return nil }
            let count = Int(sqlite3_column_bytes(statement, i))
            return text(bytes, count: count, kind: "TEXT", column: i, position: position, problem: problem)
        }
    }

    private func text(_ bytes: UnsafePointer<UInt8>, count: Int, kind: String, column: Int32, position: String,
                      problem: (SourceError) -> Void) -> String? {
        let buffer = UnsafeBufferPointer(start: bytes, count: count)
        if let text = String(validating: buffer, as: UTF8.self) { return text }
        let offset = UTF8Validator.firstInvalidOffset(in: buffer) ?? 0
        problem(SourceError(
            kind: .undecodable, source: source, file: file, position: "\(position), column '\(columns[Int(column)])'",
            message: "the \(kind) value (\(count) bytes) is not UTF-8 (first bad byte at offset \(offset)); "
                + "the field is left out — convert the column to UTF-8, or CAST it in a query",
            fatal: false))
        return nil
    }
}
