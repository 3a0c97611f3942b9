import AttacheModel
import AttacheSystem

/// The SQL scripts of a `--sql` run: each change goes to the forward and the revert script
/// as the sources are read (``SQLScriptWriter``); both files appear whole, or not at all, when
/// the run finishes.
struct SQLScriptOutput {
    let file: String
    let dialect: SQLDialect
    private var writer: SQLScriptWriter<AtomicTextSink, AtomicTextSink>

    /// Opens both scripts for a `--sql` run (nil in the other modes, and for a dry run).
    init?(options: RewriteOptions, run: Int64?, header: [String]) throws {
        guard case .sql(let file, let dialect) = options.mode, !options.dryRun else { return nil }
        self.file = file
        self.dialect = dialect
        try OutputPaths.makeFolders(for: file)
        let forward = AtomicTextSink(try OutputPaths.writer(file))
        let revert = AtomicTextSink(try OutputPaths.writer(SQLScriptFiles.revertPath(file)))
        var lines = header
        lines.append("revert script: " + SQLScriptFiles.revertPath(file))
        writer = SQLScriptWriter(dialect: dialect, forward: forward, revert: revert, header: lines)
    }

    /// Whether a source's rows can be named in this dialect: SQLite by rowid, the others need
    /// the source's `key` columns.
    func identityProblem(key: [String]) -> String? {
        dialect == .sqlite || !key.isEmpty ? nil
            : "a \(dialect.rawValue) script names rows by their key: give the source a `key:` (its primary key columns)"
    }

    mutating func add(table: String, rowID: Int64, key: [(String, String)], column: String, before: String, after: String,
                      note: String) throws(SQLScriptError) {
        let identity: SQLRowIdentity = dialect == .sqlite ? .rowid(rowID) : .keys(key.map { SQLKey($0.0, .text($0.1)) })
        try writer.add(RowChange(table: table, identity: identity, column: column, before: before, after: after, note: note))
    }

    /// Ends both scripts and names them.
    mutating func finish() throws {
        writer.finish()
        try writer.forward.close()
        try writer.revert.close()
    }

    /// Leaves no script behind (the run failed).
    func discard() {
        writer.forward.writer.discard()
        writer.revert.writer.discard()
    }
}

/// A ``TextSink`` writing through an ``AtomicWriter`` (buffered); a write error is kept and
/// thrown by ``close()``: the file appears whole when closed, or not at all.
public final class AtomicTextSink: TextSink {
    let writer: AtomicWriter
    private var buffer: [UInt8] = []
    private var failure: AtomicFileError?

    init(_ writer: AtomicWriter) { self.writer = writer }

    /// A sink for the file at `path` (its folders created; no link among them below `root`).
    public convenience init(path: String, inside root: String? = nil) throws(RewriteError) {
        try OutputPaths.makeFolders(for: path, inside: root)
        self.init(try OutputPaths.writer(path, inside: root))
    }

    public func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Leaves no file behind.
    public func discard() { writer.discard() }

    private func flush() {
        guard failure == nil, !buffer.isEmpty else { buffer.removeAll(keepingCapacity: true); return }
        do { try writer.write(buffer) } catch { failure = error }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and names the file.
    public func close() throws(RewriteError) {
        flush()
        if let failure { writer.discard(); throw RewriteError(.output, failure.description) }
        try OutputPaths.commit(writer)
    }
}
