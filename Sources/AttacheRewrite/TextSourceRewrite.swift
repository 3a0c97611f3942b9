import AttacheCatalog
import AttacheModel
import AttacheRecords
import AttacheSystem
#if canImport(Glibc)
import Glibc
#endif

/// One `text_files` source rewritten: every file the source reads is written to the output
/// folder under its relative path — the files with references rewritten in their own encoding
/// (byte-order mark kept), the others byte for byte — or, in place, each changed file is
/// backed up and replaced whole.
struct TextSourceRewrite {
    let engine: RewriteEngine
    let input: RewriteEngine.SourceInput
    let folder: String
    let encoding: String?
    let audit: AuditBuffer

    private var name: String { input.plan.name }

    func run() throws -> RewriteSourceOutcome {
        var outcome = RewriteSourceOutcome(name: name)
        let source = try TextFilesSource(name: name, folder: folder, encoding: encoding)
        let feed = try ReferenceFeed(catalog: engine.catalog, source: name, target: engine.target, groupedByPosition: true)
        let earlier = try engine.earlierEdits(source: name)
        let dry = engine.options.dryRun
        let copyRoot = OutputPaths.join(engine.options.output, name)
        switch engine.options.mode {
        case .copy: outcome.written = copyRoot
        case .inPlace: outcome.written = folder
        case .sql:
            try engine.auditOnly(name, designated: nil, audit: audit,
                                 why: "text files are not a database: --sql writes no statements for them (rewrite them as copies)")
            outcome.note = "not in the SQL script: text files are rewritten as copies"
            return outcome
        }
        try source.forEachRecord({ record in
            engine.afterEachRecord?()
            if try rewriteFile(record.position, refs: try feed.take(position: record.position), earlier: earlier, copyRoot: copyRoot) {
                outcome.recordsChanged += 1
            }
        }, problem: { _ in })
        try engine.auditGone(try feed.remaining(), source: name, audit: audit)
        if !dry, let run = audit.run {
            try engine.catalog.addRewriteOutput(run: run, RewriteOutputRecord(
                source: name, kind: .copy, path: outcome.written!, original: folder, format: "text_files", options: encoding ?? ""))
            if case .inPlace = engine.options.mode {
                try engine.catalog.addRewriteOutput(run: run, RewriteOutputRecord(
                    source: name, kind: .backup, path: OutputPaths.join(engine.options.output, "backups", "run-\(run)", name),
                    original: folder))
            }
        }
        return outcome
    }

    /// One file: its references edited in its own encoding, written where the mode says.
    /// - Returns: whether its text changed.
    private func rewriteFile(_ relative: String, refs: [RewriteReference], earlier: [Int64: RecordEditor.EarlierEdit],
                             copyRoot: String) throws -> Bool {
        let dry = engine.options.dryRun
        let path = OutputPaths.join(folder, relative)
        let bytes = try Self.read(path, source: name)
        let html = TextFilesSource.looksLikeHTML(relative, bytes)
        var entries: [RewriteAuditEntry] = []
        let result = TextFileRewrite.rewrite(bytes: bytes, path: relative, declared: encoding) { text in
            guard !refs.isEmpty, case .success(let decoded) = TextEncoding.decode(bytes, declared: encoding, sniffHTML: html)
            else { return nil }
            let editor = engine.makeEditor(source: name, html: html, designated: nil, limits: [:], encoding: { t in
                if case .failure(let p) = decoded.encoding.encode(t) { return p.message }
                return nil
            }, earlier: earlier)
            let edited = editor.edit(fields: ["text": text], refs: refs, recordID: relative)
            entries = edited.audit
            return edited.values["text"]
        }
        switch result {
        case .failure(let why):
            try audit.add(refs.map { engine.refusedEntry($0, source: name, why: "the file cannot be rewritten: \(why)") }
                .map { var e = $0; e.outcome = .failed; return e })
            if case .copy = engine.options.mode, !dry { try write(bytes, to: OutputPaths.join(copyRoot, relative)) }
            return false
        case .success(let output):
            try audit.add(entries)
            guard !dry else { return output.changed }
            switch engine.options.mode {
            case .copy: try write(output.bytes, to: OutputPaths.join(copyRoot, relative))
            case .inPlace where output.changed:
                if let run = audit.run {
                    try OutputPaths.copyFile(path, to: OutputPaths.join(engine.options.output, "backups", "run-\(run)", name, relative),
                                           inside: engine.options.output)
                }
                try OutputPaths.keepingMode(of: path) { try write(output.bytes, to: path) }
            default: break
            }
            return output.changed
        }
    }

    private func write(_ bytes: [UInt8], to path: String) throws {
        try OutputPaths.makeFolders(for: path, inside: engine.options.output)
        let w = try OutputPaths.writer(path, inside: engine.options.output)
        do { try w.write(bytes) } catch { w.discard(); throw RewriteError(.output, error.description) }
        try OutputPaths.commit(w)
    }

    static func read(_ path: String, source: String) throws -> [UInt8] {
        func fail(_ m: String) -> SourceError {
            SourceError(kind: .unreadable, source: source, file: path, position: nil, message: m, fatal: true)
        }
        switch RawFile.openRegular(RawPath(path), followLinks: false) {
        case .failure(let e): throw fail("cannot open the file again: \(e)")
        case .success(let fd):
            defer { close(fd) }
            switch RawFile.readAll(fd) {
            case .success(let b): return b
            case .failure(let e): throw fail("cannot read the file again: \(e)")
            }
        }
    }
}
