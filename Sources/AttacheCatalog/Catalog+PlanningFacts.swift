import AttacheModel
import Foundation
import GRDB
import GRDBSQLite

/// What the planner needs to know of one file, read from files and refs.
public struct PlanningFacts: Sendable {
    public var file: FileRecord
    public var liveReferences: Int
    public var deletedReferences: Int
    /// The newest `modified` value among referencing records, as written (the caller parses it).
    public var newestModified: [String]
    public var sources: [String]
}

extension Catalog {
    /// Every present file (gone ones excluded) with its reference counts, by file id.
    ///
    /// The hot path of `attache plan` (one row per file: a million for a large share): columns
    /// are read with the SQLite C API on GRDB's prepared statement, and the texts most files
    /// share (the root, the MIME type) are made once.
    public func planningFacts() throws(CatalogError) -> [PlanningFacts] {
        var out: [PlanningFacts] = []
        try forEachPlanningFact(expecting: { out.reserveCapacity($0) }) { out.append($0) }
        return out
    }

    /// ``planningFacts()`` one file at a time, without holding them all: `expecting` is told
    /// how many files come first. The plan stage turns each into its compact planner view.
    public func forEachPlanningFact(expecting: (Int) -> Void = { _ in },
                                    _ body: (PlanningFacts) throws -> Void) throws(CatalogError) {
        try read { db in
            var sourceNames: [Int64: String] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT id, name FROM sources") { sourceNames[r[0]] = r[1] }
            var refs: [Int64: ReferenceFacts] = [:]
            // NOT INDEXED: one pass over the table. Through `refs_by_file` (which `file_id IS NOT
            // NULL` invites) each row is a random read of the table: 10 s instead of 1.8 s for
            // 2,000,000 references once the table outgrows the cache. What is gathered per file
            // does not depend on the order (counts; source names and times are sorted after).
            let rc = try db.makeStatement(sql: """
                SELECT r.file_id, r.deleted, r.modified, r.source_id FROM refs r NOT INDEXED JOIN sources s ON s.id = r.source_id
                WHERE r.status = '\(ReferenceStatus.resolved.rawValue)' AND r.file_id IS NOT NULL
                """)
            let rh = rc.sqliteStatement
            while try Catalog.step(rh) {
                let id = sqlite3_column_int64(rh, 0)
                let source = sqlite3_column_int64(rh, 3)
                refs[id, default: ReferenceFacts()].add(deleted: sqlite3_column_int64(rh, 1) != 0,
                                                        modified: Catalog.optionalText(rh, 2), source: source)
            }
            let fc = try db.makeStatement(sql: """
                SELECT \(Catalog.fileColumns) FROM files f JOIN roots r ON r.id = f.root_id
                WHERE f.status <> 'gone' ORDER BY f.id
                """)
            let h = fc.sqliteStatement
            expecting(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM files WHERE status <> 'gone'") ?? 0)
            var first = true
            var roots = TextCache()
            var mimes = TextCache()
            var rootID: Int64 = 0
            var rootPath = ""
            while try Catalog.step(h) {
                let id = sqlite3_column_int64(h, 0)
                let rid = sqlite3_column_int64(h, 1)
                if first || rid != rootID { rootID = rid; rootPath = roots.text(h, 2) ?? ""; first = false }
                let stat = FileStat(
                    kind: try StoredValue.decode(Catalog.text(h, 4), column: "files.kind"), size: sqlite3_column_int64(h, 5),
                    mtime: Timestamp(nanoseconds: sqlite3_column_int64(h, 6)), ctime: Timestamp(nanoseconds: sqlite3_column_int64(h, 7)),
                    key: FileKey(device: UInt64(bitPattern: sqlite3_column_int64(h, 9)), inode: UInt64(bitPattern: sqlite3_column_int64(h, 8))),
                    mode: UInt32(truncatingIfNeeded: sqlite3_column_int64(h, 10)))
                let file = FileRecord(
                    id: id, rootID: rid, rootPath: rootPath, path: RawPath(bytes: Catalog.blob(h, 3)), stat: stat,
                    sha256: Catalog.contentHash(h, 11), mime: mimes.text(h, 12),
                    category: try StoredValue.decode(Catalog.optionalText(h, 13), column: "files.category"), extensionMismatch: sqlite3_column_int64(h, 14) != 0,
                    status: try StoredValue.decode(Catalog.text(h, 15), column: "files.status"),
                    problem: try StoredValue.decode(Catalog.optionalText(h, 16), column: "files.problem"), problemDetail: Catalog.optionalText(h, 17))
                let e = refs[id]
                var names: [String] = []
                if let e {
                    for s in e.sources { if let n = sourceNames[s], !names.contains(n) { names.append(n) } }
                    names.sort()
                }
                try body(PlanningFacts(file: file, liveReferences: e?.live ?? 0, deletedReferences: e?.deleted ?? 0,
                                       newestModified: e?.modified ?? [], sources: names))
            }
        }
    }
}

extension Catalog {
    /// ``setPageCache(mebibytes:)`` inside a read, not a write: no write lock is taken, so it
    /// never waits for another connection's writer (the plan stage forgets old plans through
    /// one while it reads the catalog; a write here waited for that delete, and past the busy
    /// timeout failed with "database is locked").
    public func setPageCacheWhileReading(mebibytes: Int) throws(CatalogError) {
        try read { db in try db.execute(sql: "PRAGMA cache_size = \(-1024 * max(1, mebibytes))") }
    }
}

// MARK: - Reading and writing a million rows

extension Catalog {
    /// Steps a raw statement: true for a row, false when done.
    static func step(_ h: OpaquePointer) throws -> Bool {
        switch sqlite3_step(h) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let rc: throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(h))))
        }
    }

    /// A column's text, as GRDB reads a `String` (NULL reads as "").
    static func text(_ h: OpaquePointer, _ i: Int32) -> String {
        sqlite3_column_text(h, i).map { String(cString: $0) } ?? ""
    }

    static func optionalText(_ h: OpaquePointer, _ i: Int32) -> String? {
        sqlite3_column_type(h, i) == SQLITE_NULL ? nil : text(h, i)
    }

    /// A column's bytes, as GRDB reads `Data` (a text column gives its UTF-8).
    static func blob(_ h: OpaquePointer, _ i: Int32) -> [UInt8] {
        guard let p = sqlite3_column_blob(h, i) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(h, i))))
    }

    /// `ContentHash(hex:)` of a text column.
    static func contentHash(_ h: OpaquePointer, _ i: Int32) -> ContentHash? {
        guard sqlite3_column_type(h, i) != SQLITE_NULL, let p = sqlite3_column_text(h, i) else { return nil }
        return ContentHash(hex: String(cString: p))
    }

    /// Whether a text column holds exactly the bytes of `value` (NULL matches nil).
    static func same(_ h: OpaquePointer, _ i: Int32, _ value: String?) -> Bool {
        guard var value else { return sqlite3_column_type(h, i) == SQLITE_NULL }
        guard sqlite3_column_type(h, i) != SQLITE_NULL, let p = sqlite3_column_text(h, i) else { return false }
        let n = Int(sqlite3_column_bytes(h, i))
        return value.withUTF8 { u in u.count == n && (n == 0 || memcmp(u.baseAddress!, p, n) == 0) }
    }
}

/// One file's resolved references while `planningFacts` reads them.
private struct ReferenceFacts {
    var live = 0
    var deleted = 0
    var modified: [String] = []
    var sources: [Int64] = []

    mutating func add(deleted isDeleted: Bool, modified m: String?, source: Int64) {
        if isDeleted { deleted += 1 } else { live += 1 }
        if let m, !m.isEmpty { modified.append(m) }
        if !sources.contains(source) { sources.append(source) }
    }
}

/// Texts that repeat from row to row (a root, a MIME type), made into a `String` once each;
/// after 64 different ones it stops remembering.
private struct TextCache {
    private var known: [([UInt8], String)] = []

    mutating func text(_ h: OpaquePointer, _ i: Int32) -> String? {
        guard sqlite3_column_type(h, i) != SQLITE_NULL, let p = sqlite3_column_text(h, i) else { return nil }
        let n = Int(sqlite3_column_bytes(h, i))
        for (bytes, text) in known where bytes.count == n && bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, p, n) == 0 }) {
            return text
        }
        let text = String(cString: p)
        if known.count < 64 && n > 0 { known.append(([UInt8](UnsafeBufferPointer(start: p, count: n)), text)) }
        return text
    }
}

