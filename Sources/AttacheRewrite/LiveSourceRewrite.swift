import AttacheCatalog
import AttacheConfig
import AttacheModel
import AttacheRecords
import AttacheSystem
import Foundation

/// One table of a live MySQL/MariaDB or PostgreSQL database rewritten. Its rows are read
/// again (read-only, one snapshot, in the order `refs` read them) and edited; then:
/// - by default (no copy of a live database can be made), the forward and revert SQL scripts
///   for the DBA, in the server's dialect, in `--out/<source>/`;
/// - `--in-place`: the same two scripts, complete and named in `--out/backups/run-N/<source>/`
///   before anything is written, then the forward script run statement by statement in one
///   transaction: every guarded `UPDATE` must find its row still holding what was read, or the
///   transaction is rolled back and nothing is written (the database changed meanwhile);
/// - `--sql FILE`: the changes go to the run's script like every other source's.
/// Rows are named by the source's `key` (else the table's primary key); the audit's record id
/// is the key's values as a JSON array (``LiveRecordSource/recordID(key:)``).
struct LiveSourceRewrite {
    let engine: RewriteEngine
    let input: RewriteEngine.SourceInput
    let database: LiveDatabase
    let table: String
    let audit: AuditBuffer

    private var name: String { input.plan.name }
    private var dialect: SQLDialect { database.engine == .mysql ? .mysql : .postgresql }

    func run(script: inout SQLScriptOutput?) throws -> RewriteSourceOutcome {
        var outcome = RewriteSourceOutcome(name: name)
        let dry = engine.options.dryRun
        let plan = input.plan
        let source = try LiveRecordSource(name: name, database: database, table: table, query: nil, key: plan.key,
                                          deleted: plan.deleted, modified: plan.modified)
        let identity = plan.key.isEmpty ? source.primaryKey : plan.key
        guard !identity.isEmpty else {
            throw failure("the table '\(source.table ?? table)' has no primary key and the source no `key:`: "
                + "attache cannot name its rows in an UPDATE; give the source a `key:` (columns that identify a row)")
        }
        var own: LiveScripts?
        switch engine.options.mode {
        case .copy:
            if !dry { own = try LiveScripts(folder: OutputPaths.join(engine.options.output, name), source: name, dialect: dialect,
                                            header: header(purpose: "for the DBA to run"), inside: engine.options.output) }
        case .inPlace:
            if !dry, let run = audit.run {
                own = try LiveScripts(folder: OutputPaths.join(engine.options.output, "backups", "run-\(run)", name), source: name,
                                      dialect: dialect, header: header(purpose: "run by attache rewrite --in-place"),
                                      inside: engine.options.output)
            }
        case .sql:
            break
        }
        do {
            try rewriteRows(source, identity: identity, own: &own, script: &script, outcome: &outcome)
            try own?.finish()
        } catch {
            own?.discard()
            throw error
        }
        guard let own, let run = audit.run else { return outcome }
        try engine.catalog.addRewriteOutput(run: run, RewriteOutputRecord(source: name, kind: .script, path: own.forwardPath,
                                                                            original: database.url, format: dialect.rawValue))
        try engine.catalog.addRewriteOutput(run: run, RewriteOutputRecord(source: name, kind: .revertScript, path: own.revertPath,
                                                                            original: database.url, format: dialect.rawValue))
        if case .inPlace = engine.options.mode {
            try LiveScriptRunner(database: database, source: name).run(own.forwardPath, statements: own.statements)
            try engine.catalog.addRewriteOutput(run: run, RewriteOutputRecord(
                source: name, kind: .copy, path: database.url, original: database.url, format: dialect.rawValue,
                options: LiveOutputOptions(table: source.table ?? table, key: identity, passwordEnv: database.passwordEnv).text))
            outcome.written = database.url
        } else {
            outcome.written = own.forwardPath
            outcome.note = "a live database: its scripts are for the DBA (\(own.forwardPath)); --in-place runs them"
        }
        return outcome
    }

    private func header(purpose: String) -> [String] {
        ["attache rewrite" + (audit.run.map { ", run \($0)" } ?? "") + ", source \(name) (\(database.url), table \(table)), \(purpose)",
         "the mapping of the target \(engine.target), spelled below \(engine.spelling.address.text)"]
    }

    private func rewriteRows(_ source: LiveRecordSource, identity: [String], own: inout LiveScripts?,
                             script: inout SQLScriptOutput?, outcome: inout RewriteSourceOutcome) throws {
        let actualTable = source.table ?? table
        let feed = try ReferenceFeed(catalog: engine.catalog, source: name, target: engine.target, groupedByPosition: false)
        let editor = engine.makeEditor(source: name, html: false, designated: input.designatedColumn,
                                       limits: try source.declaredLengths(), encoding: nil, earlier: try engine.earlierEdits(source: name))
        var scriptOut = script
        defer { script = scriptOut }
        if let problem = scriptOut?.identityProblem(key: identity) { throw failure(problem) }
        try source.forEachRecord({ record in
            engine.afterEachRecord?()
            let refs = try feed.take(position: record.position)
            guard !refs.isEmpty else { return }
            let key = record.key.joined(separator: " / ")
            let (same, moved) = refs.partitioned { $0.recordKey == key }
            try audit.add(moved.map { engine.refusedEntry($0, source: name, why: "the record at \(record.position) has key '\(key)' "
                + "now, not '\($0.recordKey)': the source changed since 'attache refs' read it; run refs again") })
            let keyValues = identity.map { record.fields[$0] }
            let edited = editor.edit(fields: record.fields, refs: same,
                                     recordID: LiveRecordSource.recordID(key: keyValues.map { $0 ?? "" }))
            if !edited.values.isEmpty {
                let keys = zip(identity, keyValues).map { SQLKey($0, $1.map(SQLLiteral.text) ?? .null) }
                for column in edited.values.keys.sorted() {
                    let change = RowChange(table: actualTable, identity: .keys(keys), column: column,
                                           before: record.fields[column] ?? "", after: edited.values[column]!,
                                           note: "\(name) \(record.position), key \(keyValues.map { $0 ?? "NULL" }.joined(separator: " / "))")
                    do {
                        try own?.add(change)
                        try scriptOut?.add(table: actualTable, rowID: 0, key: zip(identity, keyValues.map { $0 ?? "" }).map { ($0, $1) },
                                           column: column, before: change.before, after: change.after, note: change.note)
                    } catch let e as SQLScriptError { throw failure(e.message) }
                }
                outcome.recordsChanged += 1
            }
            try audit.add(edited.audit)
        }, problem: { _ in })
        try engine.auditGone(try feed.remaining(), source: name, audit: audit)
    }

    private func failure(_ message: String) -> SourceError {
        SourceError(kind: .unreadable, source: name, file: database.url, position: nil, message: message, fatal: true)
    }
}

/// How verify and revert find a live table again: the table, the columns naming its rows,
/// and where the password comes from (JSON, in the output's `options`).
struct LiveOutputOptions: Equatable, Codable {
    var table: String
    var key: [String]
    var passwordEnv: String?

    var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    init(table: String, key: [String], passwordEnv: String?) { self.table = table; self.key = key; self.passwordEnv = passwordEnv }

    /// The options of an output the catalog recorded; nil when they are not these.
    init?(text: String) {
        guard let o = try? JSONDecoder().decode(LiveOutputOptions.self, from: Data(text.utf8)) else { return nil }
        self = o
    }
}
