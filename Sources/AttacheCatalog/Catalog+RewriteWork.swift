import AttacheModel
import Foundation
import GRDB

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
    /// The file's name (last component of its path), for a tombstone.
    public var fileName: String?
    /// The placement of the file, or of the kept copy for a duplicate; nil when not applied.
    public var placement: PlacementKind?
    public var targetPath: String?
    public var archivePath: String?
    public var member: RawPath?
    public var sha256: ContentHash?
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
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.id, r.record_key, r.record_position, r.column_name, r.kind, r.raw, r.span_start, r.span_end, r.style,
                       r.status, r.reason, r.file_id, f.display_path,
                       CASE WHEN m.placement = 'duplicate' THEN c.placement ELSE m.placement END,
                       COALESCE(c.target_path, m.target_path), COALESCE(c.archive_path, m.archive_path),
                       COALESCE(c.member, m.member), COALESCE(c.sha256, m.sha256), m.rule,
                       CASE WHEN m.placement = 'duplicate' THEN c.detail ELSE m.detail END
                FROM refs r JOIN sources s ON s.id = r.source_id
                LEFT JOIN files f ON f.id = r.file_id
                LEFT JOIN mapping m ON m.file_id = r.file_id AND m.current = 1 AND m.target = ?
                LEFT JOIN mapping c ON m.placement = 'duplicate' AND c.file_id = m.duplicate_of AND c.current = 1 AND c.target = m.target
                WHERE s.name = ? AND r.id > ? ORDER BY r.id LIMIT ?
                """, arguments: [target, source, after, limit]).map(Catalog.rewriteReference)
        }
    }

    static func rewriteReference(_ r: Row) throws -> RewriteReference {
        let display: String? = r[12]
        let member: Data? = r[16]
        return RewriteReference(
            id: r[0], recordKey: r[1], recordPosition: r[2], column: r[3],
            kind: try StoredValue.decode(r[4] as String, column: "refs.kind"), raw: r[5], spanStart: r[6], spanEnd: r[7],
            style: try StoredValue.style(r[8] as String, column: "refs.style"),
            status: try StoredValue.decode(r[9] as String, column: "refs.status"), reason: r[10], fileID: r[11],
            fileName: display.map { String($0.split(separator: "/", omittingEmptySubsequences: false).last ?? "") },
            placement: try (r[13] as String?).map { try StoredValue.decode($0, column: "mapping.placement") },
            targetPath: r[14], archivePath: r[15], member: member.map { RawPath(bytes: [UInt8]($0)) },
            sha256: (r[17] as String?).flatMap { ContentHash(hex: $0) }, rule: r[18], pendingReason: r[19])
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
