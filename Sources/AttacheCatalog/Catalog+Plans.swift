import AttacheModel
import Foundation
import GRDB
import GRDBSQLite

/// One stored plan (a row of `plans`).
public struct PlanRecord: Sendable {
    public var id: Int64
    public var createdAt: String
    /// The policy file as the command was given it.
    public var policyFile: String
    /// The policy file's absolute path, so a later plan can use the same policy (nil for plans
    /// made before attache remembered it: migration `v6-plan-policy`).
    public var policyPath: String?
    public var feasible: Bool
    public var summaryJSON: String
    public var warningsJSON: String
}

extension Catalog {
    /// A stored raw value as its type; an unknown value is an error naming it.
    static func decoded<T: RawRepresentable & CaseIterable>(_ raw: String, column: String) throws -> T where T.RawValue == String {
        try StoredValue.decode(raw, column: column)
    }

    /// How many columns `fileColumns` selects (the decision's columns follow them).
    static let fileColumnCount = fileColumns.split(separator: ",").count

    /// The columns a `DecisionRow` is read from, in `decisionRow`'s order.
    static let decisionColumns = "d.file_id, d.action, d.rule, d.reason, d.target_path, d.archive_path, d.duplicate_of, d.notes"

    /// A `DecisionRow` from `decisionColumns` starting at column `at`.
    static func decisionRow(_ r: Row, at k: Int = 0) throws -> DecisionRow {
        DecisionRow(fileID: r[k], action: try decoded(r[k + 1], column: "decisions.action"), rule: r[k + 2], reason: r[k + 3],
                    targetPath: r[k + 4], archivePath: r[k + 5], duplicateOf: r[k + 6], notes: r[k + 7])
    }
}

extension Catalog {
    /// Stores a plan and its decisions in one transaction; returns the plan id.
    /// - Parameter policyPath: the policy file's absolute path, remembered for later plans.
    /// - Parameter cancel: checked every 64 decisions (and after each under the test seam):
    ///   when it asks to stop, the transaction is rolled back and nothing of the plan is stored.
    /// - Parameter afterEachRow: a test seam, called after each decision is written (inside the
    ///   transaction), so a test can kill the process while a plan is being stored.
    /// - Returns: the new plan's id, or nil when `cancel` stopped it (the catalog is unchanged).
    public func storePlan(policyFile: String, policyPath: String?, policyName: String?, summary: PlanSummary, warnings: [String],
                          decisions: [Decision], cancel: Cancellation? = nil,
                          afterEachRow: (() -> Void)? = nil) throws(CatalogError) -> Int64? {
        try storePlan(policyFile: policyFile, policyPath: policyPath, policyName: policyName, summary: summary, warnings: warnings,
                      count: decisions.count, chunk: { Array(decisions[$0]) }, cancel: cancel, afterEachRow: afterEachRow)
    }

    /// ``storePlan(policyFile:policyPath:policyName:summary:warnings:decisions:cancel:afterEachRow:)``
    /// with the `count` decisions asked a chunk at a time (`chunk(range)` gives them in order),
    /// so the caller makes each chunk only when it is written and never holds them all.
    public func storePlan(policyFile: String, policyPath: String?, policyName: String?, summary: PlanSummary, warnings: [String],
                          count: Int, chunk: (Range<Int>) -> [Decision], chunkSize: Int = 32_768, cancel: Cancellation? = nil,
                          afterEachRow: (() -> Void)? = nil) throws(CatalogError) -> Int64? {
        let warningsJSON = JSONWriter.text { $0.value(array: warnings.map(FieldValue.text)) }
        // Set when the stop came from `cancel`, so the rollback is not reported as an error.
        var stopped = false
        struct Stopped: Error {}
        do {
            return try write { db in
                let scan = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM scan_runs")
                let refs = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM refs_runs WHERE status = '\(RunStatus.completed.rawValue)'")
                try db.execute(sql: """
                    INSERT INTO plans (created_at, policy_file, policy_path, policy_name, scan_run, refs_run, feasible, summary, warnings)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [Catalog.now(), policyFile, policyPath, policyName, scan, refs, summary.feasible, summary.jsonText,
                                     warningsJSON])
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
                var stored = 0
                func store(_ d: Decision) throws {
                    sqlite3_reset(h)
                    sqlite3_bind_int64(h, 1, plan)
                    sqlite3_bind_int64(h, 2, d.fileID)
                    text(3, d.action.rawValue); text(4, d.rule); text(5, d.reason); text(6, d.targetPath); text(7, d.archivePath)
                    if let dup = d.duplicateOf { sqlite3_bind_int64(h, 8, dup) } else { sqlite3_bind_null(h, 8) }
                    text(9, DecisionRow.joinedNotes(d.notes))
                    let rc = sqlite3_step(h)
                    guard rc == SQLITE_DONE else {
                        throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(h))))
                    }
                    afterEachRow?()
                    stored += 1
                    // Every 64 rows: a lock per row would cost a measurable share of a million-row store.
                    if let cancel, afterEachRow != nil || stored & 63 == 0, cancel.isCancelled {
                        stopped = true
                        sqlite3_reset(h)
                        throw Stopped()
                    }
                }
                var lo = 0
                while lo < count {
                    let hi = Swift.min(count, lo + Swift.max(1, chunkSize))
                    for d in chunk(lo..<hi) { try store(d) }
                    lo = hi
                }
                sqlite3_reset(h)
                return plan
            }
        } catch {
            if stopped { return nil }
            throw error
        }
    }

    /// Compares a stored plan with new decisions (each file once) without loading the stored
    /// plan into memory: the stored rows are read in file-id order beside the new ones.
    /// Returns the files only in the new decisions and only in the stored plan (both by id),
    /// and the (stored, new) pairs whose action, target path or archive path differ in their
    /// bytes — callers that compare texts as Swift strings check these again.
    public func decisionChanges(plan: Int64, against new: [Decision])
        throws(CatalogError) -> (added: [Int64], vanished: [Int64], changed: [(DecisionRow, DecisionRow)]) {
        try decisionChanges(plan: plan, count: new.count, movement: { new[$0] }, decision: { new[$0] })
    }

    /// ``decisionChanges(plan:against:)`` with the `count` new decisions asked one at a time:
    /// `movement(i)` needs only the file id, action and paths right (it is asked for every
    /// decision); `decision(i)`, the whole decision, is asked only for those that changed.
    public func decisionChanges(plan: Int64, count: Int, movement: (Int) -> Decision, decision: (Int) -> Decision)
        throws(CatalogError) -> (added: [Int64], vanished: [Int64], changed: [(DecisionRow, DecisionRow)]) {
        var ids: [Int64] = []
        ids.reserveCapacity(count)
        for i in 0..<count { ids.append(movement(i).fileID) }
        var order = Array(ids.indices)
        if !zip(ids, ids.dropFirst()).allSatisfy({ $0 < $1 }) {
            order.sort { ids[$0] < ids[$1] }
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
                while next < order.count && ids[order[next]] < id { added.append(ids[order[next]]); next += 1 }
                guard next < order.count, ids[order[next]] == id else { vanished.append(id); continue }
                let k = order[next]
                let n = movement(k)
                next += 1
                if Catalog.same(h, 1, n.action.rawValue) && Catalog.same(h, 2, n.targetPath) && Catalog.same(h, 3, n.archivePath) { continue }
                let old = DecisionRow(fileID: id, action: try Catalog.decoded(Catalog.text(h, 1), column: "decisions.action"),
                                      rule: Catalog.text(h, 4), reason: Catalog.text(h, 5),
                                      targetPath: Catalog.optionalText(h, 2), archivePath: Catalog.optionalText(h, 3),
                                      duplicateOf: sqlite3_column_type(h, 6) == SQLITE_NULL ? nil : sqlite3_column_int64(h, 6),
                                      notes: Catalog.text(h, 7))
                changed.append((old, DecisionRow(decision(k))))
            }
            while next < order.count { added.append(ids[order[next]]); next += 1 }
            return (added, vanished, changed)
        }
    }

    /// The newest plans first.
    public func plans(limit: Int = 2) throws(CatalogError) -> [PlanRecord] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, created_at, policy_file, policy_path, feasible, summary, warnings FROM plans ORDER BY id DESC LIMIT ?
                """, arguments: [limit]).map {
                PlanRecord(id: $0[0], createdAt: $0[1], policyFile: $0[2], policyPath: $0[3], feasible: $0[4], summaryJSON: $0[5],
                           warningsJSON: $0[6])
            }
        }
    }

    /// A plan's decisions by file id.
    public func decisions(plan: Int64) throws(CatalogError) -> [Int64: DecisionRow] {
        try read { db in
            var out: [Int64: DecisionRow] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT \(Catalog.decisionColumns) FROM decisions d WHERE d.plan_id = ?",
                                      arguments: [plan]) {
                let d = try Catalog.decisionRow(r)
                out[d.fileID] = d
            }
            return out
        }
    }

    /// The business's overrides, by file id.
    public func overrides() throws(CatalogError) -> [Override] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT file_id, action, note FROM overrides ORDER BY file_id").map {
                Override(fileID: $0[0], action: try Catalog.decoded($0[1], column: "overrides.action"), note: $0[2])
            }
        }
    }

    /// Replaces the stored overrides with a reviewed set (they persist across re-plans).
    public func replaceOverrides(_ items: [Override], from file: String) throws(CatalogError) {
        try write { db in
            try db.execute(sql: "DELETE FROM overrides")
            let st = try db.makeStatement(sql: "INSERT INTO overrides (file_id, action, note, set_at, from_file) VALUES (?, ?, ?, ?, ?)")
            for o in items { try st.execute(arguments: [o.fileID, o.action.rawValue, o.note, Catalog.now(), file]) }
        }
    }

    /// Ids of every file present (for validating overrides).
    public func presentFileIDs() throws(CatalogError) -> Set<Int64> {
        try read { db in Set(try Int64.fetchAll(db, sql: "SELECT id FROM files WHERE status <> 'gone'")) }
    }
}

/// The references that name one file, as the review spreadsheet and `attache explain` count
/// them: every reference whose path names the file (`refs.file_id`), from live and deleted
/// records alike, resolved or naming a file that cannot be moved (a symlink, an unreadable
/// file). `list orphans` and the planner's `referenced` look at resolved references only.
public struct FileReferences: Sendable, Equatable {
    /// How many references name the file (one record may hold several).
    public var count = 0
    /// The records that hold them, "source key" (" (deleted)" for a soft-deleted record), sorted.
    public var records: [String] = []
    public init(count: Int = 0, records: [String] = []) { self.count = count; self.records = records }
}

extension Catalog {
    /// Which references name a file (``FileReferences``): the one definition the review
    /// spreadsheet and `attache explain` share.
    static let namesFile = "r.file_id IS NOT NULL"

    /// For each file some reference names, those references (``FileReferences``).
    public func fileReferences() throws(CatalogError) -> [Int64: FileReferences] {
        try read { db in
            var out: [Int64: FileReferences] = [:]
            let c = try Row.fetchCursor(db, sql: """
                SELECT r.file_id, s.name, r.record_key, r.deleted FROM refs r JOIN sources s ON s.id = r.source_id
                WHERE \(Catalog.namesFile) ORDER BY r.file_id, s.name, r.record_key
                """)
            while let r = try c.next() {
                let label = "\(r[1] as String) \(r[2] as String)" + ((r[3] as Bool) ? " (deleted)" : "")
                let id: Int64 = r[0]
                out[id, default: FileReferences()].count += 1
                if out[id]!.records.last != label { out[id]!.records.append(label) }
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
                SELECT p.policy_file, \(Catalog.decisionColumns)
                FROM decisions d JOIN plans p ON p.id = d.plan_id
                WHERE d.plan_id = (SELECT MAX(id) FROM plans) AND d.file_id = ?
                """, arguments: [fileID]) else { return nil }
            return (r[0], try Catalog.decisionRow(r, at: 1))
        }
    }

    /// Every decision of the latest plan with its file, sorted by root and path.
    public func forEachLatestDecision(_ body: (FileRecord, DecisionRow) throws -> Void) throws(CatalogError) {
        try read { db in
            let c = try Row.fetchCursor(db, sql: """
                SELECT \(Catalog.fileColumns), \(Catalog.decisionColumns)
                FROM decisions d JOIN files f ON f.id = d.file_id JOIN roots r ON r.id = f.root_id
                WHERE d.plan_id = (SELECT MAX(id) FROM plans) ORDER BY r.path, f.path
                """)
            while let row = try c.next() {
                try body(try Catalog.fileRecord(row), try Catalog.decisionRow(row, at: Catalog.fileColumnCount))
            }
        }
    }
}
