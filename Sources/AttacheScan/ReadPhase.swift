import AttacheCatalog
import AttacheModel
import AttacheSystem
import Foundation

/// Reads the files that need it on several threads while the calling thread writes results
/// to the catalog in batches (``Pipeline/map(_:states:capacity:name:cancel:tick:transform:consume:)``:
/// each worker owns a ``ContentReader`` and takes the next file from a shared index, so a
/// large file on one worker never leaves the others idle).
enum ReadPhase {
    struct Outcome {
        /// Files whose result (hashed, or unreadable) was written to the catalog.
        var filesRead = 0
        var bytesRead: Int64 = 0
        /// Files written, by the work item's `isNew` (the scan's new/changed counts).
        var newWritten = 0
        var changedWritten = 0
        var cancelled = false
    }

    static func run(
        work: [WorkItem], readers: [ContentReader], catalog: Catalog, runID: Int64, batchSize: Int,
        cancel: Cancellation, progress: (ScanProgress) -> Void
    ) throws(CatalogError) -> Outcome {
        let scheduled = ReadPhase.schedule(work)
        let totalBytes = work.reduce(Int64(0)) { $0 + $1.stat.size }
        let start = DispatchTime.now()
        var out = Outcome()
        var lastWrite = DispatchTime.now()
        var pending: [Result] = []
        var doneFiles = 0, doneBytes: Int64 = 0
        // Room for a few batches: the readers keep going while one is written.
        let capacity = max(4096, 4 * batchSize)
        try Pipeline.map(
            scheduled, states: readers, capacity: capacity, name: "attache-reader",
            cancel: cancel, tick: 0.2,
            transform: { (reader: ContentReader, item: WorkItem) throws(CatalogError) -> Result in
                result(for: item, reader.read(item.absolute) { cancel.isCancelled })
            },
            consume: { (batch: [Result]) throws(CatalogError) in
                for r in batch {
                    if r.update != nil { doneFiles += 1 }
                    doneBytes += r.bytes
                }
                pending.append(contentsOf: batch)
                let now = DispatchTime.now()
                let due = now.uptimeNanoseconds - lastWrite.uptimeNanoseconds > 500_000_000
                if !pending.isEmpty && (pending.count >= batchSize || due) {
                    try write(pending, catalog: catalog, runID: runID, into: &out)
                    pending.removeAll(keepingCapacity: true)
                    lastWrite = now
                }
                progress(ScanProgress(
                    phase: .reading, entriesFound: work.count, filesToRead: work.count, bytesToRead: totalBytes,
                    filesRead: doneFiles, bytesRead: doneBytes,
                    readingSeconds: Double(now.uptimeNanoseconds - start.uptimeNanoseconds) / 1e9))
            })
        if !pending.isEmpty { try write(pending, catalog: catalog, runID: runID, into: &out) }
        // Files started were all consumed; a cancelled read leaves no row, so fewer were written.
        out.cancelled = cancel.isCancelled && out.filesRead < work.count
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
        /// The file was not in the catalog (or was gone): counted as new once written, else changed.
        var isNew = false
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
            return Result(update: update, finding: nil, bytes: bytes, isNew: item.isNew)
        case .failed(let code, let detail, let bytes, let stat):
            let update = FileUpdate(rootID: item.rootID, path: item.path, stat: stat ?? item.stat, status: .unreadable,
                                    problem: code, problemDetail: detail)
            return Result(update: update, finding: Finding(rootID: item.rootID, path: item.path, code: code, detail: detail),
                          bytes: bytes, isNew: item.isNew)
        case .cancelled(let bytes):
            // Not recorded: the next scan sees the file as new or changed and reads it.
            return Result(update: nil, finding: nil, bytes: bytes)
        }
    }

    private static func write(_ results: [Result], catalog: Catalog, runID: Int64, into out: inout Outcome) throws(CatalogError) {
        let updates = results.compactMap(\.update)
        try catalog.applyScanBatch(runID: runID, files: updates, findings: results.compactMap(\.finding), goneIDs: [])
        out.filesRead += updates.count
        for r in results where r.update != nil {
            if r.isNew { out.newWritten += 1 } else { out.changedWritten += 1 }
        }
        out.bytesRead += results.reduce(0) { $0 + $1.bytes }
    }
}
