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
/// one (ReferencesEngine+Read.swift, through the shared `Pipeline`), and writes them to the catalog.
public enum ReferencesEngine {
    /// Reads the manifest's sources into the catalog.
    /// - Parameters:
    ///   - cancel: checked before each source and each record. When it stops the run, the
    ///     source being read keeps its previous references (each source is replaced in one
    ///     transaction), sources stored before stay stored, and the result's `interrupted`
    ///     says which source stopped and which were not read.
    ///   - afterEachRecord: a test seam, called on the reader thread after each record.
    public static func run(catalog: Catalog, manifest: Manifest, version: String, force: Bool = false,
                           cancel: Cancellation = Cancellation(),
                           afterEachRecord: (@Sendable () -> Void)? = nil) throws(ReferencesError) -> ReferencesResult {
        do {
            return try runThrowing(catalog: catalog, manifest: manifest, version: version, force: force, cancel: cancel,
                                   afterEachRecord: afterEachRecord)
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

    static func runThrowing(catalog: Catalog, manifest: Manifest, version: String, force: Bool, cancel: Cancellation,
                            afterEachRecord: (@Sendable () -> Void)?) throws -> ReferencesResult {
        // Every source is checked (opened, its template's columns validated) before anything is written.
        let prepared = try manifest.sources.map(prepare)
        let (resolver, posixPrefixes) = try makeResolver(catalog: catalog, manifest: manifest)

        let (run, previousScan, currentScan) = try catalog.beginRefsRun(version: version)
        let known = Dictionary(uniqueKeysWithValues: try catalog.sources().map { ($0.name, $0) })
        var outcomes: [ReferencesResult.SourceOutcome] = []
        var unchanged: [Int64: SourcePlan] = [:]

        for (index, source) in prepared.enumerated() {
            let fingerprint = source.plan.fingerprint(reading: source.reader)
            // A source with a relative base is read again after a scan: where its prose paths
            // start was chosen with the catalog (the longest start naming a scanned file).
            let rescanned = source.plan.relativeBase != nil && previousScan != currentScan
            if !force, !rescanned, let old = known[source.spec.name], old.fingerprint == fingerprint, old.extractedRun != nil {
                unchanged[old.id] = source.plan
                outcomes.append(.init(name: source.spec.name, extracted: false, records: old.records,
                                      references: 0, problems: old.problems, note: source.plan.note))
                continue
            }
            let stored = cancel.isCancelled ? nil
                : try extractAndStore(source, fingerprint: fingerprint, run: run, catalog: catalog, resolver: resolver,
                                      posixPrefixes: posixPrefixes, cancel: cancel, afterEachRecord: afterEachRecord)
            guard let stored else {
                // Stopped: what is stored stays; nothing else is read, dropped or resolved again.
                let stop = ReferencesResult.Interruption(source: source.spec.name,
                                                         notRead: prepared[(index + 1)...].map(\.spec.name))
                return try finish(run, catalog: catalog, outcomes: outcomes, again: 0, dropped: [], interrupted: stop)
            }
            outcomes.append(stored)
        }
        let dropped = try catalog.dropSources(notIn: Set(manifest.sources.map(\.name)))

        // Unchanged sources: resolve again only what a re-scan may have changed.
        var again = 0
        if !unchanged.isEmpty && previousScan != currentScan {
            again = try resolveAgain(unchanged, sinceScanRun: previousScan ?? 0, run: run, catalog: catalog, resolver: resolver)
        }
        return try finish(run, catalog: catalog, outcomes: outcomes, again: again, dropped: dropped, interrupted: nil)
    }

    /// Closes the run (completed, or not when interrupted) and counts what the catalog holds now.
    static func finish(_ run: Int64, catalog: Catalog, outcomes: [ReferencesResult.SourceOutcome], again: Int, dropped: [String],
                       interrupted: ReferencesResult.Interruption?) throws -> ReferencesResult {
        try catalog.finishRefsRun(run, status: interrupted == nil ? .completed : .interrupted, sourcesExtracted: outcomes.filter(\.extracted).count,
                                  resolvedAgain: again)
        return ReferencesResult(run: run, sources: outcomes, resolvedAgain: again, counts: try catalog.referenceCounts(),
                                droppedSources: dropped, interrupted: interrupted)
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

    /// Resolves again the stored references of unchanged sources that a re-scan may have
    /// changed; returns how many.
    static func resolveAgain(_ plans: [Int64: SourcePlan], sinceScanRun scanRun: Int64, run: Int64, catalog: Catalog,
                             resolver: Resolver) throws -> Int {
        let stale = try catalog.referencesToResolveAgain(sourceIDs: plans.keys.sorted(), sinceScanRun: scanRun)
        var updates: [(id: Int64, row: ReferenceRow)] = []
        for ref in stale {
            guard let spelling = PathGrammar.parse(ref.pathText), let plan = plans[ref.sourceID] else { continue }
            let r = resolver.resolve(spelling, base: plan.base.flatMap(PathGrammar.parse))
            updates.append((ref.id, row(for: r, record: SourceRecord(key: [], fields: [:], position: ""), key: "", column: "",
                                        kind: .composed, raw: "", pathText: ref.pathText, span: nil, style: ref.style)))
        }
        try catalog.updateResolutions(updates, run: run)
        return updates.count
    }
}
