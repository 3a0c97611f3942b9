import AttacheModel
import Foundation
import GRDB

/// One row of a breakdown (by category, year, folder…): a label, how many files, how many bytes.
public struct Tally: Sendable, Equatable {
    public var label: String
    public var files: Int
    public var bytes: Int64
    public init(label: String, files: Int, bytes: Int64) { self.label = label; self.files = files; self.bytes = bytes }
}

/// A set of files with the same content (same SHA-256, non-empty).
public struct DuplicateGroup: Sendable {
    public var sha256: ContentHash
    public var size: Int64
    public var files: [FileRecord]
    /// Bytes freed if one copy were kept: size × (copies − 1).
    public var reclaimable: Int64 { size * Int64(max(0, files.count - 1)) }
}

/// A recorded problem, as listed.
public struct FindingRecord: Sendable, Equatable {
    public var rootPath: String
    public var path: RawPath
    public var code: ProblemCode
    public var detail: String
    public var firstRun: Int64
    public var lastRun: Int64
}

/// The inventory in numbers: what `attache report` summarises.
public struct InventorySummary: Sendable {
    public var roots: [RootRecord]
    public var lastRun: ScanRunRecord?
    /// Files present (every status but gone), by status.
    public var byStatus: [Tally]
    public var presentFiles: Int
    public var presentBytes: Int64
    public var byCategory: [Tally]
    public var byYear: [Tally]
    /// "root display path ▸ top folder" → files and bytes; files directly in a root count as "(root)".
    public var byTopFolder: [Tally]
    public var extensionMismatches: Int
    public var duplicateGroups: Int
    public var duplicateFiles: Int
    public var reclaimableBytes: Int64
    public var problems: [ProblemCode: Int]
}

/// Which files a listing includes.
public enum FileFilter: Sendable {
    /// Every file present now (gone ones excluded).
    case present
    /// Every row, gone ones included (history).
    case all
}

extension Catalog {
    static let fileColumns = """
        f.id, f.root_id, r.display_path, f.path, f.kind, f.size, f.mtime_ns, f.ctime_ns, f.inode, f.device, f.mode,
        f.sha256, f.mime, f.category, f.extension_mismatch, f.status, f.problem, f.problem_detail
        """

    /// The stat columns `kind, size, mtime_ns, ctime_ns, inode, device, mode`, starting at `i`.
    static func fileStat(_ r: Row, at i: Int) throws -> FileStat {
        FileStat(
            kind: try StoredValue.decode(r[i] as String, column: "files.kind"), size: r[i + 1],
            mtime: Timestamp(nanoseconds: r[i + 2]), ctime: Timestamp(nanoseconds: r[i + 3]),
            key: FileKey(device: UInt64(bitPattern: r[i + 5]), inode: UInt64(bitPattern: r[i + 4])),
            mode: UInt32(truncatingIfNeeded: r[i + 6] as Int64))
    }

    /// A uid or gid column: NULL (not recorded yet) is nil.
    static func owner(_ v: Int64?) -> UInt32? { v.map { UInt32(truncatingIfNeeded: $0) } }

    static func fileRecord(_ r: Row) throws -> FileRecord {
        let path: Data = r[3]
        let stat = try fileStat(r, at: 4)
        return FileRecord(
            id: r[0], rootID: r[1], rootPath: r[2], path: RawPath(bytes: [UInt8](path)), stat: stat,
            sha256: (r[11] as String?).flatMap { ContentHash(hex: $0) }, mime: r[12],
            category: try StoredValue.decode(r[13] as String?, column: "files.category"), extensionMismatch: r[14],
            status: try StoredValue.decode(r[15] as String, column: "files.status"), problem: try StoredValue.decode(r[16] as String?, column: "files.problem"),
            problemDetail: r[17])
    }

    /// Calls `body` for each file, sorted by root path then path bytes, without holding them all in memory.
    public func forEachFile(_ filter: FileFilter = .present, _ body: (FileRecord) throws -> Void) throws(CatalogError) {
        let whereClause = filter == .present ? "WHERE f.status <> '\(FileStatus.gone.rawValue)'" : ""
        try read { db in
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT \(Catalog.fileColumns), f.uid, f.gid FROM files f JOIN roots r ON r.id = f.root_id
                \(whereClause) ORDER BY r.path, f.path
                """)
            while let row = try cursor.next() {
                var f = try Catalog.fileRecord(row)
                f.stat.uid = Catalog.owner(row[18])
                f.stat.gid = Catalog.owner(row[19])
                try body(f)
            }
        }
    }

    /// The files with these ids, gone ones included (a plan's diff names files that vanished).
    public func files(ids: [Int64]) throws(CatalogError) -> [Int64: FileRecord] {
        guard !ids.isEmpty else { return [:] }
        return try read { db in
            var out: [Int64: FileRecord] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 500) {
                let list = ids[chunk..<min(chunk + 500, ids.count)].map(String.init).joined(separator: ",")
                for row in try Row.fetchAll(db, sql: """
                    SELECT \(Catalog.fileColumns) FROM files f JOIN roots r ON r.id = f.root_id WHERE f.id IN (\(list))
                    """) {
                    let f = try Catalog.fileRecord(row)
                    out[f.id] = f
                }
            }
            return out
        }
    }

    /// The `limit` largest present files, largest first (ties by path).
    public func largestFiles(limit: Int) throws(CatalogError) -> [FileRecord] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Catalog.fileColumns) FROM files f JOIN roots r ON r.id = f.root_id
                WHERE f.status <> '\(FileStatus.gone.rawValue)' AND f.kind = '\(EntryKind.regular.rawValue)' ORDER BY f.size DESC, r.path, f.path LIMIT ?
                """, arguments: [limit]).map(Catalog.fileRecord)
        }
    }

    /// Groups of present, readable, non-empty files with the same content: most reclaimable
    /// bytes first, then by hash; the files of a group by root and path.
    public func duplicateGroups(limit: Int? = nil) throws(CatalogError) -> [DuplicateGroup] {
        try read { db in
            let limitClause = limit.map { " LIMIT \($0)" } ?? ""
            let rows = try Row.fetchAll(db, sql: """
                SELECT sha256, size, COUNT(*) AS n FROM files
                WHERE status = '\(FileStatus.ok.rawValue)' AND sha256 IS NOT NULL AND size > 0
                GROUP BY sha256 HAVING n > 1 ORDER BY size * (n - 1) DESC, sha256\(limitClause)
                """)
            let members = try db.cachedStatement(sql: """
                SELECT \(Catalog.fileColumns) FROM files f JOIN roots r ON r.id = f.root_id
                WHERE f.sha256 = ? AND f.status = '\(FileStatus.ok.rawValue)' ORDER BY r.path, f.path
                """)
            return try rows.map { row in
                let hex: String = row[0]
                let files = try Row.fetchAll(members, arguments: [hex]).map(Catalog.fileRecord)
                return DuplicateGroup(sha256: ContentHash(hex: hex)!, size: row[1], files: files)
            }
        }
    }

    /// Every current finding, sorted by root, path and code.
    public func findings() throws(CatalogError) -> [FindingRecord] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.display_path, f.path, f.code, f.detail, f.first_run, f.last_run
                FROM findings f JOIN roots r ON r.id = f.root_id ORDER BY r.path, f.path, f.code
                """).map { row in
                FindingRecord(rootPath: row[0], path: RawPath(bytes: [UInt8](row[1] as Data)),
                              code: try StoredValue.decode(row[2] as String, column: "findings.code"),
                                     detail: row[3], firstRun: row[4], lastRun: row[5])
            }
        }
    }

    /// Totals and breakdowns for the report.
    public func inventorySummary() throws(CatalogError) -> InventorySummary {
        let roots = try self.roots()
        let lastRun = try scanRuns(limit: 1).first
        let problems = try findingCounts()
        return try read { db in
            func tallies(_ sql: String) throws -> [Tally] {
                try Row.fetchAll(db, sql: sql).map { Tally(label: $0[0] ?? "?", files: $0[1], bytes: $0[2] ?? 0) }
            }
            let byStatus = try tallies("SELECT status, COUNT(*), SUM(size) FROM files WHERE status <> '\(FileStatus.gone.rawValue)' GROUP BY status ORDER BY status")
            let byCategory = try tallies("""
                SELECT COALESCE(category, '(not read)'), COUNT(*), SUM(size) FROM files
                WHERE status <> '\(FileStatus.gone.rawValue)' AND kind = '\(EntryKind.regular.rawValue)' GROUP BY 1 ORDER BY 3 DESC, 1
                """)
            let byYear = try tallies("""
                SELECT strftime('%Y', mtime_ns / 1000000000, 'unixepoch'), COUNT(*), SUM(size) FROM files
                WHERE status <> '\(FileStatus.gone.rawValue)' AND kind = '\(EntryKind.regular.rawValue)' GROUP BY 1 ORDER BY 1
                """)
            let byTop = try tallies("""
                SELECT r.display_path || ' ▸ ' || CASE WHEN instr(f.display_path, '/') > 0
                       THEN substr(f.display_path, 1, instr(f.display_path, '/') - 1) ELSE '(root)' END,
                       COUNT(*), SUM(f.size)
                FROM files f JOIN roots r ON r.id = f.root_id
                WHERE f.status <> '\(FileStatus.gone.rawValue)' AND f.kind = '\(EntryKind.regular.rawValue)' GROUP BY 1 ORDER BY 3 DESC, 1
                """)
            let present = try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM files WHERE status <> '\(FileStatus.gone.rawValue)'")!
            let mismatches = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM files WHERE status = '\(FileStatus.ok.rawValue)' AND extension_mismatch = 1") ?? 0
            let dup = try Row.fetchOne(db, sql: """
                SELECT COUNT(*), COALESCE(SUM(n), 0), COALESCE(SUM(size * (n - 1)), 0) FROM (
                    SELECT size, COUNT(*) AS n FROM files WHERE status = '\(FileStatus.ok.rawValue)' AND sha256 IS NOT NULL AND size > 0
                    GROUP BY sha256 HAVING n > 1)
                """)!
            return InventorySummary(
                roots: roots, lastRun: lastRun, byStatus: byStatus, presentFiles: present[0], presentBytes: present[1],
                byCategory: byCategory, byYear: byYear, byTopFolder: byTop, extensionMismatches: mismatches,
                duplicateGroups: dup[0], duplicateFiles: dup[1], reclaimableBytes: dup[2], problems: problems)
        }
    }
}
