import AttacheCatalog
import AttacheConfig
import AttacheModel
import AttacheRecords
import Foundation

/// Reverts a live table rewritten in place, from the run's audit: each rewritten record's
/// current values are read (by key, inside the transaction), its spans undone where they still
/// hold the text the run wrote (``RewriteRevert/restoreRecord(_:into:current:)``), and each
/// restored value written back with a guarded `UPDATE` (it must still hold what was just
/// read). One transaction: all of it, or (on any error) nothing. The revert's own scripts are
/// written first, in `--out/backups/run-N/<source>/`, for the record.
struct LiveRevert {
    let catalog: Catalog
    let output: RewriteOutputRecord
    let run: Int64
    let audit: AuditBuffer
    let dryRun: Bool

    func run(_ outcome: inout RewriteSourceOutcome) throws {
        guard let options = LiveOutputOptions(text: output.options),
              let engine = LiveDatabase.Engine(rawValue: output.format) else {
            throw RewriteError(.missingInput, "the catalog's record of the live source '\(output.source)' cannot be read: "
                + "\(output.options)")
        }
        let database: LiveDatabase
        do { database = try LiveDatabase(engine: engine, url: output.path, passwordEnv: options.passwordEnv) } catch {
            throw RewriteError(.missingInput, "the live source '\(output.source)': \(error.message)")
        }
        let dialect: SQLDialect = engine == .mysql ? .mysql : .postgresql
        let spelling = SQLSpelling(dialect: dialect)
        let connection = try LiveConnector.open(database, source: output.source, readOnly: false)
        defer { connection.close() }
        func fail(_ m: String) -> SourceError {
            SourceError(kind: .unreadable, source: output.source, file: output.path, position: nil, message: m, fatal: true)
        }
        do {
            for statement in SQLSpelling.sessionSettings(dialect) + [dialect == .mysql ? "START TRANSACTION" : "BEGIN"] {
                _ = try connection.execute(statement)
            }
            let table = try spelling.identifier(options.table)
            try RewriteRevert.forEachRecord(catalog, run: run, source: output.source) { recordID, entries in
                guard let key = Self.keyValues(recordID), key.count == options.key.count else { return }
                let row = try spelling.rowCondition(.keys(zip(options.key, key).map { SQLKey($0, .text($1)) }), table: options.table)
                var current: [String: String] = [:]
                for column in Set(entries.map(\.column)) {
                    try connection.stream("SELECT \(try spelling.identifier(column)) FROM \(table) WHERE \(row)", columns: { _ in },
                                          row: { v in current[column] = v.first.flatMap { $0 }.map { String(decoding: $0, as: UTF8.self) } })
                }
                var rows: [RewriteAuditEntry] = []
                let values = RewriteRevert.restoreRecord(entries, into: &rows) { current[$0] ?? "" }
                try audit.add(rows)
                guard !values.isEmpty else { return }
                outcome.recordsChanged += 1
                for (column, value) in values.sorted(by: { $0.key < $1.key }) {
                    let c = try spelling.identifier(column)
                    let n = try connection.execute("UPDATE \(table) SET \(c) = \(try spelling.string(value)) WHERE \(row) AND "
                        + spelling.sameText(c, try spelling.string(current[column] ?? "")))
                    if n != 1 { throw fail("the record \(recordID), column '\(column)' changed while it was reverted: nothing was reverted") }
                }
            }
            if dryRun { try connection.rollback() } else { try connection.commit() }
        } catch let e as SQLScriptError {
            try? connection.rollback()
            throw fail(e.message)
        } catch {
            try? connection.rollback()
            throw error
        }
    }

    /// The key values of a record id written by ``LiveRecordSource/recordID(key:)``.
    static func keyValues(_ recordID: String) -> [String]? {
        guard let data = recordID.data(using: .utf8) else { return nil }
        return try? JSONDecoder().decode([String].self, from: data)
    }
}
