import AttacheConfig

/// The first lock on a live source's `query:`, checked before the query reaches the server
/// (the second is the server's own read-only transaction, see ``LiveConnection``).
///
/// The query's text is read with comments (`--`, MySQL's `#`, `/* */`), string literals,
/// quoted identifiers (`"…"`, MySQL's `` `…` ``) and PostgreSQL's dollar quotes (`$tag$…$tag$`)
/// skipped, and must be:
/// - one statement (a `;` may only end it);
/// - a `SELECT`, `WITH … SELECT`, `VALUES` or PostgreSQL's `TABLE name` — not `CALL`, `DO`,
///   `SHOW`, `HANDLER`, `EXPLAIN ANALYZE` (which runs its statement) or a write;
/// - without `INTO` (MySQL's `INTO OUTFILE`/`DUMPFILE` write files on the server; `INTO @var`
///   and PostgreSQL's `SELECT … INTO table` write too) and without row locks (`FOR UPDATE`,
///   `FOR SHARE`, `FOR NO KEY UPDATE`, `LOCK IN SHARE MODE`), which would block the live CRM;
/// - without the functions whose effects reach past the query (``sideEffects``:
///   `pg_terminate_backend`, `lo_export`, `set_config`, `LOAD_FILE`, `GET_LOCK`, …).
/// A write hidden in a CTE (`WITH x AS (DELETE …) SELECT`) or in a function is refused by the
/// server's read-only transaction, and reported the same way.
enum LiveQueryGuard {
    /// Why `query` is refused, or nil when it may run. `kind` is `.notReadOnly` for a write or
    /// a lock, `.badQuery` for several statements or an empty query.
    static func problem(in query: String, engine: LiveDatabase.Engine) -> (kind: SourceError.Kind, message: String)? {
        let words = significantWords(query, engine: engine)
        guard let first = words.first else { return (.badQuery, "the query is empty") }
        if let semicolon = words.firstIndex(of: ";"), words[(semicolon + 1)...].contains(where: { $0 != ";" }) {
            let then = words[(semicolon + 1)...].first { $0 != ";" } ?? ""
            return (.badQuery, "the query holds more than one statement (then: '\(then)…'); a source query must be a single SELECT")
        }
        let allowed = engine == .postgresql ? ["SELECT", "WITH", "VALUES", "TABLE", "("] : ["SELECT", "WITH", "VALUES", "("]
        guard allowed.contains(first) else {
            return (.notReadOnly, "the query starts with \(first), which is not a SELECT; a source query must only read: "
                + "one SELECT (WITH … SELECT and VALUES are fine). Nothing was sent to the server.")
        }
        for (i, w) in words.enumerated() {
            let next = i + 1 < words.count ? words[i + 1] : ""
            let lock = (w == "FOR" && ["UPDATE", "SHARE", "NO", "KEY"].contains(next)) || (w == "LOCK" && next == "IN")
            if w == "INTO" || lock {
                let what = w == "INTO" ? "SELECT … INTO writes its result (a file, a variable or a table)"
                                       : "\(w) \(next) locks the rows it reads in the live database"
                return (.notReadOnly, "\(what); a source query must only read. Nothing was sent to the server.")
            }
            if next == "(", let effect = Self.sideEffects[w] {
                return (.notReadOnly, "the query calls \(w.lowercased())(), which \(effect); a source query must only read. "
                    + "Nothing was sent to the server.")
            }
            if ["INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "CREATE", "DROP", "ALTER", "GRANT", "CALL"].contains(w),
               i > 0, words[i - 1] == "(" || words[i - 1] == "AS" {
                return (.notReadOnly, "the query holds \(w) inside it; a source query must only read. Nothing was sent to the server.")
            }
        }
        return nil
    }

    /// Functions a read-only transaction does not stop, whose effects reach past the query:
    /// other sessions, the server's files and settings, locks held for the live CRM. (A user
    /// with only SELECT cannot call most of them anyway; this refuses them for every user.)
    static let sideEffects: [String: String] = [
        "PG_TERMINATE_BACKEND": "ends another session", "PG_CANCEL_BACKEND": "cancels another session's query",
        "PG_RELOAD_CONF": "reloads the server's settings", "PG_ROTATE_LOGFILE": "rotates the server's log",
        "SET_CONFIG": "changes a setting", "LO_EXPORT": "writes a file on the server", "LO_IMPORT": "reads a server file into the database",
        "PG_FILE_WRITE": "writes a file on the server", "DBLINK_EXEC": "runs a statement on another connection",
        "DBLINK": "runs a query on another connection", "PG_ADVISORY_LOCK": "takes a lock", "PG_ADVISORY_XACT_LOCK": "takes a lock",
        "LOAD_FILE": "reads a file on the server", "GET_LOCK": "takes a lock", "RELEASE_LOCK": "releases a lock",
        "RELEASE_ALL_LOCKS": "releases locks", "SYS_EXEC": "runs a program on the server", "SYS_EVAL": "runs a program on the server",
    ]

    /// The query's words in upper case and its `;` and `(`, with comments, literals and quoted
    /// identifiers left out.
    static func significantWords(_ query: String, engine: LiveDatabase.Engine) -> [String] {
        let s = Array(query.unicodeScalars)
        var words: [String] = []
        var i = 0
        func skip(until end: Unicode.Scalar, doubling: Bool, backslash: Bool) {
            i += 1
            while i < s.count {
                if backslash && s[i] == "\\" { i += 2; continue }
                if s[i] == end {
                    if doubling && i + 1 < s.count && s[i + 1] == end { i += 2; continue }
                    i += 1; return
                }
                i += 1
            }
        }
        while i < s.count {
            let c = s[i]
            let next: Unicode.Scalar? = i + 1 < s.count ? s[i + 1] : nil
            if c == "-" && next == "-" || (engine == .mysql && c == "#") {
                while i < s.count && s[i] != "\n" { i += 1 }
            } else if c == "/" && next == "*" {
                i += 2
                while i + 1 < s.count && !(s[i] == "*" && s[i + 1] == "/") { i += 1 }
                i += 2
            } else if c == "'" {
                skip(until: "'", doubling: true, backslash: engine == .mysql)
            } else if c == "\"" || (engine == .mysql && c == "`") {
                skip(until: c, doubling: true, backslash: false)
            } else if engine == .postgresql && c == "$", let tagEnd = dollarTagEnd(s, from: i) {
                let tag = String(String.UnicodeScalarView(s[i...tagEnd]))
                let rest = String(String.UnicodeScalarView(s[(tagEnd + 1)...]))
                if let close = rest.range(of: tag) {
                    i = tagEnd + 1 + rest.unicodeScalars.distance(from: rest.unicodeScalars.startIndex, to: close.upperBound)
                } else {
                    i = s.count
                }
            } else if c == ";" || c == "(" {
                words.append(String(c)); i += 1
            } else if c.properties.isAlphabetic || c == "_" {
                var w = ""
                while i < s.count && (s[i].properties.isAlphabetic || s[i] == "_" || ("0"..."9").contains(s[i]) || s[i] == "$") {
                    w.unicodeScalars.append(s[i]); i += 1
                }
                words.append(w.uppercased())
            } else {
                i += 1
            }
        }
        return words
    }

    /// The end of a dollar-quote tag starting at `start` (`$$` or `$name$`), or nil.
    private static func dollarTagEnd(_ s: [Unicode.Scalar], from start: Int) -> Int? {
        var j = start + 1
        while j < s.count, s[j].properties.isAlphabetic || s[j] == "_" || ("0"..."9").contains(s[j]) { j += 1 }
        return j < s.count && s[j] == "$" ? j : nil
    }
}
