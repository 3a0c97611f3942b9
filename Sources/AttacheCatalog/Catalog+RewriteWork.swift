import AttacheModel
import Foundation
import GRDB
import GRDBSQLite

/// One reference as the rewrite needs it: where it is in its record, what the record held,
/// and where its file is now (a duplicate's: the kept copy's location).
public struct RewriteReference: Sendable, Equatable {
    public var id: Int64
    public var recordKey: String
    public var recordPosition: String
    public var column: String
    public var kind: ReferenceKind
    public var raw: String
    public var spanStart: Int?
    public var spanEnd: Int?
    public var style: PathStyle?
    public var status: ReferenceStatus
    public var reason: String?
    public var fileID: Int64?
    /// The file's path below its root, as displayed (read for dropped files only: a tombstone
    /// names the file).
    public var filePath: String?
    /// The file's name (last component of its path), for a tombstone.
    public var fileName: String? {
        filePath.map { p in p.lastIndex(of: "/").map { String(p[p.index(after: $0)...]) } ?? p }
    }
    /// The placement of the file, or of the kept copy for a duplicate; nil when not applied.
    public var placement: PlacementKind?
    public var targetPath: String?
    public var archivePath: String?
    public var member: RawPath?
    /// The rule that placed or dropped the file.
    public var rule: String?
    /// Why the file is pending.
    public var pendingReason: String?
}

extension Catalog {
    /// A page of the references of one source in the order they were extracted (the order
    /// its records are read in): those with an id above `after`, at most `limit`, each with
    /// where its file is now in `target`. Paged by the caller, so memory stays flat.
    public func rewriteReferences(source: String, target: String, after: Int64, limit: Int = 4096)
        throws(CatalogError) -> [RewriteReference] {
        let placements = self.placements ?? RewritePlacements()
        return try read { db in
            // Up to a million rows a source: read with the SQLite C API on GRDB's statement. Where
            // each file is now is looked up once a file (``RewritePlacements``), not joined once a row.
            let h = try db.cachedStatement(sql: """
                SELECT r.id, r.record_key, r.record_position, r.column_name, r.kind, r.raw, r.span_start, r.span_end, r.style,
                       r.status, r.reason, r.file_id
                FROM refs r JOIN sources s ON s.id = r.source_id
                WHERE s.name = ?1 AND r.id > ?2 ORDER BY r.id LIMIT ?3
                """).sqliteStatement
            sqlite3_reset(h)
            sqlite3_bind_text(h, 1, source, -1, sqliteTransient)
            sqlite3_bind_int64(h, 2, after)
            sqlite3_bind_int64(h, 3, Int64(limit))
            defer { sqlite3_reset(h) }
            var page: [RewriteReference] = []
            page.reserveCapacity(limit)
            while true {
                let rc = sqlite3_step(h)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(h))))
                }
                let ref = try Catalog.rewriteReference(RawColumns(statement: h))
                guard let file = ref.fileID else { page.append(ref); continue }
                let places = try placements.of(file: file, target: target, db: db)
                if places.isEmpty { page.append(ref) }
                for place in places {
                    var placed = ref
                    placed.filePath = place.filePath; placed.placement = place.placement; placed.targetPath = place.targetPath
                    placed.archivePath = place.archivePath; placed.member = place.member; placed.rule = place.rule
                    placed.pendingReason = place.pendingReason
                    page.append(placed)
                }
            }
            return page
        }
    }

    static func rewriteReference(_ c: RawColumns) throws -> RewriteReference {
        RewriteReference(
            id: c.int(0)!, recordKey: c.text(1) ?? "", recordPosition: c.text(2) ?? "", column: c.text(3) ?? "",
            kind: try StoredValue.decode(c.text(4) ?? "", column: "refs.kind"), raw: c.text(5) ?? "",
            spanStart: c.int(6).map(Int.init), spanEnd: c.int(7).map(Int.init),
            style: try StoredValue.style(c.text(8) ?? "", column: "refs.style"),
            status: try StoredValue.decode(c.text(9) ?? "", column: "refs.status"), reason: c.text(10), fileID: c.int(11),
            filePath: nil, placement: nil, targetPath: nil, archivePath: nil, member: nil, rule: nil, pendingReason: nil)
    }

    /// The fingerprint `attache refs` stored for a source when it last read it, or nil when
    /// the source was never read.
    public func sourceFingerprint(_ name: String) throws(CatalogError) -> String? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT fingerprint FROM sources WHERE name = ? AND extracted_run IS NOT NULL", arguments: [name])
        }
    }
}

extension Catalog {
    /// The content the current mapping records for a file (any target).
    public func currentMappingHash(fileID: Int64) throws(CatalogError) -> ContentHash? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT sha256 FROM mapping WHERE file_id = ? AND current = 1 AND sha256 IS NOT NULL LIMIT 1",
                                arguments: [fileID]).flatMap { ContentHash(hex: $0) }
        }
    }
}

/// The current row of a raw SQLite statement, read by column index.
struct RawColumns {
    let statement: OpaquePointer

    func int(_ i: Int32) -> Int64? {
        sqlite3_column_type(statement, i) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, i)
    }

    func text(_ i: Int32) -> String? {
        guard sqlite3_column_type(statement, i) != SQLITE_NULL, let p = sqlite3_column_text(statement, i) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(statement, i))), as: UTF8.self)
    }

    func blob(_ i: Int32) -> [UInt8]? {
        guard sqlite3_column_type(statement, i) != SQLITE_NULL else { return nil }
        let n = Int(sqlite3_column_bytes(statement, i))
        guard n > 0, let p = sqlite3_column_blob(statement, i) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }
}

/// Where each file is now in a target, as a rewrite reads it for every reference to the file: the
/// current mapping row (for a duplicate, the kept copy's location), read once a file and kept
/// (a migration's references name the same files again and again). Used inside the catalog's
/// reads, which its connection runs one at a time.
final class RewritePlacements: @unchecked Sendable {
    struct Place {
        var filePath: String?
        var placement: PlacementKind?
        var targetPath: String?
        var archivePath: String?
        var member: RawPath?
        var rule: String?
        var pendingReason: String?
    }

    private var target: String?
    private var known: [Int64: [Place]] = [:]

    /// The places of `file` in `target` (as many as current mapping rows: one, or none when the
    /// file was never applied to it).
    func of(file: Int64, target: String, db: Database) throws -> [Place] {
        if target != self.target { known = [:]; self.target = target }
        if let hit = known[file] { return hit }
        let h = try db.cachedStatement(sql: """
            SELECT CASE WHEN m.placement = 'dropped' THEN (SELECT f.display_path FROM files f WHERE f.id = m.file_id) END,
                   CASE WHEN m.placement = 'duplicate' THEN c.placement ELSE m.placement END,
                   COALESCE(c.target_path, m.target_path), COALESCE(c.archive_path, m.archive_path),
                   COALESCE(c.member, m.member), m.rule,
                   CASE WHEN m.placement = 'duplicate' THEN c.detail ELSE m.detail END
            FROM mapping m
            LEFT JOIN mapping c ON m.placement = 'duplicate' AND c.file_id = m.duplicate_of AND c.current = 1 AND c.target = m.target
            WHERE m.file_id = ?1 AND m.current = 1 AND m.target = ?2
            """).sqliteStatement
        sqlite3_reset(h)
        sqlite3_bind_int64(h, 1, file)
        sqlite3_bind_text(h, 2, target, -1, sqliteTransient)
        defer { sqlite3_reset(h) }
        var places: [Place] = []
        while true {
            let rc = sqlite3_step(h)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(h))))
            }
            let c = RawColumns(statement: h)
            places.append(Place(filePath: c.text(0), placement: try c.text(1).map { try StoredValue.decode($0, column: "mapping.placement") },
                                targetPath: c.text(2), archivePath: c.text(3), member: c.blob(4).map { RawPath(bytes: $0) },
                                rule: c.text(5), pendingReason: c.text(6)))
        }
        if known.count >= 100_000 { known.removeAll(keepingCapacity: true) }
        known[file] = places
        return places
    }
}
