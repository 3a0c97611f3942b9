import AttacheCatalog
import AttacheModel
import AttacheSystem
import Foundation

/// One difference between the target and what the catalog says attache put there.
public struct VerifyDifference: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Something attache wrote is not there any more.
        case missing
        /// A file or an archive member whose bytes (or size) are not the ones written.
        case changed
        /// An archive whose content cannot be read (damaged, truncated), or lacks a member.
        case damaged
        /// In the target, but not written by attache (or an archive member attache did not put there).
        case unexpected
        /// A temporary file a stopped run left (the next apply removes it).
        case temporary
        /// A file the mapping says is not placed yet (pending), or whose placement the target's record does not back.
        case notPlaced = "not-placed"
        /// The target holds more than the quota.
        case overQuota = "over-quota"
    }
    public var kind: Kind
    /// Below the target root (an archive member: `archive : member`), or the source for `not-placed`.
    public var path: String
    public var detail: String
}

/// What `attache verify` checked and found.
public struct VerifyResult: Sendable {
    public var target: String
    public var fast: Bool
    public var files = 0
    public var archives = 0
    public var members = 0
    public var bytesHashed: Int64 = 0
    /// Bytes of everything in the target (attache's and not), and the quota.
    public var targetBytes: Int64 = 0
    public var quota: Int64?
    public var differences: [VerifyDifference] = []
    public var ok: Bool { differences.isEmpty }
}

/// Re-reads a target against the catalog (Documentation/Relocation.md): every file attache
/// wrote is hashed again (`fast`: its size only), every archive is read through and each
/// member's SHA-256 compared with what was written, everything else in the target is listed
/// as unexpected, and the mapping is checked against the target's record.
public enum Verifier {
    public static func run(catalogPath: String, target given: String?, fast: Bool, cancel: Cancellation? = nil,
                           progress: (@Sendable (Int, Int64) -> Void)? = nil) throws(ApplyError) -> VerifyResult {
        let catalog: Catalog
        let key: String
        do {
            catalog = try Catalog(path: catalogPath, mustExist: true)
            if let given {
                guard let real = realpath(given.hasPrefix("/") ? given : FileManager.default.currentDirectoryPath + "/" + given, nil) else {
                    throw ApplyError.target(path: given, reason: "it does not exist")
                }
                key = String(cString: real)
                free(real)
            } else {
                guard let last = try catalog.latestApplyTarget() else { throw ApplyError.noPlan(catalog: catalogPath) }
                key = last
            }
        } catch let e as ApplyError { throw e } catch {
            throw .catalog(error as? CatalogError ?? .sqlite(path: catalogPath, reason: "\(error)"))
        }
        let folder: TargetFolder
        do { folder = try TargetFolder(root: RawPath(key)) } catch { throw .target(path: key, reason: error.description) }
        var result = VerifyResult(target: key, fast: fast)
        do {
            result.quota = try catalog.plans(limit: 1).first.flatMap { ApplyEngine.summaryNumbers($0.summaryJSON).quota }
            try checkOwned(catalog, folder, key, fast: fast, cancel: cancel, progress: progress, into: &result)
            try checkUnexpected(catalog, folder, key, into: &result)
            for gap in try catalog.mappingGaps(target: key) {
                result.differences.append(VerifyDifference(kind: .notPlaced, path: gap.source,
                                                           detail: "mapping says \(gap.placement.rawValue): \(gap.detail)"))
            }
        } catch let e as ApplyError { throw e } catch {
            throw .catalog(error as? CatalogError ?? .sqlite(path: catalogPath, reason: "\(error)"))
        }
        if let q = result.quota, result.targetBytes > q {
            result.differences.append(VerifyDifference(kind: .overQuota, path: "", detail: "the target holds \(result.targetBytes) bytes, over the quota of \(q)"))
        }
        return result
    }

    /// Everything attache wrote: there, the same size and (unless fast) the same bytes.
    static func checkOwned(_ catalog: Catalog, _ folder: TargetFolder, _ key: String, fast: Bool, cancel: Cancellation?,
                           progress: (@Sendable (Int, Int64) -> Void)?, into result: inout VerifyResult) throws {
        var after: String? = nil
        while true {
            let page = try catalog.ownedItems(target: key, after: after, limit: 512)
            guard let last = page.last else { break }
            after = last.path
            for item in page {
                if cancel?.isCancelled == true { throw Cancelled() }
                let path = RawPath(item.path)
                guard let entry = try? folder.entry(at: path), entry.kind == .regular else {
                    result.differences.append(VerifyDifference(kind: .missing, path: item.path, detail: "attache wrote it; it is not there (or not a file)"))
                    continue
                }
                if item.kind == .archive { result.archives += 1 } else { result.files += 1 }
                if entry.size != item.size {
                    result.differences.append(VerifyDifference(kind: .changed, path: item.path, detail: "\(entry.size) bytes, attache wrote \(item.size)"))
                    continue
                }
                if fast { continue }
                if item.kind == .archive {
                    try checkArchive(catalog, folder, key, item, into: &result)
                } else {
                    do {
                        let h = try folder.hash(at: path)
                        result.bytesHashed += h.size
                        if h.sha256 != item.sha256 {
                            result.differences.append(VerifyDifference(kind: .changed, path: item.path, detail: "its SHA-256 is not the one attache wrote"))
                        }
                    } catch {
                        result.differences.append(VerifyDifference(kind: .damaged, path: item.path, detail: error.description))
                    }
                }
                progress?(result.files + result.archives, result.bytesHashed)
            }
        }
    }

    /// One archive read through: its members and manifest against what attache recorded.
    static func checkArchive(_ catalog: Catalog, _ folder: TargetFolder, _ key: String, _ item: OwnedItem,
                             into result: inout VerifyResult) throws {
        let listing: ArchiveListing
        do { listing = try folder.readArchive(at: RawPath(item.path), hashing: true) } catch {
            result.differences.append(VerifyDifference(kind: .damaged, path: item.path, detail: error.description))
            return
        }
        var stored: [RawPath: ArchiveEntry] = [:]
        for e in listing.entries where e.name != ArchiveWriter.manifestName { stored[e.name] = e }
        result.bytesHashed += listing.entries.reduce(0) { $0 + $1.size }
        let recorded = try catalog.ownedMembers(target: key, archive: item.path)
        var expected = Set<RawPath>()
        for m in recorded {
            result.members += 1
            expected.insert(m.member)
            let shown = "\(item.path) : \(m.member.display)"
            if m.storedAs != nil {
                // A duplicate lives in the manifest only, pointing at the stored member.
                guard let d = listing.manifest?.duplicates[m.member], d.sha256 == m.sha256 else {
                    result.differences.append(VerifyDifference(kind: .damaged, path: shown, detail: "the manifest does not list it as a duplicate with its SHA-256"))
                    continue
                }
                continue
            }
            guard let e = stored[m.member] else {
                result.differences.append(VerifyDifference(kind: .missing, path: shown, detail: "not in the archive"))
                continue
            }
            if e.sha256 != m.sha256 || e.size != m.size {
                result.differences.append(VerifyDifference(kind: .changed, path: shown, detail: "its SHA-256 is not the one attache wrote"))
            } else if listing.manifest?.stored[m.member] != m.sha256 {
                result.differences.append(VerifyDifference(kind: .damaged, path: shown, detail: "the archive's manifest does not list it with its SHA-256"))
            }
        }
        for name in stored.keys.sorted() where !expected.contains(name) {
            result.differences.append(VerifyDifference(kind: .unexpected, path: "\(item.path) : \(name.display)", detail: "a member attache did not put there"))
        }
    }

    /// Everything in the target attache did not write (and its total size for the quota).
    static func checkUnexpected(_ catalog: Catalog, _ folder: TargetFolder, _ key: String, into result: inout VerifyResult) throws {
        try folder.walk { path, kind, size in
            guard kind != .directory else { return }
            result.targetBytes += size
            if path.bytes.split(separator: UInt8(ascii: "/")).last?.starts(with: TargetFolder.temporaryPrefix) == true {
                result.differences.append(VerifyDifference(kind: .temporary, path: path.display, detail: "a temporary file a stopped run left: 'attache apply' removes it"))
                return
            }
            let owned = path.isValidUTF8 ? try catalog.ownedItem(target: key, path: String(decoding: path.bytes, as: UTF8.self)) : nil
            if owned == nil {
                result.differences.append(VerifyDifference(kind: .unexpected, path: path.display,
                                                           detail: kind == .regular ? "not written by attache" : "a \(kind.rawValue), not written by attache"))
            }
        }
    }
}
