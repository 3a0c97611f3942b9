import AttacheModel
import Foundation
import GRDB

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
    public func planningFacts() throws(CatalogError) -> [PlanningFacts] {
        try read { db in
            var refs: [Int64: (live: Int, deleted: Int, modified: [String], sources: Set<String>)] = [:]
            let rc = try Row.fetchCursor(db, sql: """
                SELECT r.file_id, r.deleted, r.modified, s.name FROM refs r JOIN sources s ON s.id = r.source_id
                WHERE r.status = 'resolved' AND r.file_id IS NOT NULL
                """)
            while let r = try rc.next() {
                let id: Int64 = r[0]
                var e = refs[id] ?? (0, 0, [], [])
                if r[1] as Bool { e.deleted += 1 } else { e.live += 1 }
                if let m = r[2] as String?, !m.isEmpty { e.modified.append(m) }
                e.sources.insert(r[3])
                refs[id] = e
            }
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT \(Catalog.fileColumns) FROM files f JOIN roots r ON r.id = f.root_id
                WHERE f.status <> 'gone' ORDER BY f.id
                """)
            var out: [PlanningFacts] = []
            while let row = try cursor.next() {
                let f = Catalog.fileRecord(row)
                let e = refs[f.id]
                out.append(PlanningFacts(file: f, liveReferences: e?.live ?? 0, deletedReferences: e?.deleted ?? 0,
                                         newestModified: e?.modified ?? [], sources: (e?.sources ?? []).sorted()))
            }
            return out
        }
    }

    /// Stores a plan and its decisions in one transaction; returns the plan id.
    public func storePlan(policyFile: String, policyName: String?, feasible: Bool, summaryJSON: String, warningsJSON: String,
                          decisions: [DecisionRow]) throws(CatalogError) -> Int64 {
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
            for d in decisions {
                try st.execute(arguments: [plan, d.fileID, d.action, d.rule, d.reason, d.targetPath, d.archivePath, d.duplicateOf, d.notes])
            }
            return plan
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
