import AttacheConfig
import AttacheModel
import AttacheRecords
import AttacheSystem
#if canImport(Glibc)
import Glibc
#endif

/// A live source's own pair of scripts (`<source>.<dialect>.sql` and its `.revert.sql`), both
/// appearing whole when finished, or not at all.
struct LiveScripts {
    let forwardPath: String
    let revertPath: String
    private var writer: SQLScriptWriter<AtomicTextSink, AtomicTextSink>
    /// `UPDATE` statements written.
    var statements: Int { writer.summary.statements }

    /// - Parameter root: the output folder the scripts are written in (no link below it is followed).
    init(folder: String, source: String, dialect: SQLDialect, header: [String], inside root: String) throws {
        forwardPath = OutputPaths.join(folder, "\(source).\(dialect.rawValue).sql")
        revertPath = SQLScriptFiles.revertPath(forwardPath)
        let forward = try AtomicTextSink(path: forwardPath, inside: root)
        let revert = try AtomicTextSink(path: revertPath, inside: root)
        writer = SQLScriptWriter(dialect: dialect, forward: forward, revert: revert,
                                 header: header + ["revert script: " + revertPath])
    }

    mutating func add(_ change: RowChange) throws(SQLScriptError) { try writer.add(change) }

    /// Ends both scripts and names them (the revert script first).
    mutating func finish() throws {
        writer.finish()
        try writer.revert.close()
        try writer.forward.close()
    }

    func discard() {
        writer.forward.discard()
        writer.revert.discard()
    }
}

/// Runs a script attache wrote (``SQLScriptWriter``: one statement a line, comments on their
/// own lines, one transaction) on a live database, statement by statement, so that each
/// guarded `UPDATE` is checked: it must find exactly one row. If any finds none — the row no
/// longer holds what was read, someone changed it — the transaction is rolled back before its
/// `COMMIT` and nothing is written.
struct LiveScriptRunner {
    let database: LiveDatabase
    let source: String
    /// Test seam (Documentation/Architecture.md): with `ATTACHE_FAULT_LIVE_SCRIPT_GATE=PATH`,
    /// waits (at most 60 s) before running a script until PATH exists, so a test can change a
    /// row between the read and the writes. Not for users.
    static func gate() {
        guard let path = getenv("ATTACHE_FAULT_LIVE_SCRIPT_GATE").map({ String(cString: $0) }), !path.isEmpty else { return }
        let note = Array("fault seam: waiting for \(path)\n".utf8)
        _ = note.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        for _ in 0..<600 where access(path, F_OK) != 0 { usleep(100_000) }
    }

    /// - Returns: the number of `UPDATE`s run.
    @discardableResult
    func run(_ path: String, statements expected: Int? = nil) throws -> Int {
        guard let file = fopen(path, "r") else {
            throw failure("cannot read the script \(path) it should run: \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        Self.gate()
        let connection = try LiveConnector.open(database, source: source, readOnly: false)
        defer { connection.close() }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        var note = ""
        var updates = 0
        var missed: [String] = []
        var committed = false
        do {
            while getline(&line, &capacity, file) >= 0, let line {
                var text = String(cString: line)
                while let last = text.last, last == "\n" || last == "\r" { text.removeLast() }
                if text.isEmpty { continue }
                if text.hasPrefix("--") { note = String(text.dropFirst(2)).trimmingPrefix(" ").description; continue }
                if text.hasSuffix(";") { text.removeLast() }
                if text == "COMMIT" {
                    guard missed.isEmpty else { break }
                    if let expected, expected != updates {
                        throw failure("the script \(path) holds \(updates) UPDATEs, \(expected) were written: it was changed; nothing was written")
                    }
                    try connection.commit()
                    committed = true
                    break
                }
                if text.hasPrefix("UPDATE ") {
                    updates += 1
                    if try connection.execute(text) != 1, missed.count < 1_000_000 { missed.append(note) }
                } else {
                    _ = try connection.execute(text)
                }
            }
            guard committed else {
                try? connection.rollback()
                if missed.isEmpty { throw failure("the script \(path) ends without COMMIT: it is incomplete; nothing was written") }
                throw failure("\(missed.count) of the \(updates) changed values no longer held what was read a moment before "
                    + "(someone changed them meanwhile; first: \(missed[0])): the transaction was rolled back and nothing was written. "
                    + "Run attache refs, then attache rewrite --in-place again")
            }
        } catch {
            try? connection.rollback()
            throw error
        }
        return updates
    }

    private func failure(_ message: String) -> SourceError {
        SourceError(kind: .unreadable, source: source, file: database.url, position: nil, message: message, fatal: true)
    }
}
