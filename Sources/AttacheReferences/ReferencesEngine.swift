import AttacheCatalog
import AttacheConfig
import AttacheModel
import Foundation

/// Outcome of `attache refs`.
public struct ReferencesResult: Sendable {
    public struct SourceOutcome: Sendable {
        public var name: String
        /// Extracted anew (the source or its definition changed), or only re-resolved.
        public var extracted: Bool
        public var records: Int
        public var references: Int
        public var problems: Int
        public var note: String?
    }
    public var run: Int64
    public var sources: [SourceOutcome]
    /// References of unchanged sources resolved again because files changed.
    public var resolvedAgain: Int
    public var byStatus: [ReferenceStatus: Int]
    public var orphans: Int
    public var droppedSources: [String]
}

/// Why `attache refs` could not run (per-record problems are recorded, not thrown).
public enum ReferencesError: Error, Sendable, CustomStringConvertible {
    case notScanned
    case source(SourceError)
    case preset(source: String, message: String)
    case unknownTemplateColumn(source: String, column: String, available: [String])
    case catalog(CatalogError)

    public var description: String {
        switch self {
        case .notScanned: return "the catalog has no scanned root: run 'attache scan' first"
        case .source(let e): return e.description
        case .preset(let s, let m): return "source '\(s)': \(m)"
        case .unknownTemplateColumn(let s, let c, let available):
            return "source '\(s)': the file template names column '\(c)', which the source does not have (it has: \(available.joined(separator: ", ")))"
        case .catalog(let e): return e.description
        }
    }
}

/// The references stage: for every source, extract the paths its records hold, resolve them
/// to catalogued files, and store them. A source whose files and definition did not change
/// since the last run is not read again; only its references whose resolution may have changed
/// with a re-scan are resolved again.
public enum ReferencesEngine {
    public static func run(catalog: Catalog, manifest: Manifest, version: String, force: Bool = false) throws(ReferencesError) -> ReferencesResult {
        do {
            return try runThrowing(catalog: catalog, manifest: manifest, version: version, force: force)
        } catch let e as ReferencesError {
            throw e
        } catch let e as CatalogError {
            throw .catalog(e)
        } catch let e as SourceError {
            throw .source(e)
        } catch {
            throw .catalog(.sqlite(path: catalog.path, reason: "\(error)"))
        }
    }

    static func runThrowing(catalog: Catalog, manifest: Manifest, version: String, force: Bool) throws -> ReferencesResult {
        // Every source is checked (opened, its template's columns validated) before anything is written.
        var prepared: [(spec: SourceSpec, plan: SourcePlan, source: any RecordSource)] = []
        for spec in manifest.sources {
            let plan = try makePlan(spec)
            let source = try open(plan)
            if let t = plan.template, let missing = t.columns.first(where: { !source.columns.contains($0) }) {
                throw ReferencesError.unknownTemplateColumn(source: spec.name, column: missing, available: source.columns)
            }
            if let missing = plan.textColumns.first(where: { !source.columns.contains($0) }) {
                throw SourceError(kind: .unknownColumn, source: spec.name, file: location(plan), position: nil,
                                  message: "no column '\(missing)' to search for paths (it has: \(source.columns.joined(separator: ", ")))",
                                  fatal: true)
            }
            if let missing = plan.fields.first(where: { !source.columns.contains($0) }) {
                throw SourceError(kind: .unknownColumn, source: spec.name, file: location(plan), position: "fields",
                                  message: "the 'fields' column '\(missing)' is not among the columns it reads."
                                    + SourceNames.didYouMean(missing, among: source.columns)
                                    + " Available: \(SourceNames.list(source.columns))",
                                  fatal: true)
            }
            prepared.append((spec, plan, source))
        }
        let roots = try catalog.roots().filter { $0.lastScanRun != nil }
        guard !roots.isEmpty else { throw ReferencesError.notScanned }
        var files: [IndexedFile] = []
        try catalog.forEachPresentFile { id, root, path, status in
            files.append(IndexedFile(id: id, rootID: root, path: path, status: status))
        }
        // The manifest is the truth for aliases and case rules (they may have been edited since
        // the scan); a root the manifest does not name keeps what the catalog recorded.
        var fromManifest: [String: RootSpec] = [:]
        for r in manifest.roots {
            if let real = realpath(r.path, nil) { fromManifest[String(cString: real)] = r; free(real) } else { fromManifest[r.path] = r }
        }
        let resolver = Resolver(
            roots: roots.map { r in
                let m = fromManifest[r.path.display]
                return ResolverRoot(id: r.id, path: r.path.display, aliases: m?.aliases ?? r.aliases,
                                    caseInsensitive: m?.caseInsensitive ?? r.caseInsensitive)
            },
            files: files, parse: PathGrammar.parse)
        files = []
        let posixPrefixes = roots.flatMap { r in ([r.path.display + "/"] + r.aliases).filter { $0.hasPrefix("/") } }

        let (run, previousScan, currentScan) = try catalog.beginRefsRun(version: version)
        let known = Dictionary(uniqueKeysWithValues: try catalog.sources().map { ($0.name, $0) })
        var outcomes: [ReferencesResult.SourceOutcome] = []
        var unchanged: [Int64] = []
        var plans: [Int64: SourcePlan] = [:]

        for (spec, plan, source) in prepared {
            let fingerprint = Self.fingerprint(plan)
            if !force, let old = known[spec.name], old.fingerprint == fingerprint, old.extractedRun != nil {
                unchanged.append(old.id)
                plans[old.id] = plan
                outcomes.append(.init(name: spec.name, extracted: false, records: old.records,
                                      references: 0, problems: old.problems, note: plan.note))
                continue
            }
            let base = plan.base.flatMap(PathGrammar.parse)
            let pipe = RowPipe()
            let producer = Producer(source: source, plan: plan, base: base, resolver: resolver, posixPrefixes: posixPrefixes, pipe: pipe)
            let written = try catalog.replaceReferences(
                source: spec.name, kind: spec.kind.manifestKey, location: location(plan), fingerprint: fingerprint, run: run,
                fields: plan.fields, records: { producer.records }
            ) { writer in
                // Reading and resolving run on a thread of their own while this one writes.
                producer.start()
                do {
                    while let batch = pipe.take() {
                        for row in batch { try writer.add(row) }
                    }
                } catch {
                    pipe.abandon()
                    producer.wait()
                    throw error
                }
                producer.wait()
                if let failure = producer.failure { throw failure }
                for p in producer.problems {
                    try writer.problem(kind: p.kind.rawValue, file: p.file, position: p.position, message: p.message)
                }
            }
            let records = producer.records
            outcomes.append(.init(name: spec.name, extracted: true, records: records, references: written.refs,
                                  problems: written.problems, note: plan.note))
        }
        let dropped = try catalog.dropSources(notIn: Set(manifest.sources.map(\.name)))

        // Unchanged sources: resolve again only what a re-scan may have changed.
        var again = 0
        if !unchanged.isEmpty && previousScan != currentScan {
            let stale = try catalog.referencesToResolveAgain(sourceIDs: unchanged, sinceScanRun: previousScan ?? 0)
            var updates: [(id: Int64, row: ReferenceRow)] = []
            for ref in stale {
                guard let spelling = PathGrammar.parse(ref.pathText), let plan = plans[ref.sourceID] else { continue }
                let r = resolver.resolve(spelling, base: plan.base.flatMap(PathGrammar.parse))
                updates.append((ref.id, row(for: r, record: SourceRecord(key: [], fields: [:], position: ""), column: "", kind: .composed,
                                            raw: "", pathText: ref.pathText, span: nil, style: ref.style)))
            }
            try catalog.updateResolutions(updates, run: run)
            again = updates.count
        }
        try catalog.finishRefsRun(run, completed: true, sourcesExtracted: outcomes.filter(\.extracted).count, resolvedAgain: again)
        let summary = try catalog.referenceSummary()
        return ReferencesResult(run: run, sources: outcomes, resolvedAgain: again, byStatus: summary.byStatus,
                                orphans: summary.orphans, droppedSources: dropped)
    }

    /// The references one record holds: one per template (composed), and every path found in
    /// its text columns (embedded).
    static func extract(_ record: SourceRecord, plan: SourcePlan, base: PathSpelling?, resolver: Resolver,
                        posixPrefixes: [String]) -> [ReferenceRow] {
        var rows: [ReferenceRow] = []
        if let t = plan.template {
            switch t.expand(record.fields) {
            case .success(let text):
                if let spelling = PathGrammar.parse(text) {
                    rows.append(row(for: resolver.resolve(spelling, base: base), record: record, column: "file", kind: .composed,
                                    raw: text, pathText: text, span: nil, style: spelling.style))
                } else {
                    rows.append(ReferenceRow(recordKey: record.key.joined(separator: " / "), recordPosition: record.position,
                                             column: "file", kind: .composed, raw: text, pathText: text, spanStart: nil, spanEnd: nil,
                                             style: nil, status: .missing, match: nil,
                                             reason: "not a file path (a web link?)", rootID: nil, fileID: nil, candidates: 0,
                                             deleted: record.deleted, modified: record.modified))
                }
            case .failure(let empty):
                rows.append(ReferenceRow(recordKey: record.key.joined(separator: " / "), recordPosition: record.position,
                                         column: "file", kind: .composed, raw: "", pathText: "", spanStart: nil, spanEnd: nil,
                                         style: nil, status: .missing, match: nil,
                                         reason: "column '\(empty.column)' is empty", rootID: nil, fileID: nil, candidates: 0,
                                         deleted: record.deleted, modified: record.modified))
            }
        }
        for column in plan.textColumns {
            guard let text = record.fields[column], !text.isEmpty else { continue }
            for found in PathGrammar.extract(from: text, posixPrefixes: posixPrefixes) {
                rows.append(row(for: resolver.resolve(found.spelling, base: base), record: record, column: column, kind: .embedded,
                                raw: found.raw, pathText: render(found.spelling), span: (found.start, found.end),
                                style: found.spelling.style))
            }
        }
        if !plan.fields.isEmpty && !rows.isEmpty {
            let kept = keptFields(record, plan.fields)
            for i in rows.indices { rows[i].fields = kept }
        }
        return rows
    }

    /// The record's `fields:` columns as a JSON object (sorted keys; NULL and empty values left
    /// out), or nil when all are empty.
    static func keptFields(_ record: SourceRecord, _ names: [String]) -> String? {
        var kept: [String: String] = [:]
        for n in names { if let v = record.fields[n], !v.isEmpty { kept[n] = v } }
        guard !kept.isEmpty, let data = try? JSONSerialization.data(withJSONObject: kept, options: [.sortedKeys]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static func row(for r: Resolution, record: SourceRecord, column: String, kind: ReferenceKind, raw: String, pathText: String,
                    span: (Int, Int)?, style: PathStyle?) -> ReferenceRow {
        ReferenceRow(recordKey: record.key.joined(separator: " / "), recordPosition: record.position, column: column, kind: kind,
                     raw: raw, pathText: pathText, spanStart: span?.0, spanEnd: span?.1, style: style, status: r.status,
                     match: r.match, reason: r.reason, rootID: r.rootID, fileID: r.fileID, candidates: r.candidates,
                     deleted: record.deleted, modified: record.modified)
    }

    /// A spelling as plain path text that `PathGrammar.parse` reads back to the same place
    /// (entities and %-escapes decoded; a `file://` URL as the path it names).
    static func render(_ s: PathSpelling) -> String {
        let c = Resolver.canonical(s)
        switch c.style {
        case .unc: return "\\\\" + (c.host ?? "") + "\\" + (c.share ?? "") + c.components.map { "\\" + $0 }.joined()
        case .drive: return "\(c.drive.map(String.init) ?? "C"):" + (c.components.isEmpty ? "\\" : c.components.map { "\\" + $0 }.joined())
        case .posix, .fileURL: return "/" + c.components.joined(separator: "/")
        case .relative: return "./" + c.components.joined(separator: "/")
        }
    }

    static func makePlan(_ spec: SourceSpec) throws -> SourcePlan {
        var plan = try makePlanWithoutFields(spec)
        plan.fields = spec.fields
        return plan
    }

    private static func makePlanWithoutFields(_ spec: SourceSpec) throws -> SourcePlan {
        switch spec.kind {
        case .sqlite(let db):
            return SourcePlan(name: spec.name, input: .sqlite(database: db, table: spec.table, query: spec.query), key: spec.key,
                              template: spec.file.flatMap(RecordTemplate.init), textColumns: spec.text, base: spec.base ?? spec.root,
                              deleted: spec.deleted, modified: spec.modified, note: nil)
        case .csv(let file):
            return SourcePlan(name: spec.name, input: .csv(file: file, delimiter: spec.delimiter, encoding: spec.encoding), key: spec.key,
                              template: spec.file.flatMap(RecordTemplate.init), textColumns: spec.text, base: spec.base ?? spec.root,
                              deleted: spec.deleted, modified: spec.modified, note: nil)
        case .textFiles(let folder):
            return SourcePlan(name: spec.name, input: .textFiles(folder: folder, encoding: spec.encoding), key: [],
                              template: nil, textColumns: ["text"], base: spec.base ?? spec.root, deleted: nil, modified: nil, note: nil)
        case .preset(let preset):
            let probe = spec.database.flatMap { SQLiteRecordSource.tableColumns(database: $0) }
            switch Presets.plan(spec, preset: preset, columnsOf: { probe?[$0] }) {
            case .success(let p): return p
            case .failure(let e): throw ReferencesError.preset(source: spec.name, message: e.message)
            }
        }
    }

    static func open(_ plan: SourcePlan) throws -> any RecordSource {
        switch plan.input {
        case .sqlite(let db, let table, let query):
            return try SQLiteRecordSource(name: plan.name, database: db, table: table, query: query, key: plan.key,
                                          deleted: plan.deleted, modified: plan.modified)
        case .csv(let file, let delimiter, let encoding):
            return try CSVRecordSource(name: plan.name, file: file, key: plan.key, deleted: plan.deleted, modified: plan.modified,
                                       delimiter: delimiter, encoding: encoding)
        case .textFiles(let folder, let encoding):
            return try TextFilesSource(name: plan.name, folder: folder, encoding: encoding)
        }
    }

    static func location(_ plan: SourcePlan) -> String {
        switch plan.input {
        case .sqlite(let db, _, _): return db
        case .csv(let f, _, _): return f
        case .textFiles(let f, _): return f
        }
    }

    /// What must stay the same for a source not to be read again: its definition, and the size
    /// and modification time of what it reads (every file, for a folder of text files).
    static func fingerprint(_ plan: SourcePlan) -> String {
        var parts = ["\(plan)"]
        func stamp(_ path: String) {
            var st = stat()
            if lstat(path, &st) == 0 {
                parts.append("\(path):\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)")
            }
        }
        switch plan.input {
        case .sqlite(let db, _, _):
            stamp(db); stamp(db + "-wal")
        case .csv(let f, _, _):
            stamp(f)
        case .textFiles(let folder, _):
            if let e = FileManager.default.enumerator(atPath: folder) {
                var names: [String] = []
                while let n = e.nextObject() as? String { names.append(n) }
                for n in names.sorted() { stamp(folder + "/" + n) }
            }
        }
        return parts.joined(separator: "|")
    }
}

/// Batches of rows from the reading thread to the writing one, at most `capacity` batches
/// waiting (memory stays flat however many records a source has).
final class RowPipe: @unchecked Sendable {
    private let cond = NSCondition()
    private var batches: [[ReferenceRow]] = []
    private var closed = false
    private var abandoned = false
    let capacity = 8

    /// Returns false when the consumer gave up (the producer should stop).
    func put(_ batch: [ReferenceRow]) -> Bool {
        cond.lock(); defer { cond.unlock() }
        while batches.count >= capacity && !abandoned { cond.wait() }
        if abandoned { return false }
        batches.append(batch)
        cond.broadcast()
        return true
    }

    func close() { cond.lock(); closed = true; cond.broadcast(); cond.unlock() }

    /// The next batch, or nil once the producer closed the pipe and it is empty.
    func take() -> [ReferenceRow]? {
        cond.lock(); defer { cond.unlock() }
        while batches.isEmpty && !closed { cond.wait() }
        if batches.isEmpty { return nil }
        cond.broadcast()
        return batches.removeFirst()
    }

    /// The consumer stops early (an error while writing): unblock the producer.
    func abandon() { cond.lock(); abandoned = true; batches.removeAll(); cond.broadcast(); cond.unlock() }

}

/// Reads a source's records and turns them into resolved rows on a thread of its own.
final class Producer: @unchecked Sendable {
    let source: any RecordSource
    let plan: SourcePlan
    let base: PathSpelling?
    let resolver: Resolver
    let posixPrefixes: [String]
    let pipe: RowPipe
    private let done = DispatchSemaphore(value: 0)
    private(set) var records = 0
    private(set) var problems: [SourceError] = []
    private(set) var failure: (any Error)?
    static let batchSize = 4096

    init(source: any RecordSource, plan: SourcePlan, base: PathSpelling?, resolver: Resolver, posixPrefixes: [String], pipe: RowPipe) {
        self.source = source; self.plan = plan; self.base = base; self.resolver = resolver
        self.posixPrefixes = posixPrefixes; self.pipe = pipe
    }

    func start() {
        let thread = Thread { [self] in
            defer { pipe.close(); done.signal() }
            var batch: [ReferenceRow] = []
            batch.reserveCapacity(Producer.batchSize)
            struct Stop: Error {}
            do {
                try source.forEachRecord({ record in
                    records += 1
                    batch.append(contentsOf: ReferencesEngine.extract(record, plan: plan, base: base, resolver: resolver,
                                                                      posixPrefixes: posixPrefixes))
                    if batch.count >= Producer.batchSize {
                        guard pipe.put(batch) else { throw Stop() }
                        batch.removeAll(keepingCapacity: true)
                    }
                }, problem: { problems.append($0) })
                if !batch.isEmpty { _ = pipe.put(batch) }
            } catch is Stop {
            } catch {
                failure = error
            }
        }
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// Waits for the thread to end (after the pipe is drained).
    func wait() { done.wait() }
}
