import AttacheModel

/// One column of one row to change: the whole value before and after the rewrite.
///
/// There is one change per (row, column): a value with several references is one change
/// holding all of its edits, so the revert script can undo each change independently.
public struct RowChange: Sendable, Hashable {
    /// The table's schema (`public`, a MySQL database), or nil for the connection's default.
    public var schema: String?
    public var table: String
    /// How the row is found.
    public var identity: SQLRowIdentity
    public var column: String
    /// The value as the references stage read it.
    public var before: String
    /// The value with the new locations in it.
    public var after: String
    /// Where the change comes from, for people reading the script (source, record): a comment.
    public var note: String

    public init(schema: String? = nil, table: String, identity: SQLRowIdentity, column: String,
                before: String, after: String, note: String) {
        self.schema = schema
        self.table = table
        self.identity = identity
        self.column = column
        self.before = before
        self.after = after
        self.note = note
    }
}

/// What a finished pair of scripts holds.
public struct SQLScriptSummary: Sendable, Hashable {
    /// `UPDATE` statements in each script.
    public var statements = 0
    /// Statements per `table.column` (schema-qualified when a schema is given), sorted by name.
    public var byColumn: [(column: String, statements: Int)] {
        counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
    var counts: [String: Int] = [:]

    public static func == (a: Self, b: Self) -> Bool { a.statements == b.statements && a.counts == b.counts }
    public func hash(into h: inout Hasher) { h.combine(statements); h.combine(counts) }
}

/// Writes the two SQL scripts a DBA reviews and runs: the forward script (`UPDATE`s to the
/// new values) and the revert script (back to the values read), each one transaction.
///
/// Every statement is guarded: `UPDATE t SET c = 'after' WHERE <row> AND c = 'before';`
/// touches the row only while its column still holds, byte for byte, the text attache read.
/// So a script run twice changes nothing the second time, a row changed meanwhile is left
/// alone, and the revert (`SET c = 'before' … AND c = 'after'`) only undoes what is still
/// attache's. The writer streams: each change is written to both sinks as it comes, so a
/// million changes never sit in memory. Give it sinks that make the files appear whole or not
/// at all (AtomicWriter behind a ``TextSink``), and call ``finish()`` before committing them.
///
/// ```swift
/// var w = SQLScriptWriter(dialect: .sqlite, forward: StringSink(), revert: StringSink(),
///                         header: ["source crm (crm.sqlite)"])
/// try w.add(RowChange(table: "notes", identity: .rowid(5), column: "body",
///                     before: #"K:\scans\a.pdf"#, after: #"\\NEWSRV\crm\a.pdf"#, note: "crm, rowid 5"))
/// let summary = w.finish()
/// ```
public struct SQLScriptWriter<Forward: TextSink, Revert: TextSink> {
    public let dialect: SQLDialect
    /// The forward script so far (read it after ``finish()``).
    public private(set) var forward: Forward
    /// The revert script so far.
    public private(set) var revert: Revert
    public private(set) var summary = SQLScriptSummary()
    private let spelling: SQLSpelling
    private var finished = false

    /// Starts both scripts: the header comment, the session settings, the transaction.
    /// - Parameter header: lines for the header comment (what was rewritten, from which
    ///   catalog and run, the other script's name); control characters are shown as `<U+000A>`.
    public init(dialect: SQLDialect, forward: Forward, revert: Revert, header: [String] = []) {
        self.dialect = dialect
        self.forward = forward
        self.revert = revert
        spelling = SQLSpelling(dialect: dialect)
        self.forward.write(preamble(purpose: "changes the references to moved files to their new locations", header: header))
        self.revert.write(preamble(purpose: "puts back the references as they were before the rewrite (undoes its forward script)",
                                   header: header))
    }

    /// Writes one change to both scripts, or nothing when it cannot be written (or when the
    /// value does not change).
    /// - Throws: ``SQLScriptError`` for a NUL character in a value, a `rowid` outside SQLite,
    ///   an empty name or a name with a control character.
    public mutating func add(_ change: RowChange) throws(SQLScriptError) {
        precondition(!finished, "SQLScriptWriter.add after finish")
        guard change.before != change.after else { return }
        let place = "\(change.table).\(change.column) (\(SQLSpelling.visible(change.note)))"
        let table: String, column: String, row: String, before: String, after: String
        do throws(SQLScriptError) {
            let qualifier = try change.schema.map { s throws(SQLScriptError) in try spelling.identifier(s) + "." } ?? ""
            table = try qualifier + spelling.identifier(change.table)
            column = try spelling.identifier(change.column)
            row = try spelling.rowCondition(change.identity, table: change.table)
            before = try spelling.string(change.before)
            after = try spelling.string(change.after)
        } catch {
            throw SQLScriptError("cannot write the change to \(place) into the SQL script: \(error.message)")
        }
        let comment = "-- " + SQLSpelling.visible(change.note) + "\n"
        forward.write(comment + "UPDATE \(table) SET \(column) = \(after) WHERE \(row) AND \(spelling.sameText(column, before));\n")
        revert.write(comment + "UPDATE \(table) SET \(column) = \(before) WHERE \(row) AND \(spelling.sameText(column, after));\n")
        summary.statements += 1
        summary.counts[(change.schema.map { $0 + "." } ?? "") + change.table + "." + change.column, default: 0] += 1
    }

    /// Ends both scripts (`COMMIT;` and a closing comment with the counts).
    @discardableResult
    public mutating func finish() -> SQLScriptSummary {
        precondition(!finished, "SQLScriptWriter.finish twice")
        finished = true
        var trailer = "COMMIT;\n-- \(summary.statements) UPDATE statement\(summary.statements == 1 ? "" : "s")"
        if !summary.byColumn.isEmpty {
            trailer += ": " + summary.byColumn.map { "\(SQLSpelling.visible($0.column)) \($0.statements)" }.joined(separator: ", ")
        }
        trailer += "\n"
        forward.write(trailer)
        revert.write(trailer)
        return summary
    }

    /// The header comment, the settings the values rely on, and the transaction's start.
    private func preamble(purpose: String, header: [String]) -> String {
        var lines = ["-- Generated by attache: this script \(purpose).", "--"]
        lines += header.map { "-- " + SQLSpelling.visible($0) }
        if !header.isEmpty { lines.append("--") }
        lines += [
            "-- Each statement changes one column of one row, and only while it still holds exactly",
            "-- the text attache read: run twice, or on a row changed meanwhile, it changes nothing.",
            "-- One transaction: it stops at the first error and then changes nothing.",
            "-- The number of statements is at the end of the script.",
            "-- Run it with: \(dialect.howToRun)",
        ]
        switch dialect {
        case .sqlite:
            lines += ["", "BEGIN;"]
        case .mysql:
            lines += ["-- (values are compared as bytes: MySQL's usual collations ignore case and trailing spaces)", ""]
                + SQLSpelling.sessionSettings(dialect).map { $0 + ";" } + ["START TRANSACTION;"]
        case .postgresql:
            lines += [""] + SQLSpelling.sessionSettings(dialect).map { $0 + ";" } + ["BEGIN;"]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
