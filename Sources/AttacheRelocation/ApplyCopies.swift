import AttacheCatalog
import AttacheModel
import AttacheSystem
import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Kept files: copied (or linked) in batches. A batch's steps are journaled as started in one
// catalog transaction, done by several workers at once (each copy fsyncs, so the waits
// overlap), then journaled as done or failed — with what the target now owns — in one more.
// A run killed between the two finds the batch's steps started; recovery adopts the files that
// reached their final name and the next survey copies the rest.

extension ApplyEngine {
    /// Files per batch: large enough that the two journal transactions cost little per file.
    static let batchSize = 256

    func placeKeptFiles() throws {
        var after: String? = nil
        while result.stop == nil {
            if cancelled { result.stop = .interrupted; break }
            let page = try catalog.keepItems(plan: plan.id, target: targetKey, after: after, limit: ApplyEngine.batchSize)
            guard let last = page.last else { break }
            after = last.targetPath
            let todo = page.filter { !stillInPlace($0) }
            if !todo.isEmpty { try copyBatch(todo) }
        }
    }

    /// Journals, places and journals again one batch of kept files. Copies are staged by the
    /// workers (verified bytes under temporary names), made durable with one flush, named, and
    /// the names made durable with a second flush — two flushes a batch instead of two fsyncs
    /// a file; links are placed by the workers directly.
    func copyBatch(_ items: [KeepItem]) throws {
        let kind: JournalStepKind = request.link ? .link : .copy
        let now = Timestamp(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9))
        let ids = try catalog.journalStart(run: runID, target: targetKey, items.map {
            JournalEntry(kind: kind, state: .started, fileID: $0.fileID, targetPath: $0.targetPath, bytes: $0.size, sha256: $0.sha256, time: now)
        })
        let outcomes = Slots<StepOutcome>(count: items.count)
        let staged = Slots<StagedCopy>(count: items.count)
        Parallel.forEach(items.count, workers: request.workers) { i in
            if self.result.stop != nil || self.cancelled {
                outcomes[i] = StepOutcome(journalID: ids[i], state: .failed, detail: "not done: the run stopped before it")
                return
            }
            switch self.prepare(items[i], journalID: ids[i]) {
            case .finished(let o): outcomes[i] = o
            case .staged(let s): staged[i] = s
            }
        }
        commitStaged(items, ids, staged, outcomes)
        if cancelled && result.stop == nil { result.stop = .interrupted }
        try catalog.journalFinish(target: targetKey, outcomes.values.compactMap { $0 })
    }

    /// Flush, name, flush: the staged copies of a batch become durable files under their names.
    func commitStaged(_ items: [KeepItem], _ ids: [Int64], _ staged: Slots<StagedCopy>, _ outcomes: Slots<StepOutcome>) {
        let list = staged.values.enumerated().compactMap { i, s in s.map { (i, $0) } }
        guard !list.isEmpty else { return }
        do {
            try target.flushFileSystem()
            for (i, s) in list {
                do {
                    try target.commit(s)
                    outcomes[i] = placed(items[i], journalID: ids[i], size: s.outcome.size, sha256: s.outcome.sha256, method: "copy")
                } catch {
                    outcomes[i] = failed(error, fileID: items[i].fileID, source: items[i].source, size: items[i].size, journalID: ids[i])
                }
            }
            try target.flushFileSystem()
        } catch {
            // The file system could not be flushed: nothing of the batch is trusted as placed,
            // and no name is left that the journal does not own.
            for (_, s) in list { target.uncommit(s) }
            lock.lock()
            if result.stop == nil { result.stop = .target(error.description) }
            lock.unlock()
            for (i, _) in list where outcomes[i] == nil || outcomes[i]?.state == .done {
                outcomes[i] = StepOutcome(journalID: ids[i], state: .failed, detail: error.description)
            }
        }
    }

    enum Prepared { case finished(StepOutcome), staged(StagedCopy) }

    /// Stages (or links) one kept file, verified against the scan.
    func prepare(_ k: KeepItem, journalID: Int64) -> Prepared {
        pauseForTests()
        guard let sha = k.sha256 else {
            return .finished(skipped(fileID: k.fileID, source: k.source, size: k.size, journalID: journalID,
                                     reason: "\(k.source.display): the scan has no hash for it: re-scan and re-plan"))
        }
        let expecting = CopyExpectation(size: k.size, sha256: sha, mtime: k.mtime)
        // Only what attache wrote there may be replaced.
        let existing: ExistingFilePolicy = k.owned != nil ? .overwrite : .refuse
        let path = RawPath(k.targetPath)
        do {
            if request.link, let l = try target.link(from: k.source, to: path, expecting: expecting, existing: existing) {
                return .finished(placed(k, journalID: journalID, size: l.size, sha256: l.sha256, method: l.method.rawValue))
            }
            let s = try target.stageCopy(from: k.source, to: path, expecting: expecting, existing: existing, faults: copyFaults())
            lock.lock()
            wrote += s.outcome.size
            lock.unlock()
            return .staged(s)
        } catch {
            return .finished(failed(error, fileID: k.fileID, source: k.source, size: k.size, journalID: journalID))
        }
    }

    /// A kept file now under its final name: counted, and owned.
    func placed(_ k: KeepItem, journalID: Int64, size: Int64, sha256: ContentHash, method: String) -> StepOutcome {
        lock.lock()
        result.counts.copy.add(size)
        if method != "copy" { result.counts.linked.add(size); wrote += size }
        lock.unlock()
        advance("copying", files: 1, bytes: size)
        return StepOutcome(journalID: journalID, state: .done, bytes: size, sha256: sha256,
                           owned: OwnedItem(path: k.targetPath, kind: .file, fileID: k.fileID, sha256: sha256, size: size,
                                            contentKey: nil, method: method, runID: runID, planID: plan.id))
    }

    /// A failed step: a conflict in the target, a source that changed, a name the target's
    /// file system refused — or a target that cannot be written at all, which stops the run.
    func failed(_ e: TargetError, fileID: Int64?, source: RawPath, size: Int64, journalID: Int64) -> StepOutcome {
        let outcome = StepOutcome(journalID: journalID, state: .failed, detail: e.description)
        let entry = SkippedFile(fileID: fileID, path: source.display, reason: e.description)
        lock.lock()
        defer { lock.unlock() }
        switch ApplyEngine.classify(e) {
        case .conflict:
            result.conflicts.append(entry)
            result.counts.skipped.add(size)
        case .file:
            result.skipped.append(entry)
            result.counts.skipped.add(size)
        case .wholeTarget:
            if result.stop == nil { result.stop = .target(e.description) }
        }
        return outcome
    }

    func skipped(fileID: Int64?, source: RawPath, size: Int64, journalID: Int64, reason: String) -> StepOutcome {
        lock.lock()
        result.skipped.append(SkippedFile(fileID: fileID, path: source.display, reason: reason))
        result.counts.skipped.add(size)
        lock.unlock()
        return StepOutcome(journalID: journalID, state: .failed, detail: reason)
    }

    enum FailureScope { case file, conflict, wholeTarget }

    /// Which failures concern one file and which the whole target.
    static func classify(_ e: TargetError) -> FailureScope {
        switch e.reason {
        case .alreadyExists, .notContained, .notAFile: return .conflict
        case .changedSinceScan, .sourceNotRegular, .invalidPath: return .file
        case .system(let step, let error):
            if step.contains("source") { return .file }
            return [ENOSPC, EDQUOT, EROFS, EIO, EACCES, EPERM].contains(error.code) ? .wholeTarget : .file
        }
    }

    /// The test seam's byte budget: writes fail with ENOSPC once the run wrote that much.
    func copyFaults() -> VerifiedCopyFaults {
        guard let budget = request.targetFullAfterBytes else { return VerifiedCopyFaults() }
        lock.lock()
        let left = max(0, budget - wrote)
        lock.unlock()
        return VerifiedCopyFaults(failAfterBytes: left, injectedErrno: ENOSPC)
    }
}

/// Results filled in by several workers, one slot each.
final class Slots<T>: @unchecked Sendable {
    private var storage: [T?]
    private let lock = NSLock()
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    subscript(i: Int) -> T? {
        get { lock.lock(); defer { lock.unlock() }; return storage[i] }
        set { lock.lock(); storage[i] = newValue; lock.unlock() }
    }
    var values: [T?] { lock.lock(); defer { lock.unlock() }; return storage }
}

/// A few threads working through indices 0..<count (blocking I/O: more threads than cores help).
enum Parallel {
    static func forEach(_ count: Int, workers: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let n = max(1, min(workers, count))
        if n == 1 { for i in 0..<count { body(i) }; return }
        let next = Counter()
        let group = DispatchGroup()
        for _ in 0..<n {
            group.enter()
            Thread.detachNewThread {
                while let i = next.take(below: count) { body(i) }
                group.leave()
            }
        }
        group.wait()
    }

    final class Counter: @unchecked Sendable {
        private var value = 0
        private let lock = NSLock()
        func take(below limit: Int) -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard value < limit else { return nil }
            value += 1
            return value - 1
        }
    }
}
