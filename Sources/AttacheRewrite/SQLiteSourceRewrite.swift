import AttacheCatalog
import AttacheModel
import AttacheRecords
import AttacheSystem
#if canImport(Glibc)
import Glibc
#endif

/// One SQLite table source rewritten: its rows read again (with their rowids, in the order
/// `refs` read them), each row with references edited, and the changed values written to the
/// copy (default), to the database itself after a backup (`--in-place`), or to the SQL scripts.
/// The writes of a source are one transaction: a failure leaves no half-rewritten database.
struct SQLiteSourceRewrite {
    let engine: RewriteEngine
    let input: RewriteEngine.SourceInput
    let database: String
    let table: String
    let audit: AuditBuffer

    private var name: String { input.plan.name }

    func run(script: inout SQLScriptOutput?) throws -> RewriteSourceOutcome {
        var outcome = RewriteSourceOutcome(name: name)
        let dry = engine.options.dryRun
        var readFrom = database
        var writer: SQLiteWritableDatabase?
        var copy: AtomicWriter?
        let fileName = OutputPaths.lastComponent(database)
        switch engine.options.mode {
        case .copy:
            let path = OutputPaths.join(engine.options.output, name, fileName)
            outcome.written = path
            if !dry {
                try OutputPaths.makeFolders(for: path, inside: engine.options.output)
                copy = try OutputPaths.writer(path, inside: engine.options.output)
                try SQLiteWritableDatabase.backup(database, to: copy!.temporaryFileSystemPath.display, source: name)
                writer = try SQLiteWritableDatabase(path: copy!.temporaryFileSystemPath.display, source: name)
                // A copy under a temporary name is thrown away on any failure: no journal, no
                // syncs until it is complete (the copy is fsynced before it is named).
                // (A WAL database stays one: its header says so, and the copy keeps it.)
                _ = writer?.execute("PRAGMA synchronous = OFF")
                if writer?.scalar("PRAGMA journal_mode")?.lowercased() != "wal" { _ = writer?.execute("PRAGMA journal_mode = OFF") }
            }
        case .inPlace:
            outcome.written = database
            if !dry, let run = audit.run {
                let backup = OutputPaths.join(engine.options.output, "backups", "run-\(run)", name, fileName)
                try OutputPaths.makeFolders(for: backup, inside: engine.options.output)
                let b = try OutputPaths.writer(backup, inside: engine.options.output)
                try SQLiteWritableDatabase.backup(database, to: b.temporaryFileSystemPath.display, source: name)
                try OutputPaths.commit(b)
                try engine.catalog.addRewriteOutput(run: run, RewriteOutputRecord(source: name, kind: .backup, path: backup, original: database))
                readFrom = backup
                writer = try SQLiteWritableDatabase(path: database, source: name)
            }
        case .sql:
            break
        }
        do {
            if let writer, let message = writer.execute("BEGIN IMMEDIATE") {
                throw failure("cannot start a transaction: \(message)")
            }
            try rewriteRows(readFrom: readFrom, writer: writer, script: &script, outcome: &outcome)
            if let writer, let message = writer.execute("COMMIT") { throw failure("cannot commit the rewrite: \(message)") }
            writer = nil   // closed before the copy is named
            if let c = copy {
                try OutputPaths.commit(c)
                copy = nil
            }
        } catch {
            _ = writer?.execute("ROLLBACK")
            copy?.discard()
            throw error
        }
        if !dry, let run = audit.run, case .copy = engine.options.mode, let written = outcome.written {
            try engine.catalog.addRewriteOutput(run: run, RewriteOutputRecord(source: name, kind: .copy, path: written, original: database,
                                                                                format: "sqlite", options: table))
        } else if !dry, let run = audit.run, case .inPlace = engine.options.mode {
            try engine.catalog.addRewriteOutput(run: run, RewriteOutputRecord(source: name, kind: .copy, path: database, original: database,
                                                                                format: "sqlite", options: table,
                                                                                sha256: try? RawFile.sha256(of: RawPath(database)).get()))
        }
        return outcome
    }

    private func rewriteRows(readFrom: String, writer: SQLiteWritableDatabase?, script: inout SQLScriptOutput?,
                             outcome: inout RewriteSourceOutcome) throws {
        let plan = input.plan
        let source = try SQLiteRecordSource(name: name, database: readFrom, table: table, query: nil, key: plan.key,
                                            deleted: plan.deleted, modified: plan.modified, withRowID: true)
        let feed = try ReferenceFeed(catalog: engine.catalog, source: name, target: engine.target, groupedByPosition: false)
        let limits = SQLiteWritableDatabase.declaredLengths(database: readFrom, table: table, source: name)
        let editor = engine.makeEditor(source: name, html: false, designated: input.designatedColumn, limits: limits,
                                       encoding: nil, earlier: try engine.earlierEdits(source: name))
        let updates = writer.map { UpdateLane(writer: $0, table: table, fail: failure) }
        var scriptOut = script
        defer { script = scriptOut }
        if let problem = scriptOut?.identityProblem(key: plan.key) { throw failure(problem) }
        var feedError: Error?
        try source.forEachRecord(only: { n in
            do { return try feed.mayHaveReferences(ordinal: n) } catch { feedError = error; return true }
        }, { record in
            if let feedError { throw feedError }
            engine.afterEachRecord?()
            let refs = try feed.take(position: record.position)
            guard !refs.isEmpty else { return }
            let key = record.key.joined(separator: " / ")
            let (same, moved) = refs.partitioned { $0.recordKey == key }
            try audit.add(moved.map { refused($0, "the record at \(record.position) has key '\(key)' now, not '\($0.recordKey)': "
                + "the source changed since 'attache refs' read it; run refs again") })
            var edited = editor.edit(fields: record.fields, refs: same, recordID: record.rowID.map(String.init))
            if !edited.values.isEmpty {
                guard let rowID = record.rowID else {
                    for i in edited.audit.indices where edited.audit[i].outcome.changedRecord {
                        edited.audit[i].outcome = .failed
                        edited.audit[i].detail = "the table has no rowid (a view or a WITHOUT ROWID table): attache cannot write it back"
                    }
                    try audit.add(edited.audit)
                    return
                }
                for column in edited.values.keys.sorted() {
                    let value = edited.values[column]!
                    try updates?.add(UpdateLane.Update(rowID: rowID, column: column, value: value, position: record.position))
                    do {
                        try scriptOut?.add(table: table, rowID: rowID, key: zip(plan.key, record.key).map { ($0, $1) }, column: column,
                                           before: record.fields[column] ?? "", after: value, note: "\(name) \(record.position)")
                    } catch let e as SQLScriptError { throw failure(e.message) }
                }
                outcome.recordsChanged += 1
            }
            try audit.add(edited.audit)
        }, problem: { _ in })
        try updates?.finish()
        try engine.auditGone(try feed.remaining(), source: name, audit: audit)
    }

    private func refused(_ ref: RewriteReference, _ why: String) -> RewriteAuditEntry {
        RewriteAuditEntry(source: name, refID: ref.id, recordKey: ref.recordKey, recordPosition: ref.recordPosition, recordID: nil,
                          column: ref.column, outcome: .refused, before: ref.raw, fileID: ref.fileID, detail: why)
    }

    private var failure: @Sendable (String) -> SourceError {
        let (name, database) = (self.name, self.database)
        return { message in SourceError(kind: .unreadable, source: name, file: database, position: nil, message: message, fatal: true) }
    }

}

extension Array {
    /// The elements that satisfy `test`, and the others, each in order.
    func partitioned(_ test: (Element) -> Bool) -> ([Element], [Element]) {
        var yes: [Element] = [], no: [Element] = []
        for e in self { if test(e) { yes.append(e) } else { no.append(e) } }
        return (yes, no)
    }
}

/// The UPDATEs of a SQLite rewrite, applied in order on a thread of their own while the next
/// rows are read and edited (one batch in flight); the transaction is the caller's.
final class UpdateLane {
    struct Update: Sendable { let rowID: Int64; let column: String; let value: String; let position: String }
    private let writer: SQLiteWritableDatabase
    private let table: String
    private let fail: @Sendable (String) -> SourceError
    private var pending: [Update] = []
    private var inFlight: BackgroundJob<Void, SourceError>?

    init(writer: SQLiteWritableDatabase, table: String, fail: @escaping @Sendable (String) -> SourceError) {
        self.writer = writer; self.table = table; self.fail = fail
    }

    func add(_ u: Update) throws {
        pending.append(u)
        if pending.count >= 4096 { try flush() }
    }

    private func flush() throws {
        try inFlight?.wait()
        guard !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        let (writer, table, fail) = (UncheckedBox(self.writer), self.table, self.fail)
        inFlight = BackgroundJob(name: "attache-updates") { () throws(SourceError) in
            for u in batch {
                switch writer.value.update(table: table, column: u.column, rowID: u.rowID, value: u.value) {
                case .failure(let e): throw fail("cannot write \(u.position), column '\(u.column)': \(e.message)")
                case .success(let n) where n != 1: throw fail("\(u.position) (rowid \(u.rowID)) is not in the database being written")
                case .success: break
                }
            }
        }
    }

    /// Applies what is left and waits for it.
    func finish() throws {
        try flush()
        try inFlight?.wait()
        inFlight = nil
    }

    deinit { _ = try? inFlight?.wait() }
}

/// A value handed to one other thread at a time (the lane waits for each batch before the next).
struct UncheckedBox<T>: @unchecked Sendable { let value: T; init(_ v: T) { value = v } }
