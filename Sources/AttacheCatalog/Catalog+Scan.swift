import AttacheModel
import Foundation
import GRDB
import GRDBSQLite

/// A root as the catalog knows it.
public struct RootRecord: Sendable, Hashable {
    public var id: Int64
    public var path: RawPath
    public var aliases: [String]
    public var caseInsensitive: Bool
    public var lastScanRun: Int64?
    public var display: String { path.display }
}

/// What the catalog remembers about a path from earlier scans: enough to decide whether
/// the file must be read again.
public struct PriorFile: Sendable {
    public var id: Int64
    public var path: RawPath
    public var stat: FileStat
    public var status: FileStatus
    public var hasHash: Bool

    public init(id: Int64, path: RawPath, stat: FileStat, status: FileStatus, hasHash: Bool) {
        self.id = id
        self.path = path
        self.stat = stat
        self.status = status
        self.hasHash = hasHash
    }
}

/// A file's owner, written for a file the scan did not need to read again.
public struct OwnerUpdate: Sendable, Equatable {
    public var id: Int64
    public var uid: UInt32?
    public var gid: UInt32?
    public init(id: Int64, uid: UInt32?, gid: UInt32?) { self.id = id; self.uid = uid; self.gid = gid }
}

/// One file's new state, written by the scan (insert, or update of the row with the same root and path).
public struct FileUpdate: Sendable {
    public var rootID: Int64
    public var path: RawPath
    public var stat: FileStat
    public var sha256: ContentHash?
    public var mime: String?
    public var category: Category?
    public var extensionMismatch: Bool
    public var status: FileStatus
    public var problem: ProblemCode?
    public var problemDetail: String?

    public init(rootID: Int64, path: RawPath, stat: FileStat, sha256: ContentHash? = nil, mime: String? = nil,
                category: Category? = nil, extensionMismatch: Bool = false, status: FileStatus,
                problem: ProblemCode? = nil, problemDetail: String? = nil) {
        self.rootID = rootID; self.path = path; self.stat = stat; self.sha256 = sha256; self.mime = mime
        self.category = category; self.extensionMismatch = extensionMismatch; self.status = status
        self.problem = problem; self.problemDetail = problemDetail
    }
}

/// Counters of one scan run, stored in `scan_runs`.
public struct ScanCounts: Sendable, Equatable {
    public var seen = 0, new = 0, changed = 0, unchanged = 0, gone = 0, read = 0, excluded = 0, problems = 0
    public var bytesRead: Int64 = 0
    public init() {}
}

/// One scan run as recorded.
public struct ScanRunRecord: Sendable, Equatable {
    public var id: Int64
    public var startedAt: String
    public var finishedAt: String?
    public var status: RunStatus
    public var counts: ScanCounts
}

extension Catalog {
    /// Registers a root and returns its id. Aliases and the case rule are updated when given;
    /// nil keeps what the catalog has (empty and case-sensitive for a new root).
    public func registerRoot(path: RawPath, aliases: [String]?, caseInsensitive: Bool?) throws(CatalogError) -> Int64 {
        // Foundation's escaping (`/` as `\/`): the bytes JSONEncoder stored here before, so
        // registering a root again with the same aliases leaves its row as it was.
        let aliasJSON = aliases.map { a in JSONWriter.text(escaping: .foundation) { $0.value(array: a.map(FieldValue.text)) } }
        return try write { db in
            try db.execute(
                sql: "INSERT INTO roots (path, display_path) VALUES (?, ?) ON CONFLICT(path) DO NOTHING",
                arguments: [Data(path.bytes), path.display])
            if let aliasJSON {
                try db.execute(sql: "UPDATE roots SET aliases = ? WHERE path = ?", arguments: [aliasJSON, Data(path.bytes)])
            }
            if let caseInsensitive {
                try db.execute(sql: "UPDATE roots SET case_insensitive = ? WHERE path = ?", arguments: [caseInsensitive, Data(path.bytes)])
            }
            return try Int64.fetchOne(db, sql: "SELECT id FROM roots WHERE path = ?", arguments: [Data(path.bytes)])!
        }
    }

    /// Every registered root, by path.
    public func roots() throws(CatalogError) -> [RootRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, path, aliases, case_insensitive, last_scan_run FROM roots ORDER BY path")
                .map { row in
                    let aliasData = (row["aliases"] as String? ?? "[]").data(using: .utf8) ?? Data()
                    return RootRecord(
                        id: row["id"], path: RawPath(bytes: [UInt8](row["path"] as Data)),
                        aliases: (try? JSONDecoder().decode([String].self, from: aliasData)) ?? [],
                        caseInsensitive: row["case_insensitive"], lastScanRun: row["last_scan_run"])
                }
        }
    }

    /// Records the start of a scan and returns its run id.
    public func beginScanRun(rootIDs: [Int64], version: String) throws(CatalogError) -> Int64 {
        try write { db in
            try db.execute(
                sql: "INSERT INTO scan_runs (started_at, status, root_ids, attache_version) VALUES (?, '\(RunStatus.running.rawValue)', ?, ?)",
                arguments: [Catalog.now(), JSONWriter.text { $0.value(array: rootIDs.map(FieldValue.integer)) }, version])
            return db.lastInsertedRowID
        }
    }

    /// Drops the findings of these roots that the run did not confirm again (the problem is gone).
    /// Call only after a completed run: an interrupted one did not look everywhere.
    public func purgeStaleFindings(rootIDs: [Int64], runID: Int64) throws(CatalogError) {
        try write { db in
            for root in rootIDs {
                try db.execute(sql: "DELETE FROM findings WHERE root_id = ? AND last_run < ?", arguments: [root, runID])
            }
        }
    }

    /// Current findings of the given roots (all roots when empty), counted by code.
    public func findingCounts(rootIDs: [Int64] = []) throws(CatalogError) -> [ProblemCode: Int] {
        try read { db in
            let filter = rootIDs.isEmpty ? "" : "WHERE root_id IN (" + rootIDs.map(String.init).joined(separator: ",") + ")"
            var out: [ProblemCode: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT code, COUNT(*) FROM findings \(filter) GROUP BY code") {
                out[try StoredValue.decode(row[0] as String, column: "findings.code") as ProblemCode] = row[1]
            }
            return out
        }
    }

    /// Records how a scan run ended; a completed run also stamps the roots it scanned.
    public func finishScanRun(_ runID: Int64, rootIDs: [Int64], status: RunStatus, counts: ScanCounts) throws(CatalogError) {
        try write { db in
            if status == .completed {
                for root in rootIDs {
                    try db.execute(sql: "UPDATE roots SET last_scan_run = ? WHERE id = ?", arguments: [runID, root])
                }
            }
            try db.execute(
                sql: """
                    UPDATE scan_runs SET finished_at = ?, status = ?, files_seen = ?, files_new = ?, files_changed = ?,
                        files_unchanged = ?, files_gone = ?, files_read = ?, bytes_read = ?, excluded = ?, problems = ?
                    WHERE id = ?
                    """,
                arguments: [Catalog.now(), status.rawValue, counts.seen, counts.new, counts.changed, counts.unchanged,
                            counts.gone, counts.read, counts.bytesRead, counts.excluded, counts.problems, runID])
        }
    }

    /// The scan runs, newest first.
    public func scanRuns(limit: Int = 20) throws(CatalogError) -> [ScanRunRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM scan_runs ORDER BY id DESC LIMIT ?", arguments: [limit]).map { r in
                var c = ScanCounts()
                c.seen = r["files_seen"]; c.new = r["files_new"]; c.changed = r["files_changed"]
                c.unchanged = r["files_unchanged"]; c.gone = r["files_gone"]; c.read = r["files_read"]
                c.bytesRead = r["bytes_read"]; c.excluded = r["excluded"]; c.problems = r["problems"]
                return ScanRunRecord(id: r["id"], startedAt: r["started_at"], finishedAt: r["finished_at"],
                                     status: try StoredValue.decode(r["status"] as String, column: "scan_runs.status"), counts: c)
            }
        }
    }

    /// What the catalog knows of every path under a root (gone files included), in no order.
    public func priorFiles(rootID: Int64) throws(CatalogError) -> [PriorFile] {
        try read { db in
            var out: [PriorFile] = []
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM files WHERE root_id = ?", arguments: [rootID]) ?? 0
            out.reserveCapacity(count)
            // Read through the C API (a re-scan of 100,000 files spent more here, in GRDB's row
            // decoding and a Data copy per path, than in SQLite).
            let st = try db.makeStatement(sql: """
                SELECT id, path, kind, size, mtime_ns, ctime_ns, inode, device, mode, status, sha256 IS NOT NULL, uid, gid
                FROM files WHERE root_id = ?
                """)
            let h = st.sqliteStatement
            sqlite3_bind_int64(h, 1, rootID)
            let c = RawColumns(statement: h)
            while true {
                let rc = sqlite3_step(h)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(h))))
                }
                let stat = FileStat(
                    kind: try StoredValue.decode(c.text(2) ?? "", column: "files.kind"), size: c.int(3) ?? 0,
                    mtime: Timestamp(nanoseconds: c.int(4) ?? 0), ctime: Timestamp(nanoseconds: c.int(5) ?? 0),
                    key: FileKey(device: UInt64(bitPattern: c.int(7) ?? 0), inode: UInt64(bitPattern: c.int(6) ?? 0)),
                    mode: UInt32(truncatingIfNeeded: c.int(8) ?? 0),
                    uid: Catalog.owner(c.int(11)), gid: Catalog.owner(c.int(12)))
                out.append(PriorFile(
                    id: c.int(0) ?? 0, path: RawPath(bytes: c.blob(1) ?? []), stat: stat,
                    status: try StoredValue.decode(c.text(9) ?? "", column: "files.status"), hasHash: (c.int(10) ?? 0) != 0))
            }
            sqlite3_reset(h)
            return out
        }
    }

    /// Writes one batch of scan results in a single transaction: file rows (insert or
    /// update), findings (insert or confirm), rows to mark gone, and owners of unchanged files.
    public func applyScanBatch(runID: Int64, files: [FileUpdate], findings: [Finding], goneIDs: [Int64],
                               owners: [OwnerUpdate] = []) throws(CatalogError) {
        if files.isEmpty && findings.isEmpty && goneIDs.isEmpty && owners.isEmpty { return }
        try write { db in
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO files (root_id, path, display_path, kind, size, mtime_ns, ctime_ns, inode, device, mode,
                    sha256, mime, category, extension, extension_mismatch, status, problem, problem_detail,
                    first_seen_run, changed_run, gone_run, uid, gid)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)
                ON CONFLICT(root_id, path) DO UPDATE SET
                    kind = excluded.kind, size = excluded.size, mtime_ns = excluded.mtime_ns, ctime_ns = excluded.ctime_ns,
                    inode = excluded.inode, device = excluded.device, mode = excluded.mode, sha256 = excluded.sha256,
                    mime = excluded.mime, category = excluded.category, extension = excluded.extension,
                    extension_mismatch = excluded.extension_mismatch, status = excluded.status,
                    problem = excluded.problem, problem_detail = excluded.problem_detail,
                    changed_run = excluded.changed_run, gone_run = NULL, uid = excluded.uid, gid = excluded.gid
                """)
            for f in files {
                let args: [(any DatabaseValueConvertible)?] = [
                    f.rootID, Data(f.path.bytes), f.path.display, f.stat.kind.rawValue, f.stat.size,
                    f.stat.mtime.nanoseconds, f.stat.ctime.nanoseconds,
                    Int64(bitPattern: f.stat.key.inode), Int64(bitPattern: f.stat.key.device), Int64(f.stat.mode),
                    f.sha256?.hex, f.mime, f.category?.rawValue, f.path.fileExtension, f.extensionMismatch,
                    f.status.rawValue, f.problem?.rawValue, f.problemDetail, runID, runID,
                    f.stat.uid.map { Int64($0) }, f.stat.gid.map { Int64($0) },
                ]
                try upsert.execute(arguments: StatementArguments(args))
            }
            let finding = try db.cachedStatement(sql: """
                INSERT INTO findings (root_id, path, display_path, code, severity, detail, first_run, last_run)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(root_id, path, code) DO UPDATE SET
                    detail = excluded.detail, severity = excluded.severity, last_run = excluded.last_run
                """)
            for f in findings {
                try finding.execute(arguments: [
                    f.rootID, Data(f.path.bytes), f.path.display, f.code.rawValue, f.code.severity.rawValue,
                    f.detail, runID, runID,
                ])
            }
            let gone = try db.cachedStatement(sql: "UPDATE files SET status = '\(FileStatus.gone.rawValue)', gone_run = ? WHERE id = ?")
            for id in goneIDs { try gone.execute(arguments: [runID, id]) }
            let owner = try db.cachedStatement(sql: "UPDATE files SET uid = ?, gid = ? WHERE id = ?")
            for o in owners { try owner.execute(arguments: [o.uid.map { Int64($0) }, o.gid.map { Int64($0) }, o.id]) }
        }
    }

    static func now() -> String {
        Timestamp(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9)).iso8601
    }
}
