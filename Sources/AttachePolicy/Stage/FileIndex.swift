import AttacheModel

/// The files of a plan, looked up by id: the planner's own files (no second copy), in id
/// order, so a binary search finds one.
public struct FileIndex: Sendable {
    private let files: [PlanFile]

    init(_ files: [PlanFile]) {
        var sorted = true
        for k in files.indices.dropFirst() where files[k - 1].id >= files[k].id { sorted = false; break }
        self.files = sorted ? files : files.sorted { $0.id < $1.id }
    }

    public subscript(id: Int64) -> PlanFile? {
        var lo = 0, hi = files.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let m = files[mid].id
            if m == id { return files[mid] }
            if m < id { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }
}
