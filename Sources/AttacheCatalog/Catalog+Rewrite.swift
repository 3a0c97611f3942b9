import AttacheModel
import Foundation
import GRDB
import GRDBSQLite

// The rewrite stage's bookkeeping (migration v8-rewrite): its runs, the audit of every
// reference a run considered (what the record held, what was written, where), and the files
// a run wrote. A revert reads the audit back; `list rewrites` and the report print it.

/// One rewrite run (a row of `rewrite_runs`).
public struct RewriteRunRecord: Sendable, Equatable {
    public var id: Int64
    public var mode: RewriteMode
    public var target: String
    public var output: String
    public var startedAt: String
    public var finishedAt: String?
    public var status: RunStatus
    public var countsJSON: String
    public var detail: String?
    /// A revert run: the run it undid.
    public var reverts: Int64?
    /// A run that was undone: the revert run.
    public var revertedBy: Int64?
}

/// One reference a rewrite run considered (a row of `rewrite_edits`).
public struct RewriteAuditEntry: Sendable, Equatable {
    public var source: String
    public var refID: Int64?
    public var recordKey: String
    public var recordPosition: String
    /// How the run finds the record again: a SQLite rowid, a key, a file's relative path.
    public var recordID: String?
    public var column: String
    public var outcome: RewriteOutcome
    /// UTF-8 offsets of `after` in the rewritten value (nil when nothing was written).
    public var spanStart: Int?
    public var spanEnd: Int?
    /// The text the record held there.
    public var before: String
    /// The text written instead (nil when nothing was written).
    public var after: String?
    public var fileID: Int64?
    /// Where the file is now: a path below the target root, or `archive#member`.
    public var location: String?
    public var detail: String?

    public init(source: String, refID: Int64?, recordKey: String, recordPosition: String, recordID: String?, column: String,
                outcome: RewriteOutcome, spanStart: Int? = nil, spanEnd: Int? = nil, before: String, after: String? = nil,
                fileID: Int64? = nil, location: String? = nil, detail: String? = nil) {
        self.source = source; self.refID = refID; self.recordKey = recordKey; self.recordPosition = recordPosition
        self.recordID = recordID; self.column = column; self.outcome = outcome; self.spanStart = spanStart
        self.spanEnd = spanEnd; self.before = before; self.after = after; self.fileID = fileID; self.location = location
        self.detail = detail
    }
}

/// A file a rewrite run wrote (a row of `rewrite_outputs`).
public struct RewriteOutputRecord: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case copy, backup, script, revertScript = "revert-script", links }
    public var source: String
    public var kind: Kind
    public var path: String
    /// What it is a copy (or backup) of.
    public var original: String?
    /// How a revert reads it: `sqlite`, `csv`, `text_files`.
    public var format: String
    /// The format's settings: the table (sqlite); the delimiter, a line break, the declared
    /// encoding (csv); the declared encoding (text_files).
    public var options: String
    /// The file's SHA-256 when the run left it (SQLite databases rewritten in place).
    public var sha256: ContentHash?
    public init(source: String, kind: Kind, path: String, original: String?, format: String = "", options: String = "",
                sha256: ContentHash? = nil) {
        self.source = source; self.kind = kind; self.path = path; self.original = original; self.format = format
        self.options = options; self.sha256 = sha256
    }
}

extension Catalog {
    /// Opens a rewrite run (status running) and returns its id.
    public func startRewriteRun(mode: RewriteMode, target: String, output: String, version: String,
                                reverts: Int64? = nil) throws(CatalogError) -> Int64 {
        try write { db in
            try db.execute(sql: """
                INSERT INTO rewrite_runs (mode, target, output, started_at, status, attache_version, reverts)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [mode.rawValue, target, output, Catalog.now(), RunStatus.running.rawValue, version, reverts])
            return db.lastInsertedRowID
        }
    }

    /// Closes a rewrite run; a completed revert marks the run it undid.
    public func finishRewriteRun(_ id: Int64, status: RunStatus, countsJSON: String, detail: String?) throws(CatalogError) {
        try write { db in
            try db.execute(sql: "UPDATE rewrite_runs SET finished_at = ?, status = ?, counts = ?, detail = ? WHERE id = ?",
                           arguments: [Catalog.now(), status.rawValue, countsJSON, detail, id])
            if status == .completed {
                try db.execute(sql: """
                    UPDATE rewrite_runs SET reverted_by = ?1
                    WHERE id = (SELECT reverts FROM rewrite_runs WHERE id = ?1 AND mode = 'revert')
                    """, arguments: [id])
            }
        }
    }

    /// Marks earlier runs of `mode` that are not reverted as undone by `revert` (an in-place
    /// revert undoes every in-place run before it: their spans are the ones it restored).
    /// (A copy run's copies replaced those of earlier copy runs into the same folder: they
    /// are gone with the revert too.)
    public func markRewriteRunsReverted(mode: RewriteMode, output: String, before run: Int64, by revert: Int64) throws(CatalogError) {
        try write { db in
            try db.execute(sql: """
                UPDATE rewrite_runs SET reverted_by = ?
                WHERE mode = ? AND id < ? AND reverted_by IS NULL AND status = 'completed' AND (mode = 'in-place' OR output = ?)
                """, arguments: [revert, mode.rawValue, run, output])
        }
    }

    /// After run `run` completed: the audit rows (and outputs) of earlier runs of the same mode
    /// into the same output, for the sources `run` wrote, are removed — `run` replaced those
    /// copies (or, in place, its audit carries every span written before, as `unchanged`).
    /// The runs themselves stay, with their counts. Keeps the catalog from growing by a
    /// million rows every trial run.
    /// - Returns: the audit rows removed.
    @discardableResult
    public func supersedeEarlierRewrites(by run: Int64) throws(CatalogError) -> Int {
        try write { db in
            let earlier = """
                SELECT e.id FROM rewrite_runs e JOIN rewrite_runs r ON r.id = ?1
                WHERE e.id < r.id AND e.mode = r.mode AND e.output = r.output AND e.mode IN ('copy', 'in-place')
                """
            let sources = "SELECT DISTINCT source FROM rewrite_outputs WHERE run_id = ?1"
            try db.execute(sql: "DELETE FROM rewrite_edits WHERE run_id IN (\(earlier)) AND source IN (\(sources))", arguments: [run])
            let removed = db.changesCount
            try db.execute(sql: "DELETE FROM rewrite_outputs WHERE run_id IN (\(earlier)) AND source IN (\(sources))", arguments: [run])
            return removed
        }
    }

    /// During a large rewrite: let the write-ahead log grow (checkpoints every 64 MiB instead
    /// of every 4 MiB: each one copies pages and syncs), then checkpoint once at the end.
    /// Durability is unchanged (`synchronous` is not touched).
    public func batchCheckpoints(_ on: Bool) {
        try? write { db in
            try db.execute(sql: on ? "PRAGMA wal_autocheckpoint = 16384" : "PRAGMA wal_autocheckpoint = 1000")
        }
        if !on { try? write { db in _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") } }
    }

    /// Rewrite runs, newest first.
    public func rewriteRuns(limit: Int = 50) throws(CatalogError) -> [RewriteRunRecord] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, mode, target, output, started_at, finished_at, status, counts, detail, reverts, reverted_by
                FROM rewrite_runs ORDER BY id DESC LIMIT ?
                """, arguments: [limit]).map { r in
                RewriteRunRecord(id: r[0], mode: try Catalog.decoded(r[1], column: "rewrite_runs.mode"), target: r[2], output: r[3],
                                 startedAt: r[4], finishedAt: r[5], status: try Catalog.decoded(r[6], column: "rewrite_runs.status"),
                                 countsJSON: r[7], detail: r[8], reverts: r[9], revertedBy: r[10])
            }
        }
    }

    /// Marks runs still `running` (their process died) as interrupted.
    public func closeDeadRewriteRuns() throws(CatalogError) {
        try write { db in
            try db.execute(sql: "UPDATE rewrite_runs SET status = ?, finished_at = ?, detail = COALESCE(detail, 'the process stopped (killed or crashed)') WHERE status = ?",
                           arguments: [RunStatus.interrupted.rawValue, Catalog.now(), RunStatus.running.rawValue])
        }
    }

    /// Adds audit rows of a run, in one transaction.
    public func addRewriteAudit(run: Int64, _ entries: [RewriteAuditEntry]) throws(CatalogError) {
        var batch = RewriteAuditBatch()
        for e in entries { batch.append(e) }
        try addRewriteAudit(run: run, batch)
    }

    /// Adds packed audit rows of a run, in one transaction. A rewrite of a million records adds
    /// a million rows: values are bound with the SQLite C API on GRDB's prepared statement, as
    /// `ReferenceWriter.add` does, the texts straight from the batch's buffer (not copied).
    public func addRewriteAudit(run: Int64, _ batch: RewriteAuditBatch) throws(CatalogError) {
        guard !batch.isEmpty else { return }
        try write { db in
            let h = try db.cachedStatement(sql: """
                INSERT INTO rewrite_edits (run_id, source, ref_id, record_key, record_position, record_id, column_name, outcome,
                                           span_start, span_end, before, after, file_id, location, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).sqliteStatement
            defer { sqlite3_reset(h); sqlite3_clear_bindings(h) }
            try batch.withRows { row, text, int in
                sqlite3_reset(h)
                sqlite3_bind_int64(h, 1, run)
                for (field, parameter) in RewriteAuditBatch.textParameters.enumerated() {
                    if let (pointer, count) = text(row, field) {
                        // SQLITE_STATIC: the batch's buffer outlives the step.
                        sqlite3_bind_text(h, parameter, pointer, count, nil)
                    } else {
                        sqlite3_bind_null(h, parameter)
                    }
                }
                for (field, parameter) in RewriteAuditBatch.intParameters.enumerated() {
                    if let v = int(row, field) { sqlite3_bind_int64(h, parameter, v) } else { sqlite3_bind_null(h, parameter) }
                }
                let rc = sqlite3_step(h)
                guard rc == SQLITE_DONE else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(h))))
                }
            }
        }
    }

    /// Removes a run's audit rows of one source (a source whose writing failed and was rolled back).
    public func dropRewriteAudit(run: Int64, source: String) throws(CatalogError) {
        try write { db in
            try db.execute(sql: "DELETE FROM rewrite_edits WHERE run_id = ? AND source = ?", arguments: [run, source])
            try db.execute(sql: "DELETE FROM rewrite_outputs WHERE run_id = ? AND source = ?", arguments: [run, source])
        }
    }

    /// The audit rows of a run (one source, or all), in the order they were written, optionally
    /// only some outcomes. Read in pages, outside any catalog transaction: `body` may use the
    /// catalog (a revert writes its own audit while reading this one).
    public func forEachRewriteAudit(run: Int64, source: String? = nil, outcomes: Set<RewriteOutcome>? = nil,
                                    _ body: (RewriteAuditEntry) throws -> Void) throws {
        var sql = """
            SELECT id, source, ref_id, record_key, record_position, record_id, column_name, outcome, span_start, span_end,
                   before, after, file_id, location, detail FROM rewrite_edits WHERE run_id = ? AND id > ?
            """
        if source != nil { sql += " AND source = ?" }
        if let outcomes {
            sql += " AND outcome IN (" + outcomes.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ") + ")"
        }
        sql += " ORDER BY id LIMIT 4096"
        var after: Int64 = 0
        while true {
            let page: [(Int64, RewriteAuditEntry)] = try read { db in
                var args: [(any DatabaseValueConvertible)?] = [run, after]
                if let source { args.append(source) }
                return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map { r in
                    (r[0], RewriteAuditEntry(
                        source: r[1], refID: r[2], recordKey: r[3], recordPosition: r[4], recordID: r[5], column: r[6],
                        outcome: try Catalog.decoded(r[7], column: "rewrite_edits.outcome"), spanStart: r[8], spanEnd: r[9],
                        before: r[10], after: r[11], fileID: r[12], location: r[13], detail: r[14]))
                }
            }
            for (_, e) in page { try body(e) }
            guard page.count == 4096, let last = page.last else { return }
            after = last.0
        }
    }

    /// How many references of each outcome a run has, by source.
    public func rewriteCounts(run: Int64) throws(CatalogError) -> [String: [RewriteOutcome: Int]] {
        try read { db in
            var counts: [String: [RewriteOutcome: Int]] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT source, outcome, COUNT(*) FROM rewrite_edits WHERE run_id = ? GROUP BY 1, 2",
                                      arguments: [run]) {
                let outcome: RewriteOutcome = try Catalog.decoded(r[1], column: "rewrite_edits.outcome")
                counts[r[0] as String, default: [:]][outcome] = r[2]
            }
            return counts
        }
    }

    /// Records a file a run wrote.
    public func addRewriteOutput(run: Int64, _ output: RewriteOutputRecord) throws(CatalogError) {
        try write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO rewrite_outputs (run_id, source, kind, path, original, format, options, sha256)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [run, output.source, output.kind.rawValue, output.path, output.original, output.format, output.options,
                                 output.sha256?.hex])
        }
    }

    /// The files a run wrote.
    public func rewriteOutputs(run: Int64) throws(CatalogError) -> [RewriteOutputRecord] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT source, kind, path, original, format, options, sha256 FROM rewrite_outputs WHERE run_id = ?
                ORDER BY source, kind, path
                """, arguments: [run]).map { r in
                RewriteOutputRecord(source: r[0], kind: try Catalog.decoded(r[1], column: "rewrite_outputs.kind"), path: r[2],
                                    original: r[3], format: r[4], options: r[5], sha256: (r[6] as String?).flatMap { ContentHash(hex: $0) })
            }
        }
    }
}
