// The SQL words of the scripts for the DBA: the dialects, the values a row is found by, and
// how each dialect spells a name, a string and a byte-exact comparison.

/// The database an SQL script is written for.
public enum SQLDialect: String, Sendable, Hashable, CaseIterable {
    case sqlite, mysql, postgresql

    /// How to run a script, for its header (`FILE` stands for the script's name).
    public var howToRun: String {
        switch self {
        case .sqlite: return "sqlite3 -bail DATABASE < FILE"
        case .mysql: return "mysql DATABASE < FILE"
        case .postgresql: return "psql -v ON_ERROR_STOP=1 -d DATABASE -f FILE"
        }
    }
}

/// A value in a `WHERE` clause that finds a row (a key column's value).
public enum SQLLiteral: Sendable, Hashable {
    case text(String)
    case integer(Int64)
    case null
}

/// One column of a row's key and its value.
public struct SQLKey: Sendable, Hashable {
    public var column: String
    public var value: SQLLiteral

    public init(_ column: String, _ value: SQLLiteral) {
        self.column = column
        self.value = value
    }
}

/// How a statement finds its row.
public enum SQLRowIdentity: Sendable, Hashable {
    /// SQLite's `rowid` (only in SQLite scripts).
    case rowid(Int64)
    /// Key columns and their values (the caller knows the table's primary key).
    case keys([SQLKey])
}

/// Why a change cannot be written into a script (nothing of it is written).
public struct SQLScriptError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A sentence for people: what cannot be written and why.
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The spelling rules of one dialect. Every value is written so that the server's settings
/// cannot change its meaning: the script sets what it relies on (mysql: no backslash escapes,
/// utf8mb4; postgresql: standard-conforming strings, UTF8), quotes are doubled, and control
/// characters never appear raw (they are written as character codes, which no client
/// program rewrites — a `mysql` or `sqlite3` reading lines may drop a carriage return, and
/// an invisible character has no place in a script people review).
struct SQLSpelling {
    let dialect: SQLDialect

    /// An identifier, always quoted (so a name that is a keyword or has capitals or spaces
    /// means exactly itself): `"x"` with `"` doubled; backquotes with doubled backquotes in mysql.
    func identifier(_ name: String) throws(SQLScriptError) -> String {
        guard !name.isEmpty else { throw SQLScriptError("a table or column name is empty") }
        guard !name.unicodeScalars.contains(where: SQLSpelling.isControl) else {
            throw SQLScriptError("the name '\(SQLSpelling.visible(name))' holds a control character; a script cannot name it safely")
        }
        let quote: Character = dialect == .mysql ? "`" : "\""
        var out = String(quote)
        for c in name {
            if c == quote { out.append(quote) }
            out.append(c)
        }
        out.append(quote)
        return out
    }

    /// A string value: `'…'` with `'` doubled; runs of control characters become
    /// `char(13, 10)` (sqlite), `CHAR(13, 10 USING utf8mb4)` (mysql, its UTF-8 bytes) or
    /// `chr(13) || chr(10)` (postgresql), joined with `||` (sqlite, postgresql) or `CONCAT`.
    /// - Throws: for a NUL character, which no text column can hold.
    func string(_ text: String) throws(SQLScriptError) -> String {
        if text.unicodeScalars.contains(where: { $0.value == 0 }) {
            throw SQLScriptError("the text holds a NUL character, which a text column cannot store")
        }
        var pieces: [String] = []
        var literal = "", controls: [Unicode.Scalar] = []
        func flushLiteral() { if !literal.isEmpty { pieces.append("'" + literal + "'"); literal = "" } }
        func flushControls() { if !controls.isEmpty { pieces.append(codes(controls)); controls = [] } }
        for scalar in text.unicodeScalars {
            if SQLSpelling.isControl(scalar) {
                flushLiteral()
                controls.append(scalar)
            } else {
                flushControls()
                if scalar == "'" { literal += "''" } else { literal.unicodeScalars.append(scalar) }
            }
        }
        flushLiteral()
        flushControls()
        switch pieces.count {
        case 0: return "''"
        case 1: return pieces[0]
        default: return dialect == .mysql ? "CONCAT(" + pieces.joined(separator: ", ") + ")" : "(" + pieces.joined(separator: " || ") + ")"
        }
    }

    /// A run of control characters as character codes.
    private func codes(_ scalars: [Unicode.Scalar]) -> String {
        switch dialect {
        case .sqlite:
            return "char(" + scalars.map { String($0.value) }.joined(separator: ", ") + ")"
        case .mysql:
            let bytes = scalars.flatMap { Array(String($0).utf8) }
            return "CHAR(" + bytes.map { String($0) }.joined(separator: ", ") + " USING utf8mb4)"
        case .postgresql:
            return scalars.map { "chr(\($0.value))" }.joined(separator: " || ")
        }
    }

    /// A key value: a string, a whole number, or NULL.
    func literal(_ value: SQLLiteral) throws(SQLScriptError) -> String {
        switch value {
        case .text(let t): return try string(t)
        case .integer(let i): return String(i)
        case .null: return "NULL"
        }
    }

    /// `column = value` compared byte for byte, whatever the column's collation: MySQL's
    /// usual collations ignore case and trailing spaces, and a SQLite or PostgreSQL column may
    /// be declared case-insensitive — a guard must not take a changed value for the one read.
    func sameText(_ column: String, _ value: String) -> String {
        switch dialect {
        case .sqlite: return "\(column) COLLATE BINARY = \(value)"
        case .mysql: return "CAST(CONVERT(\(column) USING utf8mb4) AS BINARY) = CAST(\(value) AS BINARY)"
        case .postgresql: return "\(column) COLLATE \"C\" = \(value)"
        }
    }

    /// What finds the row: `rowid = 5` (sqlite) or `"id" = 5 AND "site" = 'x'`. Plain `=` on
    /// the keys, so the database uses its index.
    func rowCondition(_ identity: SQLRowIdentity, table: String) throws(SQLScriptError) -> String {
        switch identity {
        case .rowid(let id):
            guard dialect == .sqlite else {
                throw SQLScriptError("\(dialect.rawValue) has no rowid: the change to table '\(table)' needs the table's key columns")
            }
            return "rowid = \(id)"
        case .keys(let keys):
            guard !keys.isEmpty else { throw SQLScriptError("the change to table '\(table)' names no key column to find its row by") }
            var parts: [String] = []
            for key in keys {
                let name = try identifier(key.column)
                parts.append(key.value == .null ? "\(name) IS NULL" : "\(name) = \(try literal(key.value))")
            }
            return parts.joined(separator: " AND ")
        }
    }

    /// The session settings the spelled values rely on (the scripts' preamble; attache's own
    /// connections run them too).
    static func sessionSettings(_ dialect: SQLDialect) -> [String] {
        switch dialect {
        case .sqlite: return []
        case .mysql:
            return ["SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'NO_BACKSLASH_ESCAPES', 'STRICT_ALL_TABLES')",
                    "SET NAMES utf8mb4"]
        case .postgresql: return ["SET standard_conforming_strings = on", "SET client_encoding = 'UTF8'"]
        }
    }

    /// A control character (Unicode category Cc: U+0000–U+001F, U+007F–U+009F).
    static func isControl(_ s: Unicode.Scalar) -> Bool { s.value < 0x20 || (0x7F...0x9F).contains(s.value) }

    /// `text` with control characters shown as `<U+000A>` (for comments and messages).
    static func visible(_ text: String) -> String {
        var out = ""
        for s in text.unicodeScalars {
            if isControl(s) {
                let hex = String(s.value, radix: 16, uppercase: true)
                out += "<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">"
            } else {
                out.unicodeScalars.append(s)
            }
        }
        return out
    }
}
