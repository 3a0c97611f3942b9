import AttacheModel
import Foundation
import GRDB

// The mapping table: for every catalogued file, where it is now. Apply refreshes it at the end
// of every run from what the target holds (`target_items`, `archive_members`) and the plan; a
// row that changes is superseded (current = 0), not overwritten, so the table keeps which run
// placed what across the trial and the cut-over.

/// How many files each placement holds after a refresh, and how many rows changed.
public struct MappingRefresh: Sendable, Equatable {
    public var byPlacement: [PlacementKind: Int] = [:]
    public var changed = 0
    public init() {}
}

extension Catalog {
    /// Brings the mapping up to date after apply run `run` of plan `plan` into `target`: one
    /// current row per catalogued file; rows that differ from the current one supersede it.
    public func refreshMapping(run: Int64, plan: Int64, target: String) throws(CatalogError) -> MappingRefresh {
        try write { db in
            try db.execute(sql: "DROP TABLE IF EXISTS temp.new_map; DROP TABLE IF EXISTS temp.changed_map")
            try db.execute(sql: """
                CREATE TEMP TABLE new_map AS
                SELECT f.id AS file_id,
                  CASE
                    WHEN d.file_id IS NULL AND f.status = '\(FileStatus.gone.rawValue)' THEN 'gone'
                    WHEN d.file_id IS NULL THEN 'pending'
                    WHEN d.action = 'keep' AND t.path IS NOT NULL THEN 'placed'
                    WHEN d.action = 'archive' AND m.member IS NOT NULL THEN 'archived'
                    WHEN d.action = 'drop' AND d.duplicate_of IS NOT NULL THEN 'duplicate'
                    WHEN d.action = 'drop' THEN 'dropped'
                    ELSE 'pending' END AS placement,
                  CASE WHEN d.action = 'keep' THEN d.target_path END AS target_path,
                  CASE WHEN d.action = 'archive' THEN d.archive_path END AS archive_path,
                  m.member AS member,
                  COALESCE(d.rule, CASE WHEN f.status = '\(FileStatus.gone.rawValue)' THEN 'gone' ELSE 'not-planned' END) AS rule,
                  d.duplicate_of AS duplicate_of, f.sha256 AS sha256, f.size AS size, t.method AS method,
                  CASE WHEN d.file_id IS NULL AND f.status <> '\(FileStatus.gone.rawValue)'
                       THEN 'not in the plan: run attache plan, then apply again' END AS detail
                FROM files f
                LEFT JOIN decisions d ON d.plan_id = :plan AND d.file_id = f.id
                LEFT JOIN target_items t ON d.action = 'keep' AND t.target = :target AND t.path = d.target_path
                     AND t.kind = 'file' AND t.sha256 = f.sha256
                LEFT JOIN archive_members m ON d.action = 'archive' AND m.target = :target AND m.archive_path = d.archive_path
                     AND m.file_id = f.id
                WHERE d.file_id IS NOT NULL OR f.status = '\(FileStatus.gone.rawValue)'
                   OR EXISTS (SELECT 1 FROM mapping c WHERE c.file_id = f.id)
                """, arguments: ["plan": plan, "target": target])
            // Why a file is pending: the last failed step about it in this run.
            try db.execute(sql: """
                UPDATE new_map SET detail = (SELECT j.detail FROM journal j WHERE j.run_id = ? AND j.file_id = new_map.file_id
                                             AND j.state = 'failed' ORDER BY j.id DESC LIMIT 1)
                WHERE placement = 'pending' AND detail IS NULL
                """, arguments: [run])
            try db.execute(sql: """
                CREATE TEMP TABLE changed_map AS SELECT n.* FROM new_map n
                LEFT JOIN mapping c ON c.file_id = n.file_id AND c.current = 1
                WHERE c.file_id IS NULL OR c.placement IS NOT n.placement OR c.target_path IS NOT n.target_path
                   OR c.archive_path IS NOT n.archive_path OR c.member IS NOT n.member OR c.rule IS NOT n.rule
                   OR c.duplicate_of IS NOT n.duplicate_of OR c.sha256 IS NOT n.sha256 OR c.target IS NOT :target
                   OR c.detail IS NOT n.detail
                """, arguments: ["target": target])
            try db.execute(sql: "UPDATE mapping SET current = 0 WHERE current = 1 AND file_id IN (SELECT file_id FROM changed_map)")
            try db.execute(sql: """
                INSERT OR REPLACE INTO mapping (file_id, run_id, plan_id, target, placement, target_path, archive_path, member, rule,
                                                duplicate_of, sha256, size, method, detail, current)
                SELECT file_id, ?, ?, ?, placement, target_path, archive_path, member, rule, duplicate_of, sha256, size, method, detail, 1
                FROM changed_map
                """, arguments: [run, plan, target])
            var out = MappingRefresh()
            out.changed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM changed_map") ?? 0
            for r in try Row.fetchAll(db, sql: "SELECT placement, COUNT(*) FROM mapping WHERE current = 1 GROUP BY placement") {
                out.byPlacement[try Catalog.decoded(r[0], column: "mapping.placement")] = r[1]
            }
            try db.execute(sql: "DROP TABLE temp.new_map; DROP TABLE temp.changed_map")
            return out
        }
    }

    /// Calls `body` for each mapping row (current ones, or the whole history), sorted by root,
    /// path and run, with the spellings of the file's path in the records.
    public func forEachMapping(history: Bool = false, _ body: (MappingEntry, String?) throws -> Void) throws(CatalogError) {
        try read { db in
            let c = try Row.fetchCursor(db, sql: """
                SELECT m.file_id, r.display_path, f.path, m.sha256, m.size, m.placement, m.target_path, m.archive_path, m.member,
                       m.rule, m.duplicate_of, m.detail, m.plan_id, m.run_id, m.method, m.current, m.target,
                       (SELECT json_group_array(DISTINCT x.raw) FROM refs x WHERE x.file_id = m.file_id)
                FROM mapping m JOIN files f ON f.id = m.file_id JOIN roots r ON r.id = f.root_id
                \(history ? "" : "WHERE m.current = 1")
                ORDER BY r.path, f.path, m.run_id
                """)
            while let r = try c.next() {
                let entry = try Catalog.mappingEntry(r)
                try body(entry, r[16])
            }
        }
    }

    /// The current mapping row of one file.
    public func mapping(fileID: Int64) throws(CatalogError) -> MappingEntry? {
        var found: MappingEntry?
        try read { db in
            if let r = try Row.fetchOne(db, sql: """
                SELECT m.file_id, r.display_path, f.path, m.sha256, m.size, m.placement, m.target_path, m.archive_path, m.member,
                       m.rule, m.duplicate_of, m.detail, m.plan_id, m.run_id, m.method, m.current, m.target,
                       (SELECT json_group_array(DISTINCT x.raw) FROM refs x WHERE x.file_id = m.file_id)
                FROM mapping m JOIN files f ON f.id = m.file_id JOIN roots r ON r.id = f.root_id
                WHERE m.file_id = ? AND m.current = 1
                """, arguments: [fileID]) {
                found = try Catalog.mappingEntry(r)
            }
        }
        return found
    }

    static func mappingEntry(_ r: Row) throws -> MappingEntry {
        let kind: PlacementKind = try decoded(r[5], column: "mapping.placement")
        let placement: Placement
        switch kind {
        case .placed: placement = .placed(targetPath: r[6] ?? "")
        case .archived: placement = .archived(archivePath: r[7] ?? "", member: RawPath(bytes: [UInt8]((r[8] as Data?) ?? Data())))
        case .dropped: placement = .dropped(rule: r[9])
        case .duplicate: placement = .duplicate(of: r[10] ?? 0)
        case .pending: placement = .pending(reason: r[11] ?? "not placed yet")
        case .gone: placement = .gone
        }
        let path: Data = r[2]
        var spellings: [String] = []
        if let json: String = r[17], let data = json.data(using: .utf8),
           let list = try? JSONSerialization.jsonObject(with: data) as? [Any] {
            spellings = list.compactMap { $0 as? String }.sorted()
        }
        return MappingEntry(fileID: r[0], root: r[1], path: RawPath(bytes: [UInt8](path)),
                            sha256: (r[3] as String?).flatMap { ContentHash(hex: $0) }, size: r[4], placement: placement,
                            planID: r[12], runID: r[13], rule: r[9], method: r[14], spellings: spellings, current: r[15])
    }
}

/// A mapping row that the target's record does not back: a placed file attache does not own
/// there with that content, an archived file whose archive does not hold it, or a file not
/// placed yet.
public struct MappingGap: Sendable, Equatable {
    public var fileID: Int64
    /// The file as scanned (root and path, for people).
    public var source: String
    public var placement: PlacementKind
    /// Where the mapping says it is (a target path or an archive), or why it is pending.
    public var detail: String
}

extension Catalog {
    /// The current mapping rows of `target` the target's record does not back (at most `limit`).
    public func mappingGaps(target: String, limit: Int = 1000) throws(CatalogError) -> [MappingGap] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT m.file_id, r.display_path || '/' || f.display_path, m.placement,
                       COALESCE(m.target_path, m.archive_path, m.detail, '') FROM mapping m
                JOIN files f ON f.id = m.file_id JOIN roots r ON r.id = f.root_id
                LEFT JOIN target_items t ON t.target = m.target AND t.path = m.target_path AND t.kind = 'file'
                LEFT JOIN archive_members a ON a.target = m.target AND a.archive_path = m.archive_path AND a.member = m.member
                WHERE m.current = 1 AND m.target = ? AND (
                    m.placement = 'pending'
                 OR (m.placement = 'placed' AND (t.path IS NULL OR t.sha256 IS NOT m.sha256))
                 OR (m.placement = 'archived' AND a.member IS NULL))
                ORDER BY r.path, f.path LIMIT ?
                """, arguments: [target, limit]).map { r in
                MappingGap(fileID: r[0], source: r[1], placement: try Catalog.decoded(r[2], column: "mapping.placement"), detail: r[3])
            }
        }
    }

    /// The target of the latest apply run, if any.
    public func latestApplyTarget() throws(CatalogError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT target FROM apply_runs ORDER BY id DESC LIMIT 1") }
    }
}

/// Where the file a reference names is now: its current mapping row, with a duplicate's
/// references pointing at the copy that was placed instead.
public struct ReferenceLink: Sendable, Equatable {
    public var fileID: Int64?
    public var sha256: ContentHash?
    /// nil when the reference names no file, or the file was never applied.
    public var placement: PlacementKind?
    /// The kept file's path below the target root (for a duplicate: the kept copy's).
    public var targetPath: String?
    public var archivePath: String?
    public var member: RawPath?
    public var rule: String?
    public var duplicateOf: Int64?
}

extension Catalog {
    /// Every reference (sorted like `list refs`) with where its file is now: the link table
    /// the new system's importer reads.
    /// - Parameter kind: only references of this kind (`composed`: the paths built from
    /// columns, which an importer re-links from the table), or all.
    public func forEachReferenceLink(kind: ReferenceKind? = nil, _ body: (ReferenceRecord, ReferenceLink) throws -> Void) throws(CatalogError) {
        let k = Catalog.referenceColumns.split(separator: ",").count
        try read { db in
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT \(Catalog.referenceColumns), r.file_id, f.sha256, m.placement,
                       COALESCE(c.target_path, m.target_path), COALESCE(c.archive_path, m.archive_path), COALESCE(c.member, m.member),
                       m.rule, m.duplicate_of
                FROM refs r JOIN sources s ON s.id = r.source_id
                LEFT JOIN files f ON f.id = r.file_id LEFT JOIN roots ro ON ro.id = f.root_id
                LEFT JOIN mapping m ON m.file_id = r.file_id AND m.current = 1
                LEFT JOIN mapping c ON m.placement = 'duplicate' AND c.file_id = m.duplicate_of AND c.current = 1
                \(kind.map { "WHERE r.kind = '\($0.rawValue)'" } ?? "")
                ORDER BY s.name, r.record_key, r.column_name, r.span_start, r.id
                """)
            while let row = try cursor.next() {
                let member: Data? = row[k + 5]
                let link = ReferenceLink(
                    fileID: row[k], sha256: (row[k + 1] as String?).flatMap { ContentHash(hex: $0) },
                    placement: try (row[k + 2] as String?).map { try Catalog.decoded($0, column: "mapping.placement") },
                    targetPath: row[k + 3], archivePath: row[k + 4], member: member.map { RawPath(bytes: [UInt8]($0)) },
                    rule: row[k + 6], duplicateOf: row[k + 7])
                try body(try Catalog.referenceRecord(row), link)
            }
        }
    }
}
