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

    /// Compares the walk with the catalog's rows of the root. `prior` is emptied of what the
    /// walk found (in place: a copy of 100,000 rows cost more than the comparison).
    static func compare(_ walk: Collector, prior remaining: inout [RawPath: PriorFile], rootID: Int64, rootPath: RawPath) -> Result {
        var r = Result()
        for e in walk.entries {
            let before = remaining.removeValue(forKey: e.path)
            let isNew = before == nil || before?.status == .gone
            let nameProblem = walk.problemByPath[e.path]
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
        for (path, b) in remaining where b.status != .gone {
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

    static func isInside(_ path: RawPath, _ dir: RawPath) -> Bool {
        if dir.isEmpty { return true }
        return path.bytes.count > dir.bytes.count && path.bytes.starts(with: dir.bytes)
            && path.bytes[dir.bytes.count] == UInt8(ascii: "/")
    }
}
