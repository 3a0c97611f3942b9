import AttacheModel
import Foundation
import GRDB

// What apply has to do, read from the plan's decisions joined with what attache already owns
// in the target. Everything is read in pages (keyset pagination) so that memory stays flat in
// the number of files, and no read transaction is held while apply writes its journal.

/// A file the plan keeps, with what attache owns at its target path now.
public struct KeepItem: Sendable, Equatable {
    public var fileID: Int64
    /// The file as scanned: its root's absolute path joined with its path.
    public var source: RawPath
    public var targetPath: String
    public var size: Int64
    public var mtime: Timestamp
    public var sha256: ContentHash?
    public var owned: OwnedItem?

    /// Whether the target already holds exactly this file at its path (written by attache).
    public var isInPlace: Bool {
        guard let owned, owned.kind == .file, let sha256, let have = owned.sha256 else { return false }
        return have == sha256 && owned.size == size
    }
}

/// One archive volume the plan wants, with what attache owns at its path now.
public struct ArchiveVolumeWork: Sendable, Equatable {
    public var path: String
    public var members: Int
    /// The members' input bytes.
    public var bytes: Int64
    public var owned: OwnedItem?
}

/// A file the plan archives.
public struct ArchiveItem: Sendable, Equatable {
    public var fileID: Int64
    public var rootID: Int64
    public var source: RawPath
    /// Its path below its root (the member name is made from it).
    public var path: RawPath
    public var size: Int64
    public var mtime: Timestamp
    public var sha256: ContentHash?
    public var category: String?
}

extension Catalog {
    /// The plan's kept files whose target path sorts after `after`, at most `limit`, by target path.
    public func keepItems(plan: Int64, target: String, after: String?, limit: Int) throws(CatalogError) -> [KeepItem] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.file_id, r.path, f.path, d.target_path, f.size, f.mtime_ns, f.sha256, \(Catalog.ownedColumnsT)
                FROM decisions d INDEXED BY decisions_by_target JOIN files f ON f.id = d.file_id JOIN roots r ON r.id = f.root_id
                LEFT JOIN target_items t ON t.target = ? AND t.path = d.target_path
                WHERE d.plan_id = ? AND d.action = '\(DecisionAction.keep.rawValue)' AND d.target_path IS NOT NULL
                  AND d.target_path > ?
                ORDER BY d.target_path LIMIT ?
                """, arguments: [target, plan, after ?? "", limit]).map { r in
                KeepItem(fileID: r[0], source: Catalog.join(r[1], r[2]), targetPath: r[3], size: r[4],
                         mtime: Timestamp(nanoseconds: r[5]), sha256: (r[6] as String?).flatMap { ContentHash(hex: $0) },
                         owned: r.hasNull(atIndex: 7) ? nil : try Catalog.ownedItem(r, at: 7))
            }
        }
    }

    /// The archive volumes of a plan, by path, with their member counts and input bytes.
    public func archiveVolumes(plan: Int64, target: String) throws(CatalogError) -> [ArchiveVolumeWork] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT v.archive_path, v.members, v.bytes, \(Catalog.ownedColumnsT) FROM (
                    SELECT d.archive_path, COUNT(*) AS members, COALESCE(SUM(f.size), 0) AS bytes
                    FROM decisions d JOIN files f ON f.id = d.file_id
                    WHERE d.plan_id = ? AND d.action = '\(DecisionAction.archive.rawValue)' AND d.archive_path IS NOT NULL
                    GROUP BY d.archive_path) v
                LEFT JOIN target_items t ON t.target = ? AND t.path = v.archive_path
                ORDER BY v.archive_path
                """, arguments: [plan, target]).map { r in
                ArchiveVolumeWork(path: r[0], members: r[1], bytes: r[2],
                                  owned: r.hasNull(atIndex: 3) ? nil : try Catalog.ownedItem(r, at: 3))
            }
        }
    }

    /// The files of one archive volume, by root and path.
    public func archiveItems(plan: Int64, archive: String) throws(CatalogError) -> [ArchiveItem] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.file_id, f.root_id, r.path, f.path, f.size, f.mtime_ns, f.sha256, f.category
                FROM decisions d INDEXED BY decisions_by_archive JOIN files f ON f.id = d.file_id JOIN roots r ON r.id = f.root_id
                WHERE d.plan_id = ? AND d.action = '\(DecisionAction.archive.rawValue)' AND d.archive_path = ?
                ORDER BY r.path, f.path
                """, arguments: [plan, archive]).map { r in
                let path: Data = r[3]
                return ArchiveItem(fileID: r[0], rootID: r[1], source: Catalog.join(r[2], path), path: RawPath(bytes: [UInt8](path)),
                                   size: r[4], mtime: Timestamp(nanoseconds: r[5]),
                                   sha256: (r[6] as String?).flatMap { ContentHash(hex: $0) }, category: r[7])
            }
        }
    }

    /// What attache owns in `target` that the plan no longer wants there (neither a kept
    /// file's path nor an archive's), by path.
    public func strayOwnedItems(plan: Int64, target: String) throws(CatalogError) -> [OwnedItem] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Catalog.ownedColumns) FROM target_items t WHERE t.target = ?
                AND NOT EXISTS (SELECT 1 FROM decisions d INDEXED BY decisions_by_target WHERE d.plan_id = ? AND d.target_path = t.path
                                AND d.action = '\(DecisionAction.keep.rawValue)')
                AND NOT EXISTS (SELECT 1 FROM decisions d INDEXED BY decisions_by_archive WHERE d.plan_id = ? AND d.archive_path = t.path
                                AND d.action = '\(DecisionAction.archive.rawValue)')
                ORDER BY t.path
                """, arguments: [target, plan, plan]).map(Catalog.ownedItem)
        }
    }

    /// The plan's unmovable files (dropped with rule "unmovable"): listed by apply, never lost silently.
    public func unmovableFiles(plan: Int64) throws(CatalogError) -> [(fileID: Int64, path: String, reason: String)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.file_id, r.display_path || '/' || f.display_path, d.reason
                FROM decisions d JOIN files f ON f.id = d.file_id JOIN roots r ON r.id = f.root_id
                WHERE d.plan_id = ? AND d.rule = 'unmovable' ORDER BY r.path, f.path
                """, arguments: [plan]).map { ($0[0], $0[1], $0[2]) }
        }
    }

    /// The scan run a plan was made after, and the latest scan run (a plan older than the
    /// latest scan must be made again before it is applied).
    public func planScanRuns(plan: Int64) throws(CatalogError) -> (plan: Int64?, latest: Int64?) {
        try read { db in
            let p = try Int64.fetchOne(db, sql: "SELECT scan_run FROM plans WHERE id = ?", arguments: [plan])
            let l = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM scan_runs")
            return (p, l)
        }
    }

    /// The completed references run a plan was made after, and the latest completed one (a
    /// plan older than the latest references run decided on references that changed).
    public func planRefsRuns(plan: Int64) throws(CatalogError) -> (plan: Int64?, latest: Int64?) {
        try read { db in
            let p = try Int64.fetchOne(db, sql: "SELECT refs_run FROM plans WHERE id = ?", arguments: [plan])
            let l = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM refs_runs WHERE status = '\(RunStatus.completed.rawValue)'")
            return (p, l)
        }
    }

    /// The target_items columns with the table alias `t`, for joins.
    static let ownedColumnsT = "t.path, t.kind, t.file_id, t.sha256, t.size, t.content_key, t.method, t.run_id, t.plan_id"

    /// A root's path joined with a path below it.
    static func join(_ root: Data, _ path: Data) -> RawPath {
        var bytes = [UInt8](root)
        if bytes.last != UInt8(ascii: "/") { bytes.append(UInt8(ascii: "/")) }
        bytes += path
        return RawPath(bytes: bytes)
    }
}
