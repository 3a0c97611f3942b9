import AttacheCatalog
import AttacheModel
import AttacheSystem
import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Archive volumes: each is one journaled step. Its members are the plan's archived files for
// that volume, named `<root>/<path below the root>` (raw bytes: a name that is not UTF-8 stays
// exactly as it is), written by libarchive to a temporary name in the target and renamed into
// place when complete. A member whose source changed since the scan is left out (the volume is
// started again without it) and reported; the volume is rewritten after a re-scan and re-plan.

/// The identity of an archive's content: its format and every member's name and SHA-256.
/// An archive attache wrote with the same key holds exactly what the plan wants.
enum ArchiveContentKey {
    static func of(format: ArchiveFormat, members: [(name: RawPath, sha256: ContentHash?)]) -> String {
        var h = SHA256()
        h.update(data: Array("attache-archive-1 \(format.rawValue)\n".utf8))
        for m in members.sorted(by: { $0.name < $1.name }) {
            h.update(data: m.name.bytes)
            h.update(data: Array("\0\(m.sha256?.hex ?? "-")\n".utf8))
        }
        return ContentHash(bytes: h.finalize()).hex
    }

    /// The format an archive path's extension names (the plan writes the policy's format there).
    static func format(of path: String) -> ArchiveFormat {
        if path.hasSuffix(".tar.gz") { return .tarGzip }
        if path.hasSuffix(".zip") { return .zip }
        return .tarZstd
    }
}

extension ApplyEngine {
    /// A member's name: the root's short name, then the file's path below it.
    func memberName(_ item: ArchiveItem) -> RawPath {
        RawPath(bytes: (rootLabels[item.rootID] ?? Array("root".utf8)) + [UInt8(ascii: "/")] + item.path.bytes)
    }

    /// The content key the plan wants for a volume.
    func wantedKey(_ path: String, _ items: [ArchiveItem]) -> String {
        ArchiveContentKey.of(format: ArchiveContentKey.format(of: path), members: items.map { (memberName($0), $0.sha256) })
    }

    /// Writes the volumes the target lacks, several at once (`--workers`: compression, hashing
    /// and each volume's final fsync overlap).
    func writeArchives() throws {
        let volumes = try catalog.archiveVolumes(plan: plan.id, target: targetKey)
        var next = 0
        // Under a quota, volumes are written one by one until one's real size is known (in
        // place, or written now): the quota check then corrects the plan's estimate before
        // several volumes are in flight at once.
        while quota != nil && sizedEstimate == 0 && next < volumes.count && !isStopped {
            try writeVolumeIfNeeded(volumes[next])
            next += 1
        }
        let rest = Array(volumes[next...])
        let failure = Slots<Error>(count: 1)
        Parallel.forEach(rest.count, workers: request.workers) { k in
            if self.isStopped || failure[0] != nil { return }
            do { try self.writeVolumeIfNeeded(rest[k]) } catch { if failure[0] == nil { failure[0] = error } }
        }
        if let e = failure[0] { throw e }
    }

    /// One volume: nothing when the target holds it already; else the quota is checked and
    /// the volume written.
    func writeVolumeIfNeeded(_ volume: ArchiveVolumeWork) throws {
        if cancelled { stopRun(.interrupted); return }
        let items = try catalog.archiveItems(plan: plan.id, archive: volume.path)
        if let owned = volume.owned, archiveInPlace(owned, wantedKey(volume.path, items)) { return }
        if let quota {
            lock.lock()
            let over = overQuotaBeforeNextVolume(quota)
            if let over, result.stop == nil { result.stop = .quota(over); result.quota = over }
            lock.unlock()
            if over != nil { return }
        }
        let written = try writeVolume(volume, items)
        lock.lock()
        estimateWritten += estimate(volume)
        if written > 0 {
            sizedEstimate += estimate(volume)
            sizedReal += written
        }
        lock.unlock()
    }

    /// Whether the run was told to stop (under the lock: workers set it).
    var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return result.stop != nil
    }

    /// Stops the run for the first reason given.
    func stopRun(_ why: ApplyStop) {
        lock.lock()
        if result.stop == nil { result.stop = why }
        lock.unlock()
    }

    /// Writes one volume (journaled), leaving out members whose source changed.
    /// - Returns: the bytes of the volume written (0 when it was not).
    func writeVolume(_ volume: ArchiveVolumeWork, _ all: [ArchiveItem]) throws -> Int64 {
        let now = Timestamp(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9))
        let id = try catalog.journalStart(run: runID, target: targetKey, [
            JournalEntry(kind: .sealArchive, state: .started, fileID: nil, targetPath: volume.path, bytes: volume.bytes, time: now)])[0]
        var outcomes: [StepOutcome] = []
        var writtenBytes: Int64 = 0
        var items = all
        // Cheap checks first: a source whose size or mtime differ is left out before writing.
        items.removeAll { item in
            guard let why = ApplyEngine.changedSinceScan(item) else { return false }
            outcomes.append(memberSkipped(item, reason: why))
            return true
        }
        let format = ArchiveContentKey.format(of: volume.path)
        let existing: ExistingFilePolicy = volume.owned != nil ? .overwrite : .refuse
        while true {
            pauseForTests()
            if items.isEmpty {
                // Every member was left out: no archive of nothing; the next apply writes it.
                outcomes.append(StepOutcome(journalID: id, state: .failed, detail: "none of its files could be archived (listed above)"))
                break
            }
            do {
                let writer = try target.archiveWriter(at: RawPath(volume.path), format: format, existing: existing,
                                                      cancellation: request.cancel, faults: archiveFaults())
                var members: [OwnedMember] = []
                var refused: ArchiveItem? = nil
                for item in items {
                    let name = memberName(item)
                    let m: ArchiveMember
                    do { m = try writer.add(item.source, as: name, knownHash: item.sha256) } catch {
                        if ApplyEngine.isSourceProblem(error) { refused = item; outcomes.append(memberSkipped(item, reason: error.description)); break }
                        throw error
                    }
                    if m.sha256 != item.sha256 {
                        refused = item
                        outcomes.append(memberSkipped(item, reason: "\(item.source.display) changed since the scan (its SHA-256 is not the one the scan recorded): re-scan and re-plan"))
                        break
                    }
                    members.append(OwnedMember(member: name, fileID: item.fileID, sha256: m.sha256, size: m.size,
                                               storedAs: m.isDuplicate ? m.storedAs : nil))
                    advance("archiving", files: 1, bytes: item.size)
                }
                if let refused {
                    writer.discard()
                    items.removeAll { $0.fileID == refused.fileID }
                    continue
                }
                let contents = try writer.finish()
                outcomes.append(volumeWritten(volume, contents, members, format: format, journalID: id))
                writtenBytes = contents.size
                break
            } catch let e as TargetError {
                outcomes.append(failed(e, fileID: nil, source: RawPath(volume.path), size: volume.bytes, journalID: id))
                break
            } catch let e as ArchiveWriterError {
                outcomes.append(volumeFailed(volume, e, journalID: id))
                break
            }
        }
        try catalog.journalFinish(target: targetKey, outcomes)
        return writtenBytes
    }

    /// A volume under its final name: counted, and owned with its members.
    func volumeWritten(_ volume: ArchiveVolumeWork, _ contents: ArchiveContents, _ members: [OwnedMember], format: ArchiveFormat,
                       journalID: Int64) -> StepOutcome {
        let key = ArchiveContentKey.of(format: format, members: members.map { ($0.member, $0.sha256) })
        lock.lock()
        result.counts.archives.add(volume.bytes)
        result.counts.members.files += members.count
        result.counts.members.bytes += members.reduce(0) { $0 + $1.size }
        result.counts.archiveBytesWritten += contents.size
        wrote += contents.size
        lock.unlock()
        return StepOutcome(journalID: journalID, state: .done, bytes: contents.size, sha256: contents.sha256,
                           owned: OwnedItem(path: volume.path, kind: .archive, fileID: nil, sha256: contents.sha256, size: contents.size,
                                            contentKey: key, method: "archive", runID: runID, planID: plan.id),
                           members: members)
    }

    /// A volume the archive writer could not finish: refused in the target (a conflict, or
    /// a full target that stops the run), interrupted, or a library failure.
    func volumeFailed(_ volume: ArchiveVolumeWork, _ e: ArchiveWriterError, journalID: Int64) -> StepOutcome {
        if case .target(let te) = e { return failed(te, fileID: nil, source: RawPath(volume.path), size: volume.bytes, journalID: journalID) }
        if case .cancelled = e {
            stopRun(.interrupted)
            return StepOutcome(journalID: journalID, state: .failed, detail: "interrupted")
        }
        let reason = "cannot write the archive \(volume.path): \(e.description)"
        if ApplyEngine.isFullTarget(e) {
            stopRun(.target(reason))
        } else {
            lock.lock()
            result.conflicts.append(SkippedFile(fileID: nil, path: volume.path, reason: reason))
            lock.unlock()
        }
        return StepOutcome(journalID: journalID, state: .failed, detail: reason)
    }

    /// A member left out: a failed journal step about its file, so the mapping says why.
    func memberSkipped(_ item: ArchiveItem, reason: String) -> StepOutcome {
        let now = Timestamp(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9))
        let id = (try? catalog.journalStart(run: runID, target: targetKey, [
            JournalEntry(kind: .archive, state: .started, fileID: item.fileID, targetPath: item.source.display, time: now)]))?.first ?? 0
        lock.lock()
        result.skipped.append(SkippedFile(fileID: item.fileID, path: item.source.display, reason: reason))
        result.counts.skipped.add(item.size)
        lock.unlock()
        return StepOutcome(journalID: id, state: .failed, detail: reason)
    }

    /// Why a source no longer matches the scan by size, mtime or kind (nil: it does).
    static func changedSinceScan(_ item: ArchiveItem) -> String? {
        var st = stat()
        let rc = (item.source.bytes + [0]).withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { lstat($0.baseAddress!, &st) }
        }
        if rc != 0 { return "\(item.source.display) cannot be read any more (\(String(cString: strerror(errno)))): re-scan and re-plan" }
        if (st.st_mode & S_IFMT) != S_IFREG { return "\(item.source.display) is no longer a regular file: re-scan and re-plan" }
        if Int64(st.st_size) != item.size {
            return "\(item.source.display) changed since the scan (its size is \(st.st_size) bytes, the scan saw \(item.size)): re-scan and re-plan"
        }
        let mtime = Timestamp(seconds: Int(st.st_mtim.tv_sec), nanoseconds: Int(st.st_mtim.tv_nsec))
        if mtime != item.mtime { return "\(item.source.display) changed since the scan (its modification time differs): re-scan and re-plan" }
        return nil
    }

    static func isSourceProblem(_ e: ArchiveWriterError) -> Bool {
        switch e {
        case .unreadableSource(_, let err): return ![ENOSPC, EDQUOT].contains(err.code)
        case .sourceChanged: return true
        default: return false
        }
    }

    static func isFullTarget(_ e: ArchiveWriterError) -> Bool {
        switch e {
        case .output(let a): return [ENOSPC, EDQUOT, EROFS, EIO, EACCES, EPERM].contains(a.error.code)
        case .unreadableSource(_, let err): return [ENOSPC, EDQUOT].contains(err.code)
        default: return false
        }
    }

    /// The test seam's byte budget for archives: reading fails with ENOSPC once the run wrote that much.
    func archiveFaults() -> ArchiveWriterFaults {
        guard let budget = request.targetFullAfterBytes else { return ArchiveWriterFaults() }
        let base = wrote
        return ArchiveWriterFaults(afterChunk: { _, bytes in base + bytes > budget ? ENOSPC : nil })
    }
}
