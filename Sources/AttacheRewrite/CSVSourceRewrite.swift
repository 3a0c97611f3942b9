import AttacheCatalog
import AttacheModel
import AttacheRecords
import AttacheSystem
#if canImport(Glibc)
import Glibc
#endif

/// One CSV source rewritten: a copy that keeps the dialect and every byte not replaced
/// (``CSVRewriter``), or — in place — the file replaced whole by such a copy after a backup.
struct CSVSourceRewrite {
    let engine: RewriteEngine
    let input: RewriteEngine.SourceInput
    let file: String
    let delimiter: Character?
    let encoding: String?
    let audit: AuditBuffer

    private var name: String { input.plan.name }

    func run() throws -> RewriteSourceOutcome {
        var outcome = RewriteSourceOutcome(name: name)
        let plan = input.plan
        let source = try CSVRecordSource(name: name, file: file, key: plan.key, deleted: plan.deleted, modified: plan.modified,
                                         delimiter: delimiter, encoding: encoding)
        let fileEncoding = TextEncoding(name: source.encoding, basis: .declared)
        let feed = try ReferenceFeed(catalog: engine.catalog, source: name, target: engine.target, groupedByPosition: false)
        let editor = engine.makeEditor(source: name, html: false, designated: input.designatedColumn, limits: [:],
                                       encoding: fileEncoding.isUTF8 ? nil : { text in
                                           if case .failure(let p) = fileEncoding.encode(text) { return p.message }
                                           return nil
                                       }, earlier: try engine.earlierEdits(source: name))
        let dry = engine.options.dryRun
        let destination: String
        switch engine.options.mode {
        case .copy: destination = OutputPaths.join(engine.options.output, name, OutputPaths.lastComponent(file))
        case .inPlace: destination = file
        case .sql:
            try engine.auditOnly(name, designated: input.designatedColumn, audit: audit,
                                 why: "a CSV file is not a database: --sql writes no statements for it (rewrite it as a copy)")
            outcome.note = "not in the SQL script: a CSV source is rewritten as a copy"
            return outcome
        }
        outcome.written = destination
        if !dry, case .inPlace = engine.options.mode, let run = audit.run {
            try backup(run: run)
        }
        let state = EditState()
        let edit = makeEdit(columns: source.columns, feed: feed, editor: editor, state: state)
        var problems: [CSVRewriteProblem] = []
        var rewriter = CSVRewriter(source: source)
        // Records with no reference are copied without decoding their fields.
        rewriter.filter = CSVRecordFilter { address in
            guard state.failure == nil else { return false }
            do { return try feed.mayHaveReferences(ordinal: address.number) } catch { state.failure = error; return false }
        }
        if dry {
            _ = try rewriter.rewrite(into: { _ in }, problem: { problems.append($0) }, edit: edit)
        } else {
            try OutputPaths.makeFolders(for: destination, inside: engine.options.output)
            do {
                _ = try OutputPaths.keepingMode(of: destination) {
                    try rewriter.rewrite(to: try OutputPaths.writer(destination, inside: engine.options.output),
                                         problem: { problems.append($0) }, edit: edit)
                }
            } catch let e as AtomicFileError {
                throw RewriteError(.output, e.description)
            }
        }
        if let failure = state.failure { throw failure }
        try engine.auditGone(try feed.remaining(), source: name, audit: audit)
        outcome.recordsChanged = state.changed
        let unwritten = problems.filter { $0.kind != .fieldCount && $0.kind != .unclosedQuote }
        if !unwritten.isEmpty {
            outcome.note = "\(unwritten.count) record(s) copied unchanged: " + unwritten.prefix(3).map(\.description).joined(separator: "; ")
        }
        if !dry, let run = audit.run {
            try engine.catalog.addRewriteOutput(run: run, RewriteOutputRecord(
                source: name, kind: .copy, path: destination, original: file, format: "csv",
                options: String(delimiter ?? ",") + "\n" + (encoding ?? "")))
        }
        return outcome
    }

    /// What the edit callback (which cannot throw) keeps for the caller.
    final class EditState {
        var failure: Error?
        var changed = 0
    }

    /// The callback ``CSVRewriter`` calls for each record: the record's references edited, the
    /// audit written, the new values by column index.
    private func makeEdit(columns: [String], feed: ReferenceFeed, editor: RecordEditor, state: EditState)
        -> (CSVRecordAddress, [String]) -> [Int: String] {
        let plan = input.plan
        return { address, values in
            guard state.failure == nil else { return [:] }
            engine.afterEachRecord?()
            do {
                let refs = try feed.take(position: address.position)
                guard !refs.isEmpty else { return [:] }
                var fields: [String: String] = [:]
                for (c, v) in zip(columns, values) { fields[c] = v }
                let key = plan.key.map { fields[$0] ?? "" }.joined(separator: " / ")
                let (same, moved) = refs.partitioned { $0.recordKey == key }
                try audit.add(moved.map { engine.refusedEntry($0, source: name, why: "the record at \(address.position) has key '\(key)' now, "
                    + "not '\($0.recordKey)': the file changed since 'attache refs' read it; run refs again") })
                let edited = editor.edit(fields: fields, refs: same, recordID: address.position)
                try audit.add(edited.audit)
                guard !edited.values.isEmpty else { return [:] }
                state.changed += 1
                var byIndex: [Int: String] = [:]
                for (column, value) in edited.values { if let i = columns.firstIndex(of: column) { byIndex[i] = value } }
                return byIndex
            } catch {
                state.failure = error
                return [:]
            }
        }
    }

    private func backup(run: Int64) throws {
        let path = OutputPaths.join(engine.options.output, "backups", "run-\(run)", name, OutputPaths.lastComponent(file))
        try OutputPaths.copyFile(file, to: path, inside: engine.options.output)
        try engine.catalog.addRewriteOutput(run: run, RewriteOutputRecord(source: name, kind: .backup, path: path, original: file))
    }
}
