import AttacheCatalog
import AttacheModel
import AttacheSystem
import Foundation

/// Reads the files that need it on several threads while the calling thread writes results
/// to the catalog in batches.
///
/// Reading is blocking I/O, so the workers are plain threads (not tasks on the cooperative
/// pool). Each pulls the next index from a shared counter, so a large file on one worker
/// never leaves the other idle.
enum ReadPhase {
    struct Outcome {
        var filesRead = 0
        var bytesRead: Int64 = 0
        var cancelled = false
    }

    static func run(
        work: [WorkItem], readers: [ContentReader], catalog: Catalog, runID: Int64, batchSize: Int,
        cancel: CancellationFlag, progress: (ScanProgress) -> Void
    ) throws(CatalogError) -> Outcome {
        let shared = Shared(work: ReadPhase.schedule(work))
        let totalBytes = work.reduce(Int64(0)) { $0 + $1.stat.size }
        let start = DispatchTime.now()
        let workerCount = min(readers.count, max(1, work.count))
        for w in 0..<workerCount {
            let box = ReaderBox(reader: readers[w])
            let thread = Thread { worker(box.reader, shared, cancel) }
            thread.name = "attache-reader-\(w)"
            thread.stackSize = 1 << 20
            shared.started()
            thread.start()
        }

        var out = Outcome()
        var lastWrite = DispatchTime.now()
        var pending: [Result] = []
        while true {
            let (batch, finished) = shared.take(waitingUpTo: 0.2)
            pending.append(contentsOf: batch)
            let now = DispatchTime.now()
            let due = now.uptimeNanoseconds - lastWrite.uptimeNanoseconds > 500_000_000
            if !pending.isEmpty && (pending.count >= batchSize || due || finished) {
                try write(pending, catalog: catalog, runID: runID, into: &out)
                pending.removeAll(keepingCapacity: true)
                lastWrite = now
            }
            progress(ScanProgress(
                phase: .reading, entriesFound: work.count, filesToRead: work.count, bytesToRead: totalBytes,
                filesRead: shared.doneFiles, bytesRead: shared.doneBytes,
                readingSeconds: Double(now.uptimeNanoseconds - start.uptimeNanoseconds) / 1e9))
            if finished && pending.isEmpty { break }
        }
        out.cancelled = cancel.isCancelled && shared.doneFiles < work.count
        return out
    }

    /// The order files are read in: the few very large files first (so the last minutes are
    /// not one core hashing one big file while the others idle), the rest in walk order
    /// (folder by folder: kind to spinning disks and network shares).
    static func schedule(_ work: [WorkItem]) -> [WorkItem] {
        let total = work.reduce(Int64(0)) { $0 + $1.stat.size }
        let big = max(Int64(16 << 20), total / 64)
        let large = work.filter { $0.stat.size >= big }.sorted { $0.stat.size > $1.stat.size }
        return large + work.filter { $0.stat.size < big }
    }

    /// One file's result, ready for the catalog.
    struct Result: Sendable {
        var update: FileUpdate?
        var finding: Finding?
        var bytes: Int64
    }

    private static func worker(_ reader: ContentReader, _ shared: Shared, _ cancel: CancellationFlag) {
        defer { shared.workerFinished() }
        while let index = shared.nextIndex() {
            if cancel.isCancelled { return }
            let item = shared.work[index]
            let outcome = reader.read(item.absolute) { cancel.isCancelled }
            shared.put(result(for: item, outcome))
        }
    }

    static func result(for item: WorkItem, _ outcome: ReadOutcome) -> Result {
        switch outcome {
        case .read(let hash, let mime, let stat, let bytes):
            let ext = item.path.fileExtension
            let category = Classification.category(mime: mime, fileExtension: ext, size: stat.size)
            let mismatch = Classification.extensionContradicts(category: category, mime: mime, fileExtension: ext)
            let update = FileUpdate(
                rootID: item.rootID, path: item.path, stat: stat, sha256: hash, mime: mime, category: category,
                extensionMismatch: mismatch, status: .ok, problem: item.nameProblem?.code,
                problemDetail: item.nameProblem?.detail)
            return Result(update: update, finding: nil, bytes: bytes)
        case .failed(let code, let detail, let bytes, let stat):
            let update = FileUpdate(rootID: item.rootID, path: item.path, stat: stat ?? item.stat, status: .unreadable,
                                    problem: code, problemDetail: detail)
            return Result(update: update, finding: Finding(rootID: item.rootID, path: item.path, code: code, detail: detail),
                          bytes: bytes)
        case .cancelled(let bytes):
            // Not recorded: the next scan sees the file as new or changed and reads it.
            return Result(update: nil, finding: nil, bytes: bytes)
        }
    }

    private static func write(_ results: [Result], catalog: Catalog, runID: Int64, into out: inout Outcome) throws(CatalogError) {
        let updates = results.compactMap(\.update)
        try catalog.applyScanBatch(runID: runID, files: updates, findings: results.compactMap(\.finding), goneIDs: [])
        out.filesRead += updates.count
        out.bytesRead += results.reduce(0) { $0 + $1.bytes }
    }

    /// A reader handed to one thread (it is used by that thread only).
    private final class ReaderBox: @unchecked Sendable {
        let reader: ContentReader
        init(reader: ContentReader) { self.reader = reader }
    }

    /// The state the workers and the writer share, behind one condition lock.
    final class Shared: @unchecked Sendable {
        let work: [WorkItem]
        private let cond = NSCondition()
        private var next = 0
        private var results: [Result] = []
        private var running = 0
        private(set) var doneFiles = 0
        private(set) var doneBytes: Int64 = 0

        init(work: [WorkItem]) { self.work = work }

        func started() { cond.lock(); running += 1; cond.unlock() }

        func nextIndex() -> Int? {
            cond.lock(); defer { cond.unlock() }
            guard next < work.count else { return nil }
            next += 1
            return next - 1
        }

        func put(_ r: Result) {
            cond.lock()
            results.append(r)
            if r.update != nil { doneFiles += 1 }
            doneBytes += r.bytes
            cond.signal()
            cond.unlock()
        }

        func workerFinished() { cond.lock(); running -= 1; cond.signal(); cond.unlock() }

        /// Waits until there are results or every worker stopped; returns them and whether all stopped.
        func take(waitingUpTo seconds: Double) -> ([Result], Bool) {
            cond.lock(); defer { cond.unlock() }
            if results.isEmpty && running > 0 { _ = cond.wait(until: Date(timeIntervalSinceNow: seconds)) }
            let r = results
            results.removeAll(keepingCapacity: true)
            return (r, running == 0)
        }
    }
}
