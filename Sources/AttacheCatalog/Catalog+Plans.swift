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

/// One stored decision, as listed and exported.
public struct DecisionRow: Sendable, Equatable {
    public var fileID: Int64
    public var action: String
    public var rule: String
    public var reason: String
    public var targetPath: String?
    public var archivePath: String?
    public var duplicateOf: Int64?
    public var notes: String
    public init(fileID: Int64, action: String, rule: String, reason: String, targetPath: String?, archivePath: String?,
                duplicateOf: Int64?, notes: String) {
        self.fileID = fileID; self.action = action; self.rule = rule; self.reason = reason; self.targetPath = targetPath
        self.archivePath = archivePath; self.duplicateOf = duplicateOf; self.notes = notes
    }
}

public struct PlanRecord: Sendable {
    public var id: Int64
    public var createdAt: String
    public var policyFile: String
    public var feasible: Bool
    public var summaryJSON: String
    public var warningsJSON: String
}

extension Catalog {
    /// Every present file (gone ones excluded) with its reference counts, by file id.
    ///
    /// The hot path of `attache plan` (one row per file: a million for a large share): columns
    /// are read with the SQLite C API on GRDB's prepared statement, and the texts most files
    /// share (the root, the MIME type) are made once.
    public func planningFacts() throws(CatalogError) -> [PlanningFacts] {
        try read { db in
            var sourceNames: [Int64: String] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT id, name FROM sources") { sourceNames[r[0]] = r[1] }
            var refs: [Int64: ReferenceFacts] = [:]
            let rc = try db.makeStatement(sql: """
                SELECT r.file_id, r.deleted, r.modified, r.source_id FROM refs r JOIN sources s ON s.id = r.source_id
                WHERE r.status = 'resolved' AND r.file_id IS NOT NULL
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
            var out: [PlanningFacts] = []
            out.reserveCapacity(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM files WHERE status <> 'gone'") ?? 0)
            var roots = TextCache()
            var mimes = TextCache()
            var rootID: Int64 = 0
            var rootPath = ""
            while try Catalog.step(h) {
                let id = sqlite3_column_int64(h, 0)
                let rid = sqlite3_column_int64(h, 1)
                if out.isEmpty || rid != rootID { rootID = rid; rootPath = roots.text(h, 2) ?? "" }
                let stat = FileStat(
                    kind: EntryKind(rawValue: Catalog.text(h, 4)) ?? .other, size: sqlite3_column_int64(h, 5),
                    mtime: Timestamp(nanoseconds: sqlite3_column_int64(h, 6)), ctime: Timestamp(nanoseconds: sqlite3_column_int64(h, 7)),
                    key: FileKey(device: UInt64(bitPattern: sqlite3_column_int64(h, 9)), inode: UInt64(bitPattern: sqlite3_column_int64(h, 8))),
                    mode: UInt32(truncatingIfNeeded: sqlite3_column_int64(h, 10)))
                let file = FileRecord(
                    id: id, rootID: rid, rootPath: rootPath, path: RawPath(bytes: Catalog.blob(h, 3)), stat: stat,
                    sha256: Catalog.contentHash(h, 11), mime: mimes.text(h, 12),
                    category: Catalog.optionalText(h, 13).flatMap(Category.init(rawValue:)), extensionMismatch: sqlite3_column_int64(h, 14) != 0,
                    status: FileStatus(rawValue: Catalog.text(h, 15)) ?? .unreadable,
                    problem: Catalog.optionalText(h, 16).flatMap(ProblemCode.init(rawValue:)), problemDetail: Catalog.optionalText(h, 17))
                let e = refs[id]
                var names: [String] = []
                if let e {
                    for s in e.sources { if let n = sourceNames[s], !names.contains(n) { names.append(n) } }
                    names.sort()
                }
                out.append(PlanningFacts(file: file, liveReferences: e?.live ?? 0, deletedReferences: e?.deleted ?? 0,
                                         newestModified: e?.modified ?? [], sources: names))
            }
            return out
        }
    }

    /// Stores a plan and its decisions in one transaction; returns the plan id.
    /// - Parameter afterEachRow: a test seam, called after each decision is written (inside the
    ///   transaction), so a test can kill the process while a plan is being stored.
    public func storePlan(policyFile: String, policyName: String?, feasible: Bool, summaryJSON: String, warningsJSON: String,
                          decisions: [DecisionRow], afterEachRow: (() -> Void)? = nil) throws(CatalogError) -> Int64 {
        try write { db in
            let scan = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM scan_runs")
            let refs = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM refs_runs WHERE status = 'completed'")
            try db.execute(sql: """
                INSERT INTO plans (created_at, policy_file, policy_name, scan_run, refs_run, feasible, summary, warnings)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [Catalog.now(), policyFile, policyName, scan, refs, feasible, summaryJSON, warningsJSON])
            let plan = db.lastInsertedRowID
            let st = try db.makeStatement(sql: """
                INSERT INTO decisions (plan_id, file_id, action, rule, reason, target_path, archive_path, duplicate_of, notes)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            // One row per file (a million for a large share): values are bound with the SQLite C
            // API, as `ReferenceWriter.add` does, skipping GRDB's per-value boxing.
            let h = st.sqliteStatement
            func text(_ i: Int32, _ v: String?) {
                if let v { v.withCString { _ = sqlite3_bind_text(h, i, $0, -1, sqliteTransient) } } else { sqlite3_bind_null(h, i) }
            }
            for d in decisions {
                sqlite3_reset(h)
                sqlite3_bind_int64(h, 1, plan)
                sqlite3_bind_int64(h, 2, d.fileID)
                text(3, d.action); text(4, d.rule); text(5, d.reason); text(6, d.targetPath); text(7, d.archivePath)
                if let dup = d.duplicateOf { sqlite3_bind_int64(h, 8, dup) } else { sqlite3_bind_null(h, 8) }
                text(9, d.notes)
                let rc = sqlite3_step(h)
                guard rc == SQLITE_DONE else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(h))))
                }
                afterEachRow?()
            }
            sqlite3_reset(h)
            return plan
        }
    }

    /// Compares a stored plan with new decisions (each file once) without loading the stored
    /// plan into memory: the stored rows are read in file-id order beside the new ones.
    /// Returns the files only in the new decisions and only in the stored plan (both by id),
    /// and the (stored, new) pairs whose action, target path or archive path differ in their
    /// bytes — callers that compare texts as Swift strings check these again.
    public func decisionChanges(plan: Int64, against new: [DecisionRow])
        throws(CatalogError) -> (added: [Int64], vanished: [Int64], changed: [(DecisionRow, DecisionRow)]) {
        var order = Array(new.indices)
        if !zip(new, new.dropFirst()).allSatisfy({ $0.fileID < $1.fileID }) {
            order.sort { new[$0].fileID < new[$1].fileID }
        }
        return try read { db in
            var added: [Int64] = [], vanished: [Int64] = [], changed: [(DecisionRow, DecisionRow)] = []
            let st = try db.makeStatement(sql: """
                SELECT file_id, action, target_path, archive_path, rule, reason, duplicate_of, notes
                FROM decisions WHERE plan_id = ? ORDER BY file_id
                """)
            let h = st.sqliteStatement
            sqlite3_bind_int64(h, 1, plan)
            var next = 0
            while try Catalog.step(h) {
                let id = sqlite3_column_int64(h, 0)
                while next < order.count && new[order[next]].fileID < id { added.append(new[order[next]].fileID); next += 1 }
                guard next < order.count, new[order[next]].fileID == id else { vanished.append(id); continue }
                let n = new[order[next]]
                next += 1
                if Catalog.same(h, 1, n.action) && Catalog.same(h, 2, n.targetPath) && Catalog.same(h, 3, n.archivePath) { continue }
                let old = DecisionRow(fileID: id, action: Catalog.text(h, 1), rule: Catalog.text(h, 4), reason: Catalog.text(h, 5),
                                      targetPath: Catalog.optionalText(h, 2), archivePath: Catalog.optionalText(h, 3),
                                      duplicateOf: sqlite3_column_type(h, 6) == SQLITE_NULL ? nil : sqlite3_column_int64(h, 6),
                                      notes: Catalog.text(h, 7))
                changed.append((old, n))
            }
            while next < order.count { added.append(new[order[next]].fileID); next += 1 }
            return (added, vanished, changed)
        }
    }

    /// The newest plans first.
    public func plans(limit: Int = 2) throws(CatalogError) -> [PlanRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, created_at, policy_file, feasible, summary, warnings FROM plans ORDER BY id DESC LIMIT ?",
                             arguments: [limit]).map {
                PlanRecord(id: $0[0], createdAt: $0[1], policyFile: $0[2], feasible: $0[3], summaryJSON: $0[4], warningsJSON: $0[5])
            }
        }
    }

    /// A plan's decisions by file id.
    public func decisions(plan: Int64) throws(CatalogError) -> [Int64: DecisionRow] {
        try read { db in
            var out: [Int64: DecisionRow] = [:]
            for r in try Row.fetchAll(db, sql: """
                SELECT file_id, action, rule, reason, target_path, archive_path, duplicate_of, notes FROM decisions WHERE plan_id = ?
                """, arguments: [plan]) {
                out[r[0]] = DecisionRow(fileID: r[0], action: r[1], rule: r[2], reason: r[3], targetPath: r[4], archivePath: r[5],
                                        duplicateOf: r[6], notes: r[7])
            }
            return out
        }
    }

    /// The business's overrides, by file id.
    public func overrides() throws(CatalogError) -> [(fileID: Int64, action: String, note: String?)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT file_id, action, note FROM overrides ORDER BY file_id").map { ($0[0], $0[1], $0[2]) }
        }
    }

    /// Replaces the stored overrides with a reviewed set (they persist across re-plans).
    public func replaceOverrides(_ items: [(fileID: Int64, action: String, note: String?)], from file: String) throws(CatalogError) {
        try write { db in
            try db.execute(sql: "DELETE FROM overrides")
            let st = try db.makeStatement(sql: "INSERT INTO overrides (file_id, action, note, set_at, from_file) VALUES (?, ?, ?, ?, ?)")
            for o in items { try st.execute(arguments: [o.fileID, o.action, o.note, Catalog.now(), file]) }
        }
    }

    /// Ids of every file present (for validating overrides).
    public func presentFileIDs() throws(CatalogError) -> Set<Int64> {
        try read { db in Set(try Int64.fetchAll(db, sql: "SELECT id FROM files WHERE status <> 'gone'")) }
    }
}

extension Catalog {
    /// For each file, the records whose resolved references point at it ("source key"), sorted.
    public func referencingRecords() throws(CatalogError) -> [Int64: [String]] {
        try read { db in
            var out: [Int64: [String]] = [:]
            let c = try Row.fetchCursor(db, sql: """
                SELECT r.file_id, s.name, r.record_key, r.deleted FROM refs r JOIN sources s ON s.id = r.source_id
                WHERE r.status = 'resolved' AND r.file_id IS NOT NULL ORDER BY r.file_id, s.name, r.record_key
                """)
            while let r = try c.next() {
                let label = "\(r[1] as String) \(r[2] as String)" + ((r[3] as Bool) ? " (deleted)" : "")
                if out[r[0], default: []].last != label { out[r[0], default: []].append(label) }
            }
            return out
        }
    }
}

extension Catalog {
    /// A file's decision in the latest plan, with that plan's policy file.
    public func latestDecision(fileID: Int64) throws(CatalogError) -> (policy: String, decision: DecisionRow)? {
        try read { db in
            guard let r = try Row.fetchOne(db, sql: """
                SELECT p.policy_file, d.file_id, d.action, d.rule, d.reason, d.target_path, d.archive_path, d.duplicate_of, d.notes
                FROM decisions d JOIN plans p ON p.id = d.plan_id
                WHERE d.plan_id = (SELECT MAX(id) FROM plans) AND d.file_id = ?
                """, arguments: [fileID]) else { return nil }
            return (r[0], DecisionRow(fileID: r[1], action: r[2], rule: r[3], reason: r[4], targetPath: r[5], archivePath: r[6],
                                      duplicateOf: r[7], notes: r[8]))
        }
    }

    /// Every decision of the latest plan with its file, sorted by root and path.
    public func forEachLatestDecision(_ body: (FileRecord, DecisionRow) throws -> Void) throws(CatalogError) {
        try read { db in
            let c = try Row.fetchCursor(db, sql: """
                SELECT \(Catalog.fileColumns), d.action, d.rule, d.reason, d.target_path, d.archive_path, d.duplicate_of, d.notes
                FROM decisions d JOIN files f ON f.id = d.file_id JOIN roots r ON r.id = f.root_id
                WHERE d.plan_id = (SELECT MAX(id) FROM plans) ORDER BY r.path, f.path
                """)
            while let row = try c.next() {
                let f = Catalog.fileRecord(row)
                try body(f, DecisionRow(fileID: f.id, action: row[18], rule: row[19], reason: row[20], targetPath: row[21],
                                        archivePath: row[22], duplicateOf: row[23], notes: row[24]))
            }
        }
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

// MARK: - How many plans the catalog keeps

extension Catalog {
    /// Plans kept: the newest, the one before it (what `--diff` compares with), and one more.
    public static let plansKept = 3

    /// Forgets every plan but the newest `keeping` (their decisions first, then the plans, in
    /// one transaction). Returns how many plans went.
    @discardableResult
    public func forgetOldPlans(keeping: Int) throws(CatalogError) -> Int {
        try write { db in
            let old = try Int64.fetchAll(db, sql: "SELECT id FROM plans ORDER BY id DESC LIMIT -1 OFFSET ?", arguments: [keeping])
            guard !old.isEmpty else { return 0 }
            let list = old.map(String.init).joined(separator: ",")
            try db.execute(sql: "DELETE FROM decisions WHERE plan_id IN (\(list))")
            try db.execute(sql: "DELETE FROM plans WHERE id IN (\(list))")
            return old.count
        }
    }

    /// Runs `body` on another thread with a connection of its own to this catalog: SQLite's
    /// WAL lets it read while this connection reads or writes, and writes wait for each other.
    /// Call `wait()` on the result before the process ends.
    public func inBackground<T: Sendable>(_ body: @escaping @Sendable (Catalog) throws(CatalogError) -> T) -> BackgroundWork<T> {
        let work = BackgroundWork<T>()
        let path = self.path
        work.group.enter()
        Thread.detachNewThread {
            defer { work.group.leave() }
            do throws(CatalogError) {
                work.result = .success(try body(try Catalog(path: path, mustExist: true)))
            } catch {
                work.result = .failure(error)
            }
        }
        return work
    }
}

/// Work a catalog does on another thread (`Catalog.inBackground`).
public final class BackgroundWork<T: Sendable>: @unchecked Sendable {
    let group = DispatchGroup()
    fileprivate var result: Result<T, CatalogError>?
    /// Waits for the work; its value or its error.
    public func wait() -> Result<T, CatalogError> {
        group.wait()
        return result ?? .failure(.sqlite(path: "", reason: "background work did not finish"))
    }
}
