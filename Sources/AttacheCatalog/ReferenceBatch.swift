import AttacheModel
import GRDB
import GRDBSQLite

/// References encoded for the catalog's writer: every text value of a batch of rows in one
/// byte buffer, every number in one array.
///
/// The references stage builds a batch on its reading thread and hands it to the writing one.
/// A batch crosses threads as three allocations, not a dozen strings a row: the strings a row
/// was made of are freed on the thread that made them, and the writer binds the bytes where
/// they lie (`SQLITE_STATIC`), copying nothing before SQLite builds its record.
public struct ReferenceBatch: Sendable {
    /// Text columns a row has, in the order of ``ReferenceWriter/insertSQL``'s text parameters.
    static let textColumns = 12
    /// Integer columns a row has, after the text ones.
    static let intColumns = 6
    /// An integer column's NULL.
    static let nullInt = Int64.min

    /// The text values; byte 0 is a NUL that empty values point at (never a nil base).
    var bytes: [UInt8] = [0]
    /// Per row, per text column: start in ``bytes`` and length (-1: NULL).
    var texts: [Int] = []
    /// Per row, per integer column: the value or ``nullInt``.
    var ints: [Int64] = []
    /// Rows in the batch.
    public private(set) var count = 0

    public init(reservingRows rows: Int = 0) {
        if rows > 0 {
            bytes.reserveCapacity(rows * 160)
            texts.reserveCapacity(rows * 2 * Self.textColumns)
            ints.reserveCapacity(rows * Self.intColumns)
        }
    }

    public var isEmpty: Bool { count == 0 }

    /// Adds one reference (stored exactly as ``ReferenceWriter/add(_:)-(ReferenceRow)`` stores it).
    public mutating func append(_ r: ReferenceRow) {
        text(r.recordKey); text(r.recordPosition); text(r.column); text(r.kind.rawValue); text(r.raw); text(r.pathText)
        text(PathStyle.name(r.style)); text(r.status.rawValue); text(r.match?.rawValue); text(r.reason); text(r.modified)
        text(r.fields)
        int(r.spanStart.map(Int64.init)); int(r.spanEnd.map(Int64.init)); int(r.rootID); int(r.fileID)
        int(Int64(r.candidates)); int(r.deleted ? 1 : 0)
        count += 1
    }

    private mutating func text(_ value: String?) {
        guard var value else { texts.append(0); texts.append(-1); return }
        let start = bytes.count
        value.withUTF8 { bytes.append(contentsOf: $0) }
        texts.append(bytes.count == start ? 0 : start)
        texts.append(bytes.count - start)
    }

    private mutating func int(_ value: Int64?) {
        ints.append(value ?? Self.nullInt)
    }
}

extension ReferenceWriter {
    /// The statement that stores a reference: texts first, then integers, as
    /// ``ReferenceBatch`` lays them out (``bind(_:row:)``).
    static let insertSQL = """
        INSERT INTO refs (source_id, resolved_run, record_key, record_position, column_name, kind, raw, path_text,
            style, status, match, reason, modified, fields, span_start, span_end, root_id, file_id, candidates, deleted)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Stores every row of `batch`, in order. This is the hot path of `attache refs` (a
    /// million records give 1.5 million rows): the values are bound with the SQLite C API,
    /// the texts where they lie in the batch (`SQLITE_STATIC`).
    public mutating func add(_ batch: ReferenceBatch) throws {
        let st = statement.sqliteStatement
        defer { sqlite3_clear_bindings(st) }  // no binding outlives the batch's bytes
        try batch.bytes.withUnsafeBufferPointer { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self)
            for row in 0..<batch.count {
                sqlite3_reset(st)
                sqlite3_bind_int64(st, 1, sourceID)
                sqlite3_bind_int64(st, 2, runID)
                let t = row * 2 * ReferenceBatch.textColumns
                for c in 0..<ReferenceBatch.textColumns {
                    let length = batch.texts[t + 2 * c + 1]
                    let index = Int32(3 + c)
                    if length < 0 {
                        sqlite3_bind_null(st, index)
                    } else {
                        sqlite3_bind_text(st, index, base + batch.texts[t + 2 * c], Int32(length), sqliteStatic)
                    }
                }
                let n = row * ReferenceBatch.intColumns
                for c in 0..<ReferenceBatch.intColumns {
                    let value = batch.ints[n + c]
                    let index = Int32(3 + ReferenceBatch.textColumns + c)
                    if value == ReferenceBatch.nullInt { sqlite3_bind_null(st, index) } else { sqlite3_bind_int64(st, index, value) }
                }
                let rc = sqlite3_step(st)
                guard rc == SQLITE_DONE else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(st))))
                }
                count += 1
            }
        }
    }
}

/// SQLite's SQLITE_STATIC (a null destructor): the bound bytes stay where they are until the
/// statement is reset or stepped again.
let sqliteStatic: sqlite3_destructor_type? = nil

/// SQLite's SQLITE_TRANSIENT (a cast of -1, which Swift does not import): copy the bound bytes.
let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
