import AttacheModel
import Foundation
import GRDB

// The apply stage's bookkeeping (migration v7-apply): its runs, the journal of every step
// (written before and after the step happens), and what attache owns in a target
// (`target_items`, `archive_members`) — the only things a later apply may replace or remove.

/// One apply run (a row of `apply_runs`).
public struct ApplyRunRecord: Sendable, Equatable {
    public var id: Int64
    public var planID: Int64
    public var target: String
    public var startedAt: String
    public var finishedAt: String?
    public var status: RunStatus
    public var countsJSON: String
    public var detail: String?
}

/// What kind of thing attache wrote at a target path.
public enum OwnedKind: String, Sendable, CaseIterable {
    case file, archive
}

/// Something attache wrote in a target and owns (a row of `target_items`).
public struct OwnedItem: Sendable, Equatable {
    public var path: String
    public var kind: OwnedKind
    public var fileID: Int64?
    /// nil when the content is unknown: a file found at a path a crashed run had claimed.
    public var sha256: ContentHash?
    public var size: Int64
    /// An archive: the digest of its members and format (``ArchiveContentKey``).
    public var contentKey: String?
    /// copy, reflink, hardlink or archive.
    public var method: String
    public var runID: Int64
    public var planID: Int64
    public init(path: String, kind: OwnedKind, fileID: Int64?, sha256: ContentHash?, size: Int64, contentKey: String?,
                method: String, runID: Int64, planID: Int64) {
        self.path = path; self.kind = kind; self.fileID = fileID; self.sha256 = sha256; self.size = size
        self.contentKey = contentKey; self.method = method; self.runID = runID; self.planID = planID
    }
}

/// One member of an archive attache wrote (a row of `archive_members`).
public struct OwnedMember: Sendable, Equatable {
    public var member: RawPath
    public var fileID: Int64
    public var sha256: ContentHash
    public var size: Int64
    /// A duplicate: the member whose stored content it shares.
    public var storedAs: RawPath?
    public init(member: RawPath, fileID: Int64, sha256: ContentHash, size: Int64, storedAs: RawPath?) {
        self.member = member; self.fileID = fileID; self.sha256 = sha256; self.size = size; self.storedAs = storedAs
    }
}

/// How a journaled step ended, with what the target owns afterwards.
public struct StepOutcome: Sendable {
    public var journalID: Int64
    public var state: JournalStepState
    public var bytes: Int64
    public var sha256: ContentHash?
    public var detail: String?
    /// The item now owned at the step's path (copy, link, archive); nil for a failed step.
    public var owned: OwnedItem?
    /// An archive's members (replacing the ones recorded before at the same path).
    public var members: [OwnedMember]
    /// A removal that happened: the path is no longer owned.
    public var removedPath: String?
    public init(journalID: Int64, state: JournalStepState, bytes: Int64 = 0, sha256: ContentHash? = nil, detail: String? = nil,
                owned: OwnedItem? = nil, members: [OwnedMember] = [], removedPath: String? = nil) {
        self.journalID = journalID; self.state = state; self.bytes = bytes; self.sha256 = sha256; self.detail = detail
        self.owned = owned; self.members = members; self.removedPath = removedPath
    }
}

extension Catalog {
    /// Opens a new apply run (status running) and returns its id.
    public func startApplyRun(plan: Int64, target: String, version: String) throws(CatalogError) -> Int64 {
        try write { db in
            try db.execute(sql: """
                INSERT INTO apply_runs (plan_id, target, started_at, status, attache_version) VALUES (?, ?, ?, ?, ?)
                """, arguments: [plan, target, Catalog.now(), RunStatus.running.rawValue, version])
            return db.lastInsertedRowID
        }
    }

    /// Closes an apply run with how it ended, its counts (JSON) and why it stopped.
    public func finishApplyRun(_ id: Int64, status: RunStatus, countsJSON: String, detail: String?) throws(CatalogError) {
        try write { db in
            try db.execute(sql: "UPDATE apply_runs SET finished_at = ?, status = ?, counts = ?, detail = ? WHERE id = ?",
                           arguments: [Catalog.now(), status.rawValue, countsJSON, detail, id])
        }
    }

    /// Apply runs, newest first (all targets, or one).
    public func applyRuns(target: String? = nil, limit: Int = 20) throws(CatalogError) -> [ApplyRunRecord] {
        try read { db in
            let filter = target == nil ? "" : "WHERE target = ?"
            let args: StatementArguments = target.map { [$0, limit] } ?? [limit]
            return try Row.fetchAll(db, sql: """
                SELECT id, plan_id, target, started_at, finished_at, status, counts, detail FROM apply_runs \(filter)
                ORDER BY id DESC LIMIT ?
                """, arguments: args).map { r in
                ApplyRunRecord(id: r[0], planID: r[1], target: r[2], startedAt: r[3], finishedAt: r[4],
                               status: try Catalog.decoded(r[5], column: "apply_runs.status"), countsJSON: r[6], detail: r[7])
            }
        }
    }

    /// Marks runs of `target` still `running` (their process died) as interrupted.
    public func closeDeadApplyRuns(target: String) throws(CatalogError) -> Int {
        try write { db in
            try db.execute(sql: "UPDATE apply_runs SET status = ?, finished_at = ?, detail = COALESCE(detail, 'the process stopped (killed or crashed)') WHERE target = ? AND status = ?",
                           arguments: [RunStatus.interrupted.rawValue, Catalog.now(), target, RunStatus.running.rawValue])
            return db.changesCount
        }
    }

    // MARK: Journal

    /// Records steps as `started` before they happen, in one transaction; returns their ids.
    public func journalStart(run: Int64, target: String, _ steps: [JournalEntry]) throws(CatalogError) -> [Int64] {
        guard !steps.isEmpty else { return [] }
        return try write { db in
            let st = try db.makeStatement(sql: """
                INSERT INTO journal (run_id, target, kind, state, file_id, target_path, temp_path, bytes, sha256, time, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            var ids: [Int64] = []
            ids.reserveCapacity(steps.count)
            let now = Catalog.nowNanoseconds()
            for s in steps {
                try st.execute(arguments: [run, target, s.kind.rawValue, JournalStepState.started.rawValue, s.fileID, s.targetPath,
                                           s.tempPath, s.bytes, s.sha256?.hex, now, s.detail])
                ids.append(db.lastInsertedRowID)
            }
            return ids
        }
    }

    /// Records how steps ended and what the target owns afterwards, in one transaction.
    public func journalFinish(target: String, _ outcomes: [StepOutcome]) throws(CatalogError) {
        guard !outcomes.isEmpty else { return }
        try write { db in
            let step = try db.makeStatement(sql: "UPDATE journal SET state = ?, bytes = ?, sha256 = ?, time = ?, detail = ? WHERE id = ?")
            let own = try db.makeStatement(sql: """
                INSERT OR REPLACE INTO target_items (target, path, kind, file_id, sha256, size, content_key, method, run_id, plan_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let dropMembers = try db.makeStatement(sql: "DELETE FROM archive_members WHERE target = ? AND archive_path = ?")
            let member = try db.makeStatement(sql: """
                INSERT OR REPLACE INTO archive_members (target, archive_path, member, file_id, sha256, size, stored_as) VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            let disown = try db.makeStatement(sql: "DELETE FROM target_items WHERE target = ? AND path = ?")
            let now = Catalog.nowNanoseconds()
            for o in outcomes {
                try step.execute(arguments: [o.state.rawValue, o.bytes, o.sha256?.hex, now, o.detail, o.journalID])
                if let item = o.owned {
                    try own.execute(arguments: [target, item.path, item.kind.rawValue, item.fileID, item.sha256?.hex, item.size,
                                                item.contentKey, item.method, item.runID, item.planID])
                    if item.kind == .archive || !o.members.isEmpty {
                        try dropMembers.execute(arguments: [target, item.path])
                        for m in o.members {
                            try member.execute(arguments: [target, item.path, Data(m.member.bytes), m.fileID, m.sha256.hex, m.size,
                                                           m.storedAs.map { Data($0.bytes) }])
                        }
                    }
                }
                if let removed = o.removedPath {
                    try disown.execute(arguments: [target, removed])
                    try dropMembers.execute(arguments: [target, removed])
                }
            }
        }
    }

    /// Steps of `target` that were started and never finished (their run was killed).
    public func openJournalSteps(target: String) throws(CatalogError) -> [JournalEntry] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, kind, state, file_id, target_path, temp_path, bytes, sha256, time, detail FROM journal
                WHERE target = ? AND state IN ('\(JournalStepState.planned.rawValue)', '\(JournalStepState.started.rawValue)')
                ORDER BY id
                """, arguments: [target]).map(Catalog.journalEntry)
        }
    }

    /// The journal of one run, in order.
    public func journal(run: Int64) throws(CatalogError) -> [JournalEntry] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, kind, state, file_id, target_path, temp_path, bytes, sha256, time, detail FROM journal
                WHERE run_id = ? ORDER BY id
                """, arguments: [run]).map(Catalog.journalEntry)
        }
    }

    static func journalEntry(_ r: Row) throws -> JournalEntry {
        JournalEntry(id: r[0], kind: try decoded(r[1], column: "journal.kind"), state: try decoded(r[2], column: "journal.state"),
                     fileID: r[3], targetPath: r[4], tempPath: r[5], bytes: r[6], sha256: (r[7] as String?).flatMap { ContentHash(hex: $0) },
                     time: Timestamp(nanoseconds: r[8]), detail: r[9])
    }

    // MARK: What attache owns

    /// The item attache owns at `path` in `target`, if any.
    public func ownedItem(target: String, path: String) throws(CatalogError) -> OwnedItem? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT \(Catalog.ownedColumns) FROM target_items WHERE target = ? AND path = ?",
                             arguments: [target, path]).map(Catalog.ownedItem)
        }
    }

    /// Calls `body` for everything attache owns in `target`, sorted by path.
    public func forEachOwnedItem(target: String, _ body: (OwnedItem) throws -> Void) throws(CatalogError) {
        try read { db in
            let c = try Row.fetchCursor(db, sql: "SELECT \(Catalog.ownedColumns) FROM target_items WHERE target = ? ORDER BY path",
                                        arguments: [target])
            while let r = try c.next() { try body(try Catalog.ownedItem(r)) }
        }
    }

    /// What attache owns in `target` with a path after `after`, at most `limit`, by path (pages
    /// for a reader that queries the catalog between them).
    public func ownedItems(target: String, after: String?, limit: Int) throws(CatalogError) -> [OwnedItem] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(Catalog.ownedColumns) FROM target_items WHERE target = ? AND path > ? ORDER BY path LIMIT ?",
                             arguments: [target, after ?? "", limit]).map(Catalog.ownedItem)
        }
    }

    /// How many items attache owns in `target` and their bytes.
    public func ownedTotals(target: String) throws(CatalogError) -> (items: Int, bytes: Int64) {
        try read { db in
            let r = try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM target_items WHERE target = ?",
                                     arguments: [target])
            return (r?[0] ?? 0, r?[1] ?? 0)
        }
    }

    /// The members recorded for an archive attache wrote, sorted by name.
    public func ownedMembers(target: String, archive: String) throws(CatalogError) -> [OwnedMember] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT member, file_id, sha256, size, stored_as FROM archive_members WHERE target = ? AND archive_path = ? ORDER BY member
                """, arguments: [target, archive]).map { r in
                let stored: Data? = r[4]
                return OwnedMember(member: RawPath(bytes: [UInt8](r[0] as Data)), fileID: r[1],
                                   sha256: ContentHash(hex: r[2]) ?? ContentHash(bytes: []), size: r[3],
                                   storedAs: stored.map { RawPath(bytes: [UInt8]($0)) })
            }
        }
    }

    static func nowNanoseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1e9) }

    static let ownedColumns = "path, kind, file_id, sha256, size, content_key, method, run_id, plan_id"

    static func ownedItem(_ r: Row) throws -> OwnedItem { try ownedItem(r, at: 0) }

    /// An ``OwnedItem`` from `ownedColumns` starting at column `k`.
    static func ownedItem(_ r: Row, at k: Int) throws -> OwnedItem {
        OwnedItem(path: r[k], kind: try decoded(r[k + 1], column: "target_items.kind"), fileID: r[k + 2],
                  sha256: (r[k + 3] as String?).flatMap { ContentHash(hex: $0) }, size: r[k + 4], contentKey: r[k + 5],
                  method: r[k + 6], runID: r[k + 7], planID: r[k + 8])
    }
}
