import AttacheCatalog
import AttacheModel
import AttacheSystem
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Carries out the latest plan in a target folder (Documentation/Relocation.md).
///
/// The order of a run: open the catalog and the plan (refused when it is older than the
/// latest scan or does not fit the quota); open — or create — the target; resume what a killed
/// run left (journal steps started and never finished, temporary files); survey the delta
/// between the plan and what attache already owns in the target; check the quota; then copy
/// (or link) kept files, write archive volumes, remove what attache wrote before that the
/// plan no longer wants, and refresh the mapping. Every step is journaled before and after it
/// happens; anything in the target that attache did not write is never replaced or removed.
public final class ApplyEngine: @unchecked Sendable {
    let request: ApplyRequest
    let catalog: Catalog
    let plan: PlanRecord
    /// The target root, canonical (symbolic links resolved), as the catalog keys it.
    public let targetKey: String
    let target: TargetFolder
    let quota: Int64?
    /// archive_estimate_bytes / archived_bytes of the plan (1 when the plan has no estimate).
    let archiveRatio: Double
    let rootLabels: [Int64: [UInt8]]
    var runID: Int64 = 0
    var result: ApplyResult
    let lock = NSLock()

    /// Opens the catalog, the latest plan and the target.
    public init(_ request: ApplyRequest) throws(ApplyError) {
        self.request = request
        let roots: [RootRecord]
        do {
            catalog = try Catalog(path: request.catalogPath, mustExist: true, durable: true)
            guard let latest = try catalog.plans(limit: 1).first else { throw ApplyError.noPlan(catalog: request.catalogPath) }
            plan = latest
            let scans = try catalog.planScanRuns(plan: latest.id)
            if let l = scans.latest, scans.plan.map({ $0 < l }) ?? true {
                throw ApplyError.stalePlan(plan: latest.id, planScan: scans.plan, latestScan: l)
            }
            let refs = try catalog.planRefsRuns(plan: latest.id)
            if let l = refs.latest, refs.plan.map({ $0 < l }) ?? true {
                throw ApplyError.staleReferences(plan: latest.id, latestRefs: l)
            }
            roots = try catalog.roots()
            // A member's first component: its root's last name, as bytes (a name that is not
            // UTF-8 stays exactly as it is). Two roots with the same last name are numbered.
            var labels: [Int64: [UInt8]] = [:]
            for r in roots { labels[r.id] = r.path.bytes.split(separator: UInt8(ascii: "/")).last.map(Array.init) ?? Array("root".utf8) }
            for r in roots where labels.values.filter({ $0 == labels[r.id] }).count > 1 { labels[r.id]! += Array("-\(r.id)".utf8) }
            rootLabels = labels
        } catch let e as ApplyError {
            throw e
        } catch {
            throw .catalog(error as? CatalogError ?? .sqlite(path: request.catalogPath, reason: "\(error)"))
        }
        guard plan.feasible else { throw .infeasiblePlan(plan.id) }
        let summary = ApplyEngine.summaryNumbers(plan.summaryJSON)
        quota = summary.quota
        archiveRatio = summary.archived > 0 && summary.estimate > 0 ? Double(summary.estimate) / Double(summary.archived) : 1
        let (key, folder) = try ApplyEngine.openTarget(request.target, create: !request.dryRun, roots: roots)
        targetKey = key
        target = folder
        result = ApplyResult(planID: plan.id, target: key, dryRun: request.dryRun)
    }

    /// The absolute, canonical target root, opened (created when missing and its parent exists).
    static func openTarget(_ given: String, create: Bool, roots: [RootRecord]) throws(ApplyError) -> (String, TargetFolder) {
        var path = given.hasPrefix("/") ? given : FileManager.default.currentDirectoryPath + "/" + given
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        // A target inside a legacy root would be scanned as legacy files at the next scan (and
        // a root inside the target would be written over): refused before anything is created.
        let resolved = canonicalPath(path)
        if let root = roots.first(where: { nested($0.path.bytes, Array(resolved.utf8)) }) {
            throw .overlapsRoot(path: path, root: root.display)
        }
        var st = stat()
        if lstat(path, &st) != 0 {
            let parent = (path as NSString).deletingLastPathComponent
            var pst = stat()
            guard stat(parent, &pst) == 0, (pst.st_mode & S_IFMT) == S_IFDIR else {
                throw .target(path: path, reason: "it does not exist, and neither does its parent folder")
            }
            if !create {
                // A dry run of a first apply: the target would be created; survey it as empty.
                do { return (path, try TargetFolder(root: RawPath(parent))) } catch {
                    throw .target(path: path, reason: error.description)
                }
            }
            if mkdir(path, 0o755) != 0 {
                throw .target(path: path, reason: "cannot create it: \(String(cString: strerror(errno)))")
            }
        }
        var isDir = stat()
        if stat(path, &isDir) == 0, (isDir.st_mode & S_IFMT) != S_IFDIR {
            throw .target(path: path, reason: "it is not a folder")
        }
        guard let real = realpath(path, nil) else { throw .target(path: path, reason: String(cString: strerror(errno))) }
        let canonical = String(cString: real)
        free(real)
        do { return (canonical, try TargetFolder(root: RawPath(canonical))) } catch {
            throw .target(path: path, reason: error.description)
        }
    }

    /// The path with symbolic links resolved: of itself when it exists, else of its parent.
    static func canonicalPath(_ path: String) -> String {
        if let r = realpath(path, nil) { defer { free(r) }; return String(cString: r) }
        let parent = (path as NSString).deletingLastPathComponent
        guard let r = realpath(parent, nil) else { return path }
        defer { free(r) }
        let p = String(cString: r)
        return (p == "/" ? "" : p) + "/" + (path as NSString).lastPathComponent
    }

    /// Whether one path is the other or lies below it (either way round).
    static func nested(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        func below(_ x: [UInt8], _ y: [UInt8]) -> Bool {
            x == y || (x.count > y.count && x.starts(with: y) && (y.last == UInt8(ascii: "/") || x[y.count] == UInt8(ascii: "/")))
        }
        return below(a, b) || below(b, a)
    }

    /// The numbers apply reads from the plan's summary JSON.
    static func summaryNumbers(_ json: String) -> (quota: Int64?, archived: Int64, estimate: Int64) {
        guard let data = json.data(using: .utf8),
              let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return (nil, 0, 0) }
        func int(_ k: String) -> Int64? { (o[k] as? NSNumber)?.int64Value }
        return (int("quota"), int("archived_bytes") ?? 0, int("archive_estimate_bytes") ?? 0)
    }

    /// Runs apply (or, with `dryRun`, only surveys it).
    public func run() throws(ApplyError) -> ApplyResult {
        do {
            if request.dryRun {
                try survey(listing: request.firstActions)
                result.unmovable = try unmovable()
                sampleThroughput()
                return result
            }
            // One apply per target at a time: only then are runs still marked running dead.
            guard target.lockExclusively() else {
                throw ApplyError.targetBusy(path: targetKey)
            }
            sweepTemporaries = try catalog.closeDeadApplyRuns(target: targetKey) > 0
            runID = try catalog.startApplyRun(plan: plan.id, target: targetKey, version: request.version)
            result.runID = runID
            try recover()
            try survey(listing: 0)
            result.unmovable = try unmovable()
            let surveyed = result.counts
            result.counts = ApplyCounts()
            result.counts.inPlace = surveyed.inPlace
            result.counts.archivesInPlace = surveyed.archivesInPlace
            result.counts.recovered = surveyed.recovered
            result.counts.temporariesRemoved = surveyed.temporariesRemoved
            if result.quota.exceeds {
                result.stop = .quota(result.quota)
            } else {
                totalFiles = surveyed.copy.files + surveyed.members.files
                totalBytes = surveyed.copy.bytes + surveyed.archives.bytes
                try placeKeptFiles()
                if result.stop == nil { try writeArchives() }
                if result.stop == nil { try removeStrays() }
            }
            result.mapping = try catalog.refreshMapping(run: runID, plan: plan.id, target: targetKey)
            let status: RunStatus
            switch result.stop {
            case nil: status = .completed
            case .interrupted: status = .interrupted
            case .quota, .target: status = .failed
            }
            try catalog.finishApplyRun(runID, status: status, countsJSON: result.counts.jsonText, detail: stopDetail)
            // What the target holds now, measured: archives at their real size (a run that
            // stopped keeps its projection of what the whole plan will take).
            let owned = try catalog.ownedTotals(target: targetKey)
            if result.stop == nil {
                result.quota = QuotaProjection(quota: quota, ownedBytes: owned.bytes, projectedBytes: owned.bytes, estimated: false)
            } else if case .quota = result.stop {
            } else {
                result.quota.ownedBytes = owned.bytes
            }
            return result
        } catch let e as ApplyError {
            throw e
        } catch {
            throw .catalog(error as? CatalogError ?? .sqlite(path: request.catalogPath, reason: "\(error)"))
        }
    }

    func unmovable() throws -> [SkippedFile] {
        try catalog.unmovableFiles(plan: plan.id).map { SkippedFile(fileID: $0.fileID, path: $0.path, reason: "\($0.path): \($0.reason)") }
    }

    var stopDetail: String? {
        switch result.stop {
        case nil: return nil
        case .interrupted: return "interrupted"
        case .quota(let q): return "the target would hold \(q.projectedBytes) bytes, over the quota of \(q.quota ?? 0)"
        case .target(let why): return why
        }
    }

    // MARK: Progress

    var totalFiles = 0
    var totalBytes: Int64 = 0
    var doneFiles = 0
    var doneBytes: Int64 = 0
    /// Bytes written to the target by this run (the ENOSPC test seam counts against it).
    var wrote: Int64 = 0
    /// Whether a run died before this one: its temporary files are swept on resume.
    var sweepTemporaries = false
    /// From the survey: the estimated size of the archives to write, the bytes to remove.
    var pendingArchiveEstimate: Int64 = 0
    var pendingRemovalBytes: Int64 = 0
    /// The plan's estimate of the volumes this run wrote; and the estimate and real size of
    /// every volume whose size is known (in place, or written now): the quota check corrects
    /// the remaining estimate by their ratio.
    var estimateWritten: Int64 = 0
    var sizedEstimate: Int64 = 0
    var sizedReal: Int64 = 0

    func advance(_ phase: String, files: Int, bytes: Int64) {
        lock.lock()
        doneFiles += files
        doneBytes += bytes
        let p = ApplyProgress(phase: phase, filesDone: doneFiles, filesTotal: totalFiles, bytesDone: doneBytes, bytesTotal: totalBytes)
        lock.unlock()
        request.progress?(p)
    }

    var cancelled: Bool { request.cancel?.isCancelled == true }

    /// The test seam's pause before a step.
    func pauseForTests() {
        if request.stepDelayMilliseconds > 0 { usleep(UInt32(request.stepDelayMilliseconds) * 1000) }
    }
}
