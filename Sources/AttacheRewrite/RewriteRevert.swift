import AttacheCatalog
import AttacheModel
import AttacheRecords
import AttacheSystem

/// `attache rewrite --revert`: undoes a rewrite run from its audit — in the copies it wrote,
/// or in the sources it rewrote in place — byte for byte. Only spans that still hold the text
/// the run wrote are restored; a span changed since is left alone and listed (refused).
public final class RewriteRevert {
    let catalog: Catalog
    let version: String
    let dryRun: Bool

    public init(catalog: Catalog, version: String, dryRun: Bool = false) {
        self.catalog = catalog; self.version = version; self.dryRun = dryRun
    }

    /// The run `--revert` undoes: `id`, or the latest completed copy or in-place run not
    /// reverted yet.
    public func runToRevert(_ id: Int64?) throws -> RewriteRunRecord {
        let runs = try catalog.rewriteRuns(limit: 10_000)
        if let id {
            guard let run = runs.first(where: { $0.id == id }) else {
                throw RewriteError(.nothingToRevert, "there is no rewrite run \(id) (runs: \(runs.map { String($0.id) }.joined(separator: ", ")))")
            }
            return try revertible(run)
        }
        guard let run = runs.first(where: { $0.mode != .revert && $0.status == .completed && $0.revertedBy == nil }) else {
            throw RewriteError(.nothingToRevert, "no rewrite run to revert (every completed run is reverted, or none ran)")
        }
        return try revertible(run)
    }

    private func revertible(_ run: RewriteRunRecord) throws -> RewriteRunRecord {
        switch run.mode {
        case .revert: throw RewriteError(.configuration, "run \(run.id) is itself a revert; run attache rewrite again instead")
        case .sql:
            throw RewriteError(.configuration, "run \(run.id) wrote SQL scripts; it is undone by its revert script, "
                + "\(SQLScriptFiles.revertPath(run.output)), run by the DBA")
        case .copy, .inPlace: break
        }
        if let by = run.revertedBy { throw RewriteError(.nothingToRevert, "run \(run.id) was already reverted (by run \(by))") }
        guard run.status == .completed else {
            throw RewriteError(.configuration, "run \(run.id) did not complete (\(run.status.rawValue)): nothing it wrote was kept")
        }
        return run
    }

    /// Reverts `run`; returns what was restored, by source.
    public func revert(_ run: RewriteRunRecord) throws -> RewriteResult {
        let revertID = dryRun ? nil : try catalog.startRewriteRun(mode: .revert, target: run.target, output: run.output,
                                                                   version: version, reverts: run.id)
        var result = RewriteResult(runID: revertID, mode: .revert, target: run.target, output: run.output, sources: [], dryRun: dryRun)
        do {
            for output in try catalog.rewriteOutputs(run: run.id) where output.kind == .copy {
                let audit = AuditBuffer(catalog: catalog, run: revertID)
                var outcome = RewriteSourceOutcome(name: output.source)
                outcome.written = output.path
                do {
                    try revertOutput(output, of: run.id, inside: run.output, audit: audit, outcome: &outcome)
                } catch let e as SourceError {
                    outcome.note = "not reverted: \(e.message)"
                    audit.discard()
                    if let revertID { try catalog.dropRewriteAudit(run: revertID, source: output.source) }
                }
                try audit.finish()
                outcome.counts = audit.counts
                result.sources.append(outcome)
            }
            if let revertID {
                try catalog.finishRewriteRun(revertID, status: .completed, countsJSON: RewriteEngine.countsJSON(result), detail: nil)
                try catalog.markRewriteRunsReverted(mode: run.mode, output: run.output, before: run.id, by: revertID)
            }
        } catch {
            if let revertID { try? catalog.finishRewriteRun(revertID, status: .failed, countsJSON: "{}", detail: "\(error)") }
            throw error
        }
        return result
    }

    private func revertOutput(_ output: RewriteOutputRecord, of run: Int64, inside root: String, audit: AuditBuffer,
                              outcome: inout RewriteSourceOutcome) throws {
        switch output.format {
        case "sqlite":
            // A database rewritten in place and not changed since: its backup IS the original,
            // byte for byte (an UPDATE back gives the values, not the bytes).
            let backup = try catalog.rewriteOutputs(run: run).first { $0.source == output.source && $0.kind == .backup }
            let untouched = output.sha256 != nil && (try? RawFile.sha256(of: RawPath(output.path)).get()) == output.sha256
            // Only when this run made every change (an earlier run's backup holds the original).
            let allOwn = (try catalog.rewriteCounts(run: run)[output.source]?[.unchanged] ?? 0) == 0
            if let backup, untouched, allOwn, !hasLogContent(output.path) {
                try SQLiteRevert(catalog: catalog, output: output, run: run, audit: audit, dryRun: true).run(&outcome)
                if !dryRun { try OutputPaths.copyFile(backup.path, to: output.path, inside: root) }
                outcome.note = "the database was not changed since the rewrite: its backup was put back, byte for byte"
            } else {
                try SQLiteRevert(catalog: catalog, output: output, run: run, audit: audit, dryRun: dryRun).run(&outcome)
            }
        case "mysql", "postgresql":
            try LiveRevert(catalog: catalog, output: output, run: run, audit: audit, dryRun: dryRun).run(&outcome)
        default:
            try FileRevert(catalog: catalog, output: output, run: run, audit: audit, dryRun: dryRun, inside: root).run(&outcome)
        }
    }

    /// Whether a database has a write-ahead log with content (its bytes are not all in the file).
    private func hasLogContent(_ path: String) -> Bool {
        if case .success(let st) = RawFile.status(of: RawPath(path + "-wal"), followLinks: true) { return st.size > 0 }
        return false
    }

    /// The audit rows of a run's source that wrote text, grouped by record (consecutive rows
    /// with the same record id), in the order written.
    static func forEachRecord(_ catalog: Catalog, run: Int64, source: String,
                              _ body: (String, [RewriteAuditEntry]) throws -> Void) throws {
        var group: [RewriteAuditEntry] = []
        var current: String?
        try catalog.forEachRewriteAudit(run: run, source: source, outcomes: [.rewritten, .tombstoned, .unchanged]) { e in
            guard e.spanStart != nil, e.after != nil, let id = e.recordID else { return }
            if id != current, let c = current, !group.isEmpty {
                try body(c, group)
                group.removeAll()
            }
            current = id
            group.append(e)
        }
        if let c = current, !group.isEmpty { try body(c, group) }
    }

    /// Restores one record: for each column its spans were written in, the value (`current`
    /// gives it) with them undone where they still hold. The audit rows (restored, or refused
    /// and why) go to `rows`; the new values come back by column (none for a column with
    /// nothing restored).
    static func restoreRecord(_ spans: [RewriteAuditEntry], into rows: inout [RewriteAuditEntry],
                              current: (String) -> String) -> [String: String] {
        var columns: [String] = []
        for e in spans where !columns.contains(e.column) { columns.append(e.column) }
        var values: [String: String] = [:]
        for column in columns {
            let r = restore(current(column), spans.filter { $0.column == column })
            rows += r.done + r.refused.map { e, why in
                var x = e; x.outcome = .refused; x.detail = why; x.spanStart = nil; x.spanEnd = nil; x.after = nil; return x
            }
            if !r.done.isEmpty { values[column] = r.value }
        }
        return values
    }

    /// Restores one value: the edits `entries` made to `column` undone where they still hold.
    static func restore(_ value: String, _ entries: [RewriteAuditEntry]) -> (value: String, done: [RewriteAuditEntry],
                                                                             refused: [(RewriteAuditEntry, String)]) {
        var edits: [SpanEdit] = []
        for (i, e) in entries.enumerated() {
            edits.append(SpanEdit(start: e.spanStart!, end: e.spanEnd!, expected: e.after!, replacement: e.before, tag: Int64(i)))
        }
        let r = SpanEdits.revert(Array(value.utf8), made: edits)
        let done = r.made.map { m -> RewriteAuditEntry in
            var e = entries[Int(m.tag)]
            e.outcome = .rewritten
            e.detail = "restored: the span held '\(e.after!)'"
            swap(&e.before, &e.after!)
            e.spanStart = m.start; e.spanEnd = m.end
            return e
        }
        let refused = r.refused.map { (entries[Int($0.edit.tag)], "not restored: \($0.why.description)") }
        return (String(decoding: r.value, as: UTF8.self), done, refused)
    }
}

/// Reverts a SQLite copy, or a database rewritten in place.
struct SQLiteRevert {
    let catalog: Catalog
    let output: RewriteOutputRecord
    let run: Int64
    let audit: AuditBuffer
    let dryRun: Bool

    func run(_ outcome: inout RewriteSourceOutcome) throws {
        let table = output.options
        let db = try SQLiteWritableDatabase(path: output.path, source: output.source)
        func fail(_ m: String) -> SourceError {
            SourceError(kind: .unreadable, source: output.source, file: output.path, position: nil, message: m, fatal: true)
        }
        if let m = db.execute("BEGIN IMMEDIATE") { throw fail("cannot start a transaction: \(m)") }
        do {
            try RewriteRevert.forEachRecord(catalog, run: run, source: output.source) { recordID, entries in
                guard let rowID = Int64(recordID) else { return }
                var rows: [RewriteAuditEntry] = []
                let values = RewriteRevert.restoreRecord(entries, into: &rows) { db.value(table: table, column: $0, rowID: rowID) ?? "" }
                try audit.add(rows)
                guard !values.isEmpty else { return }
                outcome.recordsChanged += 1
                guard !dryRun else { return }
                for (column, value) in values.sorted(by: { $0.key < $1.key }) {
                    if case .failure(let e) = db.update(table: table, column: column, rowID: rowID, value: value) {
                        throw fail("cannot write rowid \(rowID), column '\(column)': \(e.message)")
                    }
                }
            }
            if let m = db.execute(dryRun ? "ROLLBACK" : "COMMIT") { throw fail("cannot commit the revert: \(m)") }
        } catch {
            _ = db.execute("ROLLBACK")
            throw error
        }
    }
}

/// Where a `--sql` run's scripts are.
enum SQLScriptFiles {
    /// `changes.sql` → `changes.revert.sql`.
    static func revertPath(_ forward: String) -> String {
        forward.hasSuffix(".sql") ? String(forward.dropLast(4)) + ".revert.sql" : forward + ".revert.sql"
    }
}
