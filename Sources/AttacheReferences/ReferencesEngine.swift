import AttacheCatalog
import AttacheConfig
import AttacheModel
import AttacheRecords
import Foundation

/// The references stage: for every source, extract the paths its records hold, resolve them
/// to catalogued files, and store them. A source whose files and definition did not change
/// since the last run is not read again; only its references whose resolution may have changed
/// with a re-scan are resolved again.
///
/// The readers themselves (sources, presets, the path grammar) live in AttacheRecords; this
/// stage plans and checks the sources (ReferencesEngine+Sources.swift), turns records into
/// resolved rows (ReferencesEngine+Extract.swift) on a reading thread that feeds the writing
/// one (ReferencesPipeline.swift), and writes them to the catalog.
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
        let prepared = try manifest.sources.map(prepare)
        let (resolver, posixPrefixes) = try makeResolver(catalog: catalog, manifest: manifest)

        let (run, previousScan, currentScan) = try catalog.beginRefsRun(version: version)
        let known = Dictionary(uniqueKeysWithValues: try catalog.sources().map { ($0.name, $0) })
        var outcomes: [ReferencesResult.SourceOutcome] = []
        var unchanged: [Int64: SourcePlan] = [:]

        for source in prepared {
            let fingerprint = source.plan.fingerprint
            if !force, let old = known[source.spec.name], old.fingerprint == fingerprint, old.extractedRun != nil {
                unchanged[old.id] = source.plan
                outcomes.append(.init(name: source.spec.name, extracted: false, records: old.records,
                                      references: 0, problems: old.problems, note: source.plan.note))
                continue
            }
            outcomes.append(try extractAndStore(source, fingerprint: fingerprint, run: run, catalog: catalog,
                                                resolver: resolver, posixPrefixes: posixPrefixes))
        }
        let dropped = try catalog.dropSources(notIn: Set(manifest.sources.map(\.name)))

        // Unchanged sources: resolve again only what a re-scan may have changed.
        var again = 0
        if !unchanged.isEmpty && previousScan != currentScan {
            again = try resolveAgain(unchanged, sinceScanRun: previousScan ?? 0, run: run, catalog: catalog, resolver: resolver)
        }
        try catalog.finishRefsRun(run, completed: true, sourcesExtracted: outcomes.filter(\.extracted).count, resolvedAgain: again)
        return ReferencesResult(run: run, sources: outcomes, resolvedAgain: again, counts: try catalog.referenceCounts(),
                                droppedSources: dropped)
    }

    /// The resolver over every present catalogued file, and the POSIX prefixes (root paths and
    /// aliases) that tell the grammar where an absolute POSIX path starts in free text.
    static func makeResolver(catalog: Catalog, manifest: Manifest) throws -> (Resolver, [String]) {
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
        let posixPrefixes = roots.flatMap { r in ([r.path.display + "/"] + r.aliases).filter { $0.hasPrefix("/") } }
        return (resolver, posixPrefixes)
    }

    /// Reads one source and replaces its references in one transaction: a reading thread
    /// extracts and resolves while this one writes.
    static func extractAndStore(_ source: PreparedSource, fingerprint: String, run: Int64, catalog: Catalog,
                                resolver: Resolver, posixPrefixes: [String]) throws -> ReferencesResult.SourceOutcome {
        let plan = source.plan
        let pipe = RowPipe()
        let producer = Producer(source: source.reader, plan: plan, base: plan.base.flatMap(PathGrammar.parse), resolver: resolver,
                                posixPrefixes: posixPrefixes, pipe: pipe)
        let written = try catalog.replaceReferences(
            source: source.spec.name, kind: source.spec.kind.manifestKey, location: plan.location, fingerprint: fingerprint,
            run: run, fields: plan.fields, records: { producer.records }
        ) { writer in
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
        return .init(name: source.spec.name, extracted: true, records: producer.records, references: written.refs,
                     problems: written.problems, note: plan.note)
    }

    /// Resolves again the stored references of unchanged sources that a re-scan may have
    /// changed; returns how many.
    static func resolveAgain(_ plans: [Int64: SourcePlan], sinceScanRun scanRun: Int64, run: Int64, catalog: Catalog,
                             resolver: Resolver) throws -> Int {
        let stale = try catalog.referencesToResolveAgain(sourceIDs: plans.keys.sorted(), sinceScanRun: scanRun)
        var updates: [(id: Int64, row: ReferenceRow)] = []
        for ref in stale {
            guard let spelling = PathGrammar.parse(ref.pathText), let plan = plans[ref.sourceID] else { continue }
            let r = resolver.resolve(spelling, base: plan.base.flatMap(PathGrammar.parse))
            updates.append((ref.id, row(for: r, record: SourceRecord(key: [], fields: [:], position: ""), column: "",
                                        kind: .composed, raw: "", pathText: ref.pathText, span: nil, style: ref.style)))
        }
        try catalog.updateResolutions(updates, run: run)
        return updates.count
    }
}
