import AttacheCatalog
import AttacheModel
import AttacheSystem
import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Before anything moves: what a killed run left (recovery), what the plan still needs done
// (the survey: the delta against what attache owns in the target), and whether the target
// would then exceed the quota. After the placements: what attache wrote that the plan no
// longer wants is removed.

extension ApplyEngine {
    /// Finishes the bookkeeping of a run that was killed: a step started and never recorded
    /// as finished either reached its final name (adopted: attache had claimed the path when
    /// it started) or did not (failed); removals are done again; temporary files are removed.
    func recover() throws {
        let open = try catalog.openJournalSteps(target: targetKey)
        var outcomes: [StepOutcome] = []
        for step in open {
            let path = RawPath(step.targetPath)
            switch step.kind {
            case .copy, .link:
                if let e = try? target.entry(at: path), e.kind == .regular, let h = try? target.hash(at: path) {
                    outcomes.append(StepOutcome(journalID: step.id, state: .done, bytes: h.size, sha256: h.sha256,
                                                detail: "found at its final name after the run that wrote it stopped",
                                                owned: OwnedItem(path: step.targetPath, kind: .file, fileID: step.fileID, sha256: h.sha256,
                                                                 size: h.size, contentKey: nil, method: step.kind == .link ? "hardlink" : "copy",
                                                                 runID: runID, planID: plan.id)))
                    result.counts.recovered += 1
                } else {
                    outcomes.append(StepOutcome(journalID: step.id, state: .failed, detail: "not finished: the run that started it stopped"))
                }
            case .sealArchive:
                // Complete (archives are renamed into place only when whole) but of unknown
                // content: owned, and written again unless the plan no longer wants it.
                if let e = try? target.entry(at: path), e.kind == .regular {
                    outcomes.append(StepOutcome(journalID: step.id, state: .done, bytes: e.size,
                                                detail: "found at its final name after the run that wrote it stopped",
                                                owned: OwnedItem(path: step.targetPath, kind: .archive, fileID: nil, sha256: nil, size: e.size,
                                                                 contentKey: nil, method: "archive", runID: runID, planID: plan.id)))
                    result.counts.recovered += 1
                } else {
                    outcomes.append(StepOutcome(journalID: step.id, state: .failed, detail: "not finished: the run that started it stopped"))
                }
            case .remove:
                _ = try? target.remove(path)
                outcomes.append(StepOutcome(journalID: step.id, state: .done, detail: "finished after the run that started it stopped",
                                            removedPath: step.targetPath))
                result.counts.recovered += 1
            case .archive:
                outcomes.append(StepOutcome(journalID: step.id, state: .failed, detail: "not finished: the run that started it stopped"))
            }
        }
        try catalog.journalFinish(target: targetKey, outcomes)
        if sweepTemporaries || !open.isEmpty {
            do {
                // Copies and archive volumes alike are written under names starting with
                // `.attache-tmp-` (TargetFolder.temporaryPrefix) in their own folder.
                result.counts.temporariesRemoved = try target.removeStaleTemporaries().count
            } catch {
                throw ApplyError.target(path: targetKey, reason: "cannot remove the temporary files a stopped run left: \(error.description)")
            }
        }
    }

    /// What the plan still needs done (into `result.counts`), the first `listing` actions,
    /// and the quota after the run.
    func survey(listing: Int) throws {
        var counts = result.counts
        var actions: [PlannedAction] = []
        var replaced: Int64 = 0
        var after: String? = nil
        while true {
            let page = try catalog.keepItems(plan: plan.id, target: targetKey, after: after, limit: 2048)
            guard let last = page.last else { break }
            after = last.targetPath
            for k in page {
                // The catalog's word only (no file system call): the copying pass checks the
                // target itself, and writes again what was deleted or resized there.
                if k.isInPlace { counts.inPlace.add(k.size); continue }
                counts.copy.add(k.size)
                if let o = k.owned { replaced += o.size }
                if actions.count < listing {
                    actions.append(PlannedAction(verb: k.owned != nil ? .replace : (request.link ? .link : .copy), path: k.targetPath,
                                                 from: k.source.display, bytes: k.size))
                }
            }
        }
        var estimate: Int64 = 0
        for v in try catalog.archiveVolumes(plan: plan.id, target: targetKey) {
            let items = try catalog.archiveItems(plan: plan.id, archive: v.path)
            if let o = v.owned, archiveInPlace(o, wantedKey(v.path, items)) {
                counts.archivesInPlace.add(o.size)
                // A volume whose real size is known tells how good the plan's estimate is.
                sizedEstimate += self.estimate(v)
                sizedReal += o.size
                continue
            }
            counts.archives.add(v.bytes)
            counts.members.files += v.members
            counts.members.bytes += v.bytes
            estimate += self.estimate(v)
            if let o = v.owned { replaced += o.size }
            if actions.count < listing {
                actions.append(PlannedAction(verb: v.owned != nil ? .rewriteArchive : .archive, path: v.path,
                                             from: "\(v.members) file\(v.members == 1 ? "" : "s")", bytes: v.bytes))
            }
        }
        for s in try catalog.strayOwnedItems(plan: plan.id, target: targetKey) {
            counts.remove.add(s.size)
            if actions.count < listing { actions.append(PlannedAction(verb: .remove, path: s.path, from: "", bytes: s.size)) }
        }
        let owned = try catalog.ownedTotals(target: targetKey)
        result.counts = counts
        result.firstActions = actions
        result.quota = QuotaProjection(quota: quota, ownedBytes: owned.bytes,
                                       projectedBytes: owned.bytes - replaced - counts.remove.bytes + counts.copy.bytes + estimate,
                                       estimated: estimate > 0)
        pendingArchiveEstimate = estimate
        pendingRemovalBytes = counts.remove.bytes
    }

    /// Whether the target still holds the kept file attache wrote: recorded with the file's
    /// content, and still there with its size and modification time (a file deleted or
    /// edited in the target since is written again; `attache verify` re-hashes everything).
    func stillInPlace(_ k: KeepItem) -> Bool {
        guard k.isInPlace, let e = try? target.entry(at: RawPath(k.targetPath)) else { return false }
        return e.kind == .regular && e.size == k.size && e.mtime == k.mtime
    }

    /// Whether an archive attache wrote holds what the plan wants and is still there, whole.
    func archiveInPlace(_ owned: OwnedItem, _ wanted: String) -> Bool {
        guard owned.kind == .archive, owned.contentKey == wanted, let e = try? target.entry(at: RawPath(owned.path)) else { return false }
        return e.kind == .regular && e.size == owned.size
    }

    /// Before an archive volume is written: the quota with the real size of what is written
    /// and, for the volumes still to write, the plan's estimate scaled by how far the volumes
    /// written so far outgrew theirs (a sample that compressed better than the rest is
    /// corrected after the first volume); nil while it holds.
    func overQuotaBeforeNextVolume(_ quota: Int64) -> QuotaProjection? {
        guard let owned = try? catalog.ownedTotals(target: targetKey) else { return nil }
        let correction = sizedEstimate > 0 ? Swift.max(1, Double(sizedReal) / Double(sizedEstimate)) : 1
        let remaining = Swift.max(0, pendingArchiveEstimate - estimateWritten)
        let projected = owned.bytes + Int64((Double(remaining) * correction).rounded(.up)) - pendingRemovalBytes
        guard projected > quota else { return nil }
        return QuotaProjection(quota: quota, ownedBytes: owned.bytes, projectedBytes: projected, estimated: remaining > 0)
    }

    /// The plan's estimate of one volume's size.
    func estimate(_ volume: ArchiveVolumeWork) -> Int64 { Int64((Double(volume.bytes) * archiveRatio).rounded(.up)) }

    /// Removes, journaled, what attache wrote that the plan no longer wants in the target.
    func removeStrays() throws {
        let strays = try catalog.strayOwnedItems(plan: plan.id, target: targetKey)
        var start = 0
        while start < strays.count && result.stop == nil {
            if cancelled { result.stop = .interrupted; break }
            let batch = Array(strays[start..<min(start + ApplyEngine.batchSize, strays.count)])
            start += batch.count
            let now = Timestamp(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9))
            let ids = try catalog.journalStart(run: runID, target: targetKey, batch.map {
                JournalEntry(kind: .remove, state: .started, fileID: $0.fileID, targetPath: $0.path, bytes: $0.size, sha256: $0.sha256, time: now)
            })
            var outcomes: [StepOutcome] = []
            for (item, id) in zip(batch, ids) {
                pauseForTests()
                do {
                    _ = try target.remove(RawPath(item.path))
                    result.counts.remove.add(item.size)
                    outcomes.append(StepOutcome(journalID: id, state: .done, bytes: item.size, removedPath: item.path))
                } catch {
                    outcomes.append(failed(error, fileID: item.fileID, source: RawPath(item.path), size: 0, journalID: id))
                }
            }
            try catalog.journalFinish(target: targetKey, outcomes)
        }
    }

    /// Dry run: reads and hashes a sample of the files to copy to estimate how long the run takes.
    func sampleThroughput() {
        let wanted = result.counts.copy.bytes + result.counts.archives.bytes
        guard wanted > 0, let page = try? catalog.keepItems(plan: plan.id, target: targetKey, after: nil, limit: 64) else { return }
        var bytes: Int64 = 0
        let start = DispatchTime.now().uptimeNanoseconds
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        for k in page where !k.isInPlace && bytes < 64 << 20 {
            let fd = (k.source.bytes + [0]).withUnsafeBufferPointer { p in
                p.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC) }
            }
            guard fd >= 0 else { continue }
            var h = SHA256()
            while true {
                let n = read(fd, buffer.baseAddress, buffer.count)
                if n <= 0 { break }
                h.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                bytes += Int64(n)
            }
            close(fd)
            _ = h.finalize()
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard bytes > 0, seconds > 0 else { return }
        result.sampledRate = Double(bytes) / seconds
        result.estimatedSeconds = Double(wanted) / result.sampledRate!
    }
}
