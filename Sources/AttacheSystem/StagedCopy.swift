import AttacheModel
import CFTS
#if canImport(Glibc)
import Glibc
#endif

/// A verified copy written under a temporary name in its destination folder, neither durable
/// nor named yet: the first half of ``TargetFolder/copy(from:to:expecting:existing:faults:)``
/// for callers that make a whole batch durable at once.
///
/// The batch protocol (what `apply` does): stage every file of the batch, make the file system
/// durable once (``TargetFolder/flushFileSystem()``), ``TargetFolder/commit(_:)`` each staged
/// copy (its final name, atomically, never replacing what attache did not write unless
/// allowed), flush once more so the names are durable. No file is ever under its final name
/// before its bytes are on disk, as with the one-file `copy`, but a batch of N files costs two
/// flushes instead of 2 × N fsyncs. A staged copy dropped without being committed removes its
/// temporary file.
public final class StagedCopy: @unchecked Sendable {
    /// The target path (relative to the root).
    public let path: RawPath
    /// What was copied: size, SHA-256 (equal to the expected one), the source's mtime.
    public let outcome: CopyOutcome
    let folder: Int32
    let folderParts: ArraySlice<[UInt8]>
    let tempName: [UInt8]
    let name: [UInt8]
    let existing: ExistingFilePolicy
    var placed = false

    init(path: RawPath, outcome: CopyOutcome, folder: Int32, folderParts: ArraySlice<[UInt8]>, tempName: [UInt8], name: [UInt8],
         existing: ExistingFilePolicy) {
        self.path = path; self.outcome = outcome; self.folder = folder; self.folderParts = folderParts
        self.tempName = tempName; self.name = name; self.existing = existing
    }

    deinit {
        if !placed { _ = Posix.withCString(tempName) { unlinkat(folder, $0, 0) } }
        close(folder)
    }
}

extension TargetFolder {
    /// Copies and verifies like ``copy(from:to:expecting:existing:faults:)`` but stops before
    /// anything is flushed or named: the bytes are under a temporary name in the destination's
    /// folder (created as needed), with the source's times.
    public func stageCopy(from source: RawPath, to path: RawPath, expecting: CopyExpectation,
                          existing: ExistingFilePolicy = .refuse,
                          faults: VerifiedCopyFaults = VerifiedCopyFaults()) throws(TargetError) -> StagedCopy {
        let parts = try TargetFolder.components(of: path)
        let (sourceFD, sourceStat) = try TargetFolder.openSource(source)
        defer { close(sourceFD) }
        let mtime = Timestamp(seconds: Int(sourceStat.st_mtim.tv_sec), nanoseconds: Int(sourceStat.st_mtim.tv_nsec))
        if Int64(sourceStat.st_size) != expecting.size {
            throw TargetError(path: source, reason: .changedSinceScan("its size is \(sourceStat.st_size) bytes, the scan saw \(expecting.size)"))
        }
        if let expected = expecting.mtime, expected != mtime {
            throw TargetError(path: source, reason: .changedSinceScan("its modification time is not the one the scan saw"))
        }
        let folderParts = parts.dropLast()
        let folder = try openFolder(folderParts, create: true, for: path)
        let name = parts[parts.count - 1]
        var handedOver = false
        defer { if !handedOver { close(folder) } }
        try checkFinalName(name, in: folder, path: path, existing: existing)
        let (tempFD, tempName) = try createTemporary(in: folder, path: path)
        var kept = false
        defer {
            close(tempFD)
            if !kept { _ = Posix.withCString(tempName) { unlinkat(folder, $0, 0) } }
        }
        let (size, hash) = try TargetFolder.stream(sourceFD, to: tempFD, path: path, faults: faults)
        if size != expecting.size || hash != expecting.sha256 {
            throw TargetError(path: source, reason: .changedSinceScan(size != expecting.size
                ? "\(size) bytes were read, the scan saw \(expecting.size)" : "its SHA-256 is not the one the scan recorded"))
        }
        var times = [sourceStat.st_atim, sourceStat.st_mtim]
        if futimens(tempFD, &times) != 0 {
            throw TargetError(path: path, reason: .system(step: "set its modification time", error: PosixError(code: attache_errno())))
        }
        kept = true
        handedOver = true
        return StagedCopy(path: path, outcome: CopyOutcome(size: size, sha256: hash, mtime: mtime), folder: folder,
                          folderParts: folderParts, tempName: tempName, name: name, existing: existing)
    }

    /// Gives a staged copy its final name: the folder is checked to be still inside the target
    /// (not swapped for a link since), then the name is made atomically (never replacing what
    /// attache did not write unless the copy was staged with `.overwrite`). Call it after
    /// ``flushFileSystem()`` made the staged bytes durable, and flush again afterwards.
    public func commit(_ staged: StagedCopy) throws(TargetError) {
        guard !staged.placed else { return }
        try ensureStillContained(staged.folder, staged.folderParts, for: staged.path)
        try place(staged.tempName, as: staged.name, in: staged.folder, path: staged.path, existing: staged.existing)
        staged.placed = true
    }

    /// Takes back the name ``commit(_:)`` gave, when the names of a batch could not be made
    /// durable: the journal will not own the file, so it must not stay under its final name
    /// (a later run would take it for a file attache did not write, and never place it).
    public func uncommit(_ staged: StagedCopy) {
        guard staged.placed else { return }
        _ = Posix.withCString(staged.name) { unlinkat(staged.folder, $0, 0) }
        staged.placed = false
    }

    /// Makes everything written to the target's file system durable (`syncfs`): one flush for a
    /// whole batch of staged copies, or of their new names.
    public func flushFileSystem() throws(TargetError) {
        if attache_syncfs(rootFD) != 0 {
            throw TargetError(path: root, reason: .system(step: "flush the target to disk (syncfs)", error: PosixError(code: attache_errno())))
        }
    }
}

extension TargetFolder {
    /// Takes an exclusive lock on the target root (`flock`), held while this object lives:
    /// two runs writing one target at once would claim each other's steps as dead.
    /// - Returns: false when another process holds it.
    public func lockExclusively() -> Bool {
        flock(rootFD, LOCK_EX | LOCK_NB) == 0
    }
}
