import AttacheCatalog
import AttacheModel
import AttacheSystem

/// Compares what the walk found with what the catalog knows.
enum Differ {
    struct Result {
        var work: [WorkItem] = []
        var updates: [FileUpdate] = []
        var goneIDs: [Int64] = []
        /// Entries written by the comparison itself (special files); files to read are counted
        /// by the read phase once their result is written (``ReadPhase/Outcome``).
        /// Unchanged files whose owner changed or was not recorded yet: written without a new read.
        var owners: [OwnerUpdate] = []
        var newCount = 0, changedCount = 0, unchangedCount = 0
    }

    /// Compares the walk with the catalog's rows of the root, `prior` sorted in the walk's
    /// order (``Walker/walkOrderPrecedes(_:_:)``): one pass pairs them, with no table of paths.
    static func compare(_ walk: Collector, prior: [PriorFile], rootID: Int64, rootPath: RawPath) -> Result {
        var r = Result()
        let matched = pair(walk.entries, prior)
        var used = [Bool](repeating: false, count: prior.count)
        for (i, e) in walk.entries.enumerated() {
            let before: PriorFile?
            if let j = matched[i] { before = prior[j]; used[j] = true } else { before = nil }
            let isNew = before == nil || before?.status == .gone
            let nameProblem = walk.problemByPath.isEmpty ? nil : walk.problemByPath[e.path]
            if e.stat.kind == .regular {
                if let b = before, b.status == .ok, b.hasHash, !e.stat.differs(from: b.stat) {
                    r.unchangedCount += 1
                    if e.stat.ownerDiffers(from: b.stat) { r.owners.append(OwnerUpdate(id: b.id, uid: e.stat.uid, gid: e.stat.gid)) }
                    continue
                }
                r.work.append(WorkItem(rootID: rootID, path: e.path, root: rootPath, stat: e.stat,
                                       nameProblem: nameProblem, isNew: isNew))
            } else {
                // Symlinks, FIFOs, sockets, devices: listed, never opened.
                if let b = before, b.status == .special, !e.stat.differs(from: b.stat) {
                    r.unchangedCount += 1
                    if e.stat.ownerDiffers(from: b.stat) { r.owners.append(OwnerUpdate(id: b.id, uid: e.stat.uid, gid: e.stat.gid)) }
                    continue
                }
                if isNew { r.newCount += 1 } else { r.changedCount += 1 }
                r.updates.append(FileUpdate(rootID: rootID, path: e.path, stat: e.stat, status: .special,
                                            problem: nameProblem?.code, problemDetail: nameProblem?.detail))
            }
        }
        // What was known and is not there any more is gone — unless its folder could not be listed.
        for (j, b) in prior.enumerated() where !used[j] && b.status != .gone {
            let path = b.path
            if let dir = walk.unlisted.first(where: { isInside(path, $0) }) {
                r.updates.append(FileUpdate(rootID: rootID, path: path, stat: b.stat, status: .unreadable,
                                            problem: .permissionDenied,
                                            problemDetail: "its folder \(dir.display) could not be listed"))
            } else {
                r.goneIDs.append(b.id)
            }
        }
        r.goneIDs.sort()
        return r
    }

    /// For each walk entry, the index of the prior row with its path. Both lists are in walk
    /// order, so a merge finds the pairs; entries out of order (never seen: the walker sorts)
    /// would fall back to a table, so a mistake costs time, never a wrong answer.
    static func pair(_ entries: [WalkEntry], _ prior: [PriorFile]) -> [Int?] {
        var matched = [Int?](repeating: nil, count: entries.count)
        var j = 0
        for (i, e) in entries.enumerated() {
            if i > 0 && !Walker.walkOrderPrecedes(entries[i - 1].path.bytes, e.path.bytes) { return pairByTable(entries, prior) }
            while j < prior.count && Walker.walkOrderPrecedes(prior[j].path.bytes, e.path.bytes) { j += 1 }
            if j < prior.count && prior[j].path == e.path { matched[i] = j; j += 1 }
        }
        return matched
    }

    static func pairByTable(_ entries: [WalkEntry], _ prior: [PriorFile]) -> [Int?] {
        var index: [RawPath: Int] = [:]
        index.reserveCapacity(prior.count)
        for (j, p) in prior.enumerated() { index[p.path] = j }
        return entries.map { index[$0.path] }
    }

    static func isInside(_ path: RawPath, _ dir: RawPath) -> Bool {
        if dir.isEmpty { return true }
        return path.bytes.count > dir.bytes.count && path.bytes.starts(with: dir.bytes)
            && path.bytes[dir.bytes.count] == UInt8(ascii: "/")
    }
}
