import AttacheCatalog
import AttacheModel
import AttacheSystem
import Foundation

/// The scan stage: inventories every file under the roots into the catalog.
///
/// 1. **Walk** each root (raw bytes, no symlink followed, nothing but folders opened).
/// 2. **Compare** with what the catalog knows: a file whose size, mtime, ctime and inode are
///    unchanged, and that was read fine before, is not read again. Files no longer present
///    are marked gone (their rows stay, as history).
/// 3. **Read** the rest on all cores: one read feeds SHA-256 and libmagic.
/// 4. **Write**: one writer batches results into catalog transactions, so a scan killed at
///    any instant leaves a consistent catalog, and a re-run picks up where it stopped.
public enum Scanner {
    /// Runs a scan.
    /// - Parameters:
    ///   - catalog: where results go.
    ///   - options: roots, exclusions, workers.
    ///   - cancel: checked between files; a cancelled scan commits what it has and ends `interrupted`.
    ///   - progress: called from the calling thread a few times a second.
    /// - Throws: ``ScanError`` when a root is unusable or the catalog fails; problems with
    ///   individual files never throw — they are findings.
    public static func run(
        catalog: Catalog, options: ScanOptions, cancel: Cancellation = Cancellation(),
        progress: @escaping (ScanProgress) -> Void = { _ in }
    ) throws(ScanError) -> ScanResult {
        // Check every root before writing anything.
        let roots = try options.roots.map { r throws(ScanError) in (spec: r, path: try resolveRoot(r.path)) }
        var readers: [ContentReader] = []
        do {
            let cache = MimeCache()
            for _ in 0..<options.workers { readers.append(try ContentReader(faults: options.faults, cache: cache)) }
        } catch { throw .magic(error.description) }

        do {
            // Inserts arrive in walk order: a small page cache writes as fast (measured at 100,000
            // files) and holds 40 MB less.
            try catalog.setPageCache(mebibytes: 16)
            defer { try? catalog.setPageCache(mebibytes: Catalog.defaultPageCacheMiB) }
            var rootIDs: [Int64] = []
            for r in roots {
                rootIDs.append(try catalog.registerRoot(path: r.path, aliases: r.spec.aliases, caseInsensitive: r.spec.caseInsensitive))
            }
            let runID = try catalog.beginScanRun(rootIDs: rootIDs, version: options.version)
            do {
                return try scanRoots(roots, rootIDs: rootIDs, runID: runID, readers: readers, catalog: catalog,
                                     options: options, cancel: cancel, progress: progress)
            } catch {
                // Best effort: the run ends 'failed' rather than 'running' forever.
                try? catalog.finishScanRun(runID, rootIDs: rootIDs, status: .failed, counts: ScanCounts())
                throw error
            }
        } catch let e as CatalogError {
            throw .catalog(e)
        } catch let e as ScanError {
            throw e
        } catch {
            throw .catalog(.sqlite(path: catalog.path, reason: "\(error)"))
        }
    }

    private static func scanRoots(
        _ roots: [(spec: ScanRoot, path: RawPath)], rootIDs: [Int64], runID: Int64, readers: [ContentReader],
        catalog: Catalog, options: ScanOptions, cancel: Cancellation, progress: @escaping (ScanProgress) -> Void
    ) throws -> ScanResult {
        do {
            var counts = ScanCounts()
            var work: [WorkItem] = []
            var status = RunStatus.completed
            var clock = PhaseClock(variable: "ATTACHE_SCAN_TIMINGS", label: "scan-phase")

            for (index, root) in roots.enumerated() {
                if cancel.isCancelled { status = .interrupted; break }
                let rootID = rootIDs[index]
                let seenBefore = counts.seen
                let (visitor, priorFiles) = try walkRoot(root.path, rootID: rootID, catalog: catalog, options: options,
                                                         cancel: cancel) { found in
                    progress(ScanProgress(phase: .walking, entriesFound: seenBefore + found, filesToRead: 0, bytesToRead: 0,
                                          filesRead: 0, bytesRead: 0, readingSeconds: 0))
                }
                // A walk stopped part-way must not be compared: what it did not reach is not gone.
                if cancel.isCancelled { status = .interrupted; break }
                clock.lap("walk")
                let diff = Differ.compare(visitor, prior: priorFiles, rootID: rootID, rootPath: root.path)
                clock.lap("compare")
                counts.seen += visitor.entries.count
                counts.excluded += visitor.excludedCount
                // Files still to read count as new or changed once their result is written.
                counts.new += diff.newCount
                counts.changed += diff.changedCount
                counts.unchanged += diff.unchangedCount
                counts.gone += diff.goneIDs.count
                try catalog.applyScanBatch(runID: runID, files: diff.updates, findings: visitor.findings, goneIDs: diff.goneIDs,
                                           owners: diff.owners)
                work.append(contentsOf: diff.work)
                clock.lap("store-walk")
            }

            if status == .completed {
                let outcome = try ReadPhase.run(work: work, readers: readers, catalog: catalog, runID: runID,
                                                batchSize: options.batchSize, cancel: cancel, progress: progress)
                counts.read = outcome.filesRead
                counts.new += outcome.newWritten
                counts.changed += outcome.changedWritten
                counts.bytesRead = outcome.bytesRead
                if outcome.cancelled { status = .interrupted }
                clock.lap("read")
            }
            progress(ScanProgress(phase: .finishing, entriesFound: counts.seen, filesToRead: work.count,
                                  bytesToRead: work.reduce(0) { $0 + $1.stat.size }, filesRead: counts.read,
                                  bytesRead: counts.bytesRead, readingSeconds: 0))
            if status == .completed { try catalog.purgeStaleFindings(rootIDs: rootIDs, runID: runID) }
            let findings = try catalog.findingCounts(rootIDs: rootIDs)
            counts.problems = findings.filter { $0.key.severity >= .warning }.values.reduce(0, +)
            try catalog.finishScanRun(runID, rootIDs: rootIDs, status: status, counts: counts)
            clock.lap("finish")
            return ScanResult(runID: runID, status: status, counts: counts, findings: findings,
                              bytesHashed: readers.reduce(0) { $0 + $1.bytesRead })
        } catch let e as CatalogError {
            throw ScanError.catalog(e)
        } catch let e as ScanError {
            throw e
        } catch {
            throw ScanError.catalog(.sqlite(path: catalog.path, reason: "\(error)"))
        }
    }

    /// Walks one root while its catalog rows load on another thread; `progress` gets the
    /// entries found so far, a few times a second.
    private static func walkRoot(
        _ root: RawPath, rootID: Int64, catalog: Catalog, options: ScanOptions, cancel: Cancellation,
        progress: @escaping (Int) -> Void
    ) throws -> (Collector, [PriorFile]) {
        var clock = PhaseClock(variable: "ATTACHE_SCAN_TIMINGS", label: "scan-phase")
        var visitor = Collector(rootID: rootID, cancel: cancel)
        var lastReport = DispatchTime.now()
        visitor.onProgress = { found in
            let now = DispatchTime.now()
            if now.uptimeNanoseconds - lastReport.uptimeNanoseconds > 200_000_000 {
                lastReport = now
                progress(found)
            }
        }
        // The catalog's rows load, sorted in the walk's order, on another core while this one walks.
        let prior = BackgroundJob<[PriorFile], CatalogError>(name: "attache-prior-rows") { () throws(CatalogError) in
            var rows = try catalog.priorFiles(rootID: rootID)
            rows.sort { Walker.walkOrderPrecedes($0.path.bytes, $1.path.bytes) }
            return rows
        }
        do {
            try Walker(root: root, exclude: options.exclude, scouts: options.walkScouts).walk(&visitor)
        } catch {
            // Wait for the loader before leaving: it uses the catalog.
            _ = try? prior.wait()
            switch error {
            case .notFound(let p): throw ScanError.rootNotFound(p)
            case .notADirectory(let p): throw ScanError.rootNotADirectory(p)
            case .unreadable(let p, let e): throw ScanError.rootUnreadable(p, e.description)
            }
        }
        clock.lap("walk-only")
        let rows = try prior.wait()
        clock.lap("wait-prior-rows")
        return (visitor, rows)
    }

    /// Checks that every root is an existing folder that can be listed. Call it before
    /// creating a catalog, so a mistyped root leaves nothing behind.
    public static func checkRoots(_ roots: [ScanRoot]) throws(ScanError) {
        for r in roots { _ = try resolveRoot(r.path) }
    }

    /// The absolute, symlink-free path of a root, as bytes. Checks it is an existing folder.
    static func resolveRoot(_ path: String) throws(ScanError) -> RawPath {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDir) else { throw .rootNotFound(path) }
        guard isDir.boolValue else { throw .rootNotADirectory(path) }
        guard let resolved = realpath(absolute, nil) else { throw .rootUnreadable(path, String(cString: strerror(errno))) }
        defer { free(resolved) }
        // Can it be listed? Better to say so now than after a run has begun.
        let fd = open(resolved, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .rootUnreadable(path, String(cString: strerror(errno))) }
        close(fd)
        let len = strlen(resolved)
        return RawPath(bytes: Array(UnsafeBufferPointer(start: UnsafeRawPointer(resolved).assumingMemoryBound(to: UInt8.self), count: len)))
    }
}
