import AttacheCatalog
import AttacheConfig
import AttacheModel
import AttacheRecords
import AttacheSystem
import Foundation

/// `attache rewrite`: every reference of every source rewritten through the mapping — in
/// copies (the default), in place after a backup, or as SQL scripts — with every change in the
/// audit (`rewrite_edits`). Documentation/Rewrite.md.
public final class RewriteEngine: @unchecked Sendable {
    /// A source to rewrite: its plan, and the column (if any) that receives the new location of
    /// a composed reference (`rewrite_column`).
    public struct SourceInput: Sendable {
        public var plan: SourcePlan
        public var designatedColumn: String?
        public init(plan: SourcePlan, designatedColumn: String? = nil) { self.plan = plan; self.designatedColumn = designatedColumn }
    }

    let catalog: Catalog
    let target: String
    let spelling: LocationSpelling
    let sources: [SourceInput]
    let options: RewriteOptions
    let version: String
    /// Called after each record read (progress).
    public var afterEachRecord: (@Sendable () -> Void)?

    public init(catalog: Catalog, target: String, spelling: LocationSpelling, sources: [SourceInput], options: RewriteOptions,
                version: String) {
        self.catalog = catalog; self.target = target; self.spelling = spelling; self.sources = sources
        self.options = options; self.version = version
    }

    var mode: RewriteMode {
        switch options.mode {
        case .copy: return .copy
        case .inPlace: return .inPlace
        case .sql: return .sql
        }
    }

    /// Rewrites every source; the run and its audit are in the catalog (not for a dry run).
    /// - Throws: ``RewriteError`` for what stops the whole run; a source that cannot be read is
    ///   a note on that source, and the others go on.
    public func run() throws -> RewriteResult {
        try checkSources()
        try catalog.closeDeadRewriteRuns()
        let outputText: String
        if case .sql(let file, _) = options.mode { outputText = file } else { outputText = options.output }
        let run = options.dryRun ? nil : try catalog.startRewriteRun(mode: mode, target: target, output: outputText, version: version)
        var result = RewriteResult(runID: run, mode: mode, target: target, output: outputText, sources: [], dryRun: options.dryRun)
        var script: SQLScriptOutput?
        catalog.batchCheckpoints(true)
        defer { catalog.batchCheckpoints(false) }
        do {
            script = try SQLScriptOutput(options: options, run: run, header: [
                "attache rewrite" + (run.map { ", run \($0)" } ?? "") + ", attache \(version)",
                "the mapping of the target \(target), spelled below \(spelling.address.text)",
            ])
            let chosen = sources.filter { options.sources.isEmpty || options.sources.contains($0.plan.name) }
            if script == nil && chosen.count > 1 {
                // Sources are independent (their own files, their own audit): one a core.
                let done = try rewriteConcurrently(chosen, run: run)
                result.sources = done.map(\.outcome)
                result.warnings = done.flatMap(\.warnings)
            } else {
                for input in chosen {
                    let (outcome, warnings) = try rewriteOne(input, run: run, script: &script)
                    result.sources.append(outcome)
                    result.warnings += warnings
                }
            }
            try script?.finish()
            if script != nil { result.output = outputText }
            if let run {
                try catalog.finishRewriteRun(run, status: .completed, countsJSON: Self.countsJSON(result), detail: nil)
                if script == nil { try catalog.supersedeEarlierRewrites(by: run) }
            }
        } catch {
            script?.discard()
            if let run { try? catalog.finishRewriteRun(run, status: .failed, countsJSON: Self.countsJSON(result), detail: "\(error)") }
            throw error
        }
        return result
    }

    /// One source, its audit written; a source that cannot be read is a note, and its audit is dropped.
    private func rewriteOne(_ input: SourceInput, run: Int64?, script: inout SQLScriptOutput?) throws
        -> (outcome: RewriteSourceOutcome, warnings: [String]) {
        let audit = AuditBuffer(catalog: catalog, run: run)
        var outcome = RewriteSourceOutcome(name: input.plan.name)
        var warnings: [String] = []
        func dropped(_ message: String) throws {
            outcome.note = "not rewritten: \(message)"
            audit.discard()
            if let run { try catalog.dropRewriteAudit(run: run, source: input.plan.name) }
        }
        do {
            outcome = try rewrite(input, audit: audit, script: &script, warnings: &warnings)
        } catch let e as SourceError {
            try dropped(e.message)
        } catch let e as RewriteError where e.kind == .source {
            try dropped(e.message)
        } catch {
            audit.discard()
            throw error
        }
        try audit.finish()
        outcome.counts = audit.counts
        return (outcome, warnings)
    }

    /// Several sources at once, as many as there are cores; the outcomes in the sources' order.
    /// The first error that stops the run (the output cannot be written) is thrown once all
    /// have ended.
    private func rewriteConcurrently(_ inputs: [SourceInput], run: Int64?) throws
        -> [(outcome: RewriteSourceOutcome, warnings: [String])] {
        let slots = SourceSlots(count: inputs.count)
        let next = SourceSlots.Counter()
        let workers = max(1, min(inputs.count, ProcessInfo.processInfo.activeProcessorCount))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let i = next.take(below: inputs.count) {
                var none: SQLScriptOutput?
                do { slots.set(i, .success(try self.rewriteOne(inputs[i], run: run, script: &none))) } catch {
                    slots.set(i, .failure(error))
                }
            }
        }
        return try slots.results()
    }

    /// Every source named with `--source` exists; every source was read by `attache refs`.
    private func checkSources() throws {
        let known = Set(sources.map(\.plan.name))
        for name in options.sources where !known.contains(name) {
            throw RewriteError(.configuration, "the manifest has no source named '\(name)'; sources: "
                + sources.map(\.plan.name).joined(separator: ", "))
        }
    }

    /// One source: read its records again, edit them, write them where the mode says.
    private func rewrite(_ input: SourceInput, audit: AuditBuffer, script: inout SQLScriptOutput?,
                         warnings: inout [String]) throws -> RewriteSourceOutcome {
        let plan = input.plan
        var outcome = RewriteSourceOutcome(name: plan.name)
        guard let stored = try catalog.sourceFingerprint(plan.name) else {
            outcome.note = "never read by 'attache refs': nothing to rewrite (run attache refs)"
            return outcome
        }
        let now = plan.fingerprint
        // A live source without `modified` has no stamp to compare (it is read every time).
        if stored != now && !now.contains("\nunstamped ") {
            warnings.append("source '\(plan.name)' changed since 'attache refs' read it: records that changed are refused "
                + "(listed), the rest is rewritten; run attache refs again to rewrite them too")
        }
        switch plan.input {
        case .sqlite(_, nil, _), .live(_, nil, _):
            try auditOnly(plan.name, designated: input.designatedColumn, audit: audit,
                          why: "a query source's values cannot be written back: read its table with `table:` to rewrite it")
            outcome.note = "a query source: its references are in the link table only"
            return outcome
        case .sqlite(let database, let table?, _):
            return try SQLiteSourceRewrite(engine: self, input: input, database: database, table: table, audit: audit)
                .run(script: &script)
        case .live(let database, let table?, _):
            return try LiveSourceRewrite(engine: self, input: input, database: database, table: table, audit: audit).run(script: &script)
        case .csv(let file, let delimiter, let encoding):
            return try CSVSourceRewrite(engine: self, input: input, file: file, delimiter: delimiter, encoding: encoding,
                                        audit: audit).run()
        case .textFiles(let folder, let encoding):
            return try TextSourceRewrite(engine: self, input: input, folder: folder, encoding: encoding, audit: audit).run()
        }
    }

    /// Audits every reference of a source that cannot be written: composed ones are carried
    /// by the link table, embedded ones fail with `why`.
    func auditOnly(_ source: String, designated: String?, audit: AuditBuffer, why: String) throws {
        let feed = try ReferenceFeed(catalog: catalog, source: source, target: target, groupedByPosition: false)
        let editor = makeEditor(source: source, html: false, designated: nil, limits: [:], encoding: nil, earlier: [:])
        try feed.forEach { ref in
            if ref.kind == .composed {
                try audit.add(editor.edit(fields: [:], refs: [ref], recordID: nil).audit)
            } else {
                try audit.add([RewriteAuditEntry(source: source, refID: ref.id, recordKey: ref.recordKey,
                                                 recordPosition: ref.recordPosition, recordID: nil, column: ref.column,
                                                 outcome: .failed, before: ref.raw, fileID: ref.fileID, detail: why)])
            }
        }
    }

    func makeEditor(source: String, html: Bool, designated: String?, limits: [String: Int],
                    encoding: ((String) -> String?)?, earlier: [Int64: RecordEditor.EarlierEdit]) -> RecordEditor {
        RecordEditor(source: source, spelling: spelling, htmlSource: html, designatedColumn: designated, lengthLimits: limits,
                     encodingProblem: encoding, earlier: earlier)
    }

    /// For an in-place run: the spans the latest in-place run of the source (not reverted) wrote.
    func earlierEdits(source: String) throws -> [Int64: RecordEditor.EarlierEdit] {
        guard case .inPlace = options.mode,
              let last = try catalog.rewriteRuns().first(where: { $0.mode == .inPlace && $0.status == .completed && $0.revertedBy == nil })
        else { return [:] }
        var edits: [Int64: RecordEditor.EarlierEdit] = [:]
        try catalog.forEachRewriteAudit(run: last.id, source: source, outcomes: [.rewritten, .tombstoned, .unchanged]) { e in
            if let id = e.refID, let s = e.spanStart, let end = e.spanEnd, let after = e.after {
                edits[id] = RecordEditor.EarlierEdit(start: s, end: end, after: after)
            }
        }
        return edits
    }

    /// A reference refused without reading its value (its record's key is another now).
    func refusedEntry(_ ref: RewriteReference, source: String, why: String) -> RewriteAuditEntry {
        RewriteAuditEntry(source: source, refID: ref.id, recordKey: ref.recordKey, recordPosition: ref.recordPosition, recordID: nil,
                          column: ref.column, outcome: .refused, before: ref.raw, fileID: ref.fileID, detail: why)
    }

    /// References never matched to a record: their record is gone or changed.
    func auditGone(_ refs: [RewriteReference], source: String, audit: AuditBuffer) throws {
        try audit.add(refs.map { ref in
            RewriteAuditEntry(source: source, refID: ref.id, recordKey: ref.recordKey, recordPosition: ref.recordPosition,
                              recordID: nil, column: ref.column, outcome: .refused, before: ref.raw, fileID: ref.fileID,
                              detail: "the record was not found when the source was read again (deleted or changed since "
                                  + "'attache refs' read it): run refs again")
        })
    }

    static func countsJSON(_ result: RewriteResult) -> String {
        JSONWriter.text { w in
            w.beginObject()
            for s in result.sources {
                w.beginObject(s.name)
                for o in RewriteOutcome.allCases where s[o] > 0 { w.field(o.rawValue, .integer(Int64(s[o]))) }
                w.field("records_changed", .integer(Int64(s.recordsChanged)))
                w.endObject()
            }
            w.endObject()
        }
    }
}

/// The outcomes of sources rewritten at once, by index.
final class SourceSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<(outcome: RewriteSourceOutcome, warnings: [String]), Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ r: Result<(outcome: RewriteSourceOutcome, warnings: [String]), Error>) {
        lock.lock(); slots[i] = r; lock.unlock()
    }

    func results() throws -> [(outcome: RewriteSourceOutcome, warnings: [String])] {
        try slots.map { try $0!.get() }
    }

    /// Hands out indexes, each once.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func take(below n: Int) -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard value < n else { return nil }
            value += 1
            return value - 1
        }
    }
}

/// Audit rows on their way to the catalog, in batches, counted by outcome. A batch is written
/// on a thread of its own while the next one is made (one in flight, in order): on a million
/// records the catalog's inserts overlap the reading and editing.
final class AuditBuffer {
    let catalog: Catalog
    let run: Int64?
    private var pending = RewriteAuditBatch(reservingRows: AuditBuffer.batchRows)
    /// Rows a batch: one transaction of the writer.
    static let batchRows = 4096
    private var inFlight: BackgroundJob<Void, CatalogError>?
    private(set) var counts: [RewriteOutcome: Int] = [:]

    init(catalog: Catalog, run: Int64?) { self.catalog = catalog; self.run = run }

    func add(_ entries: [RewriteAuditEntry]) throws {
        for e in entries { counts[e.outcome, default: 0] += 1 }
        guard run != nil else { return }
        for e in entries { pending.append(e) }
        if pending.count >= Self.batchRows { try flush() }
    }

    /// Hands what is pending to the writer (after the batch before it is written).
    func flush() throws {
        guard let run, !pending.isEmpty else { return }
        try inFlight?.wait()
        let batch = pending
        pending = RewriteAuditBatch(reservingRows: Self.batchRows)
        let catalog = self.catalog
        inFlight = BackgroundJob(name: "attache-audit") { () throws(CatalogError) in try catalog.addRewriteAudit(run: run, batch) }
    }

    /// Writes everything and waits until it is in the catalog.
    func finish() throws {
        try flush()
        try inFlight?.wait()
        inFlight = nil
    }

    /// Drops what is pending and waits for the batch in flight (its error is the caller's
    /// to ignore: the source's audit is being removed).
    func discard() {
        pending = RewriteAuditBatch()
        counts = [:]
        _ = try? inFlight?.wait()
        inFlight = nil
    }
}
