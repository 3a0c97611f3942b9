import AttacheCatalog
import AttacheModel
import Foundation

/// The catalogued files of a plan, looked up by id. The catalog gives them in id order, so a
/// binary search finds one — no table of a million entries to build.
public struct FileIndex: Sendable {
    private let facts: [PlanningFacts]

    init(_ facts: [PlanningFacts]) {
        var sorted = true
        for k in facts.indices.dropFirst() where facts[k - 1].file.id >= facts[k].file.id { sorted = false; break }
        self.facts = sorted ? facts : facts.sorted { $0.file.id < $1.file.id }
    }

    public subscript(id: Int64) -> FileRecord? {
        var lo = 0, hi = facts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let m = facts[mid].file.id
            if m == id { return facts[mid].file }
            if m < id { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }
}

