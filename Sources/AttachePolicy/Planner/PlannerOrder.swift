import AttacheModel
import Dispatch
import Foundation

// The planner's machinery: deterministic orders of files (by id, by path bytes) and the
// positional parallel map that shares independent steps among the cores.

extension Planner {
    /// `(0..<n).map(body)`, computed in contiguous chunks on every core when `n` is large.
    /// The result is positional, so it is the same whatever the threads' timing.
    static func parallelMap<T: Sendable>(_ n: Int, minimumChunk: Int, _ body: @Sendable (Int) -> T) -> [T] {
        parallelChunks(n, minimumChunk: minimumChunk) { lo, hi in (lo..<hi).map(body) }
    }

    /// `body(lo, hi)` for contiguous chunks of `0..<n` on every core when `n` is large (one
    /// chunk otherwise), each returning its `hi - lo` results, joined in order.
    static func parallelChunks<T: Sendable>(_ n: Int, minimumChunk: Int, _ body: @Sendable (Int, Int) -> [T]) -> [T] {
        let parts = parallelParts(n, minimumChunk: minimumChunk, body)
        if parts.count == 1 { return parts[0] }
        var all: [T] = []
        all.reserveCapacity(n)
        for p in parts { all.append(contentsOf: p) }
        return all
    }

    /// `body(lo, hi)` for contiguous chunks of `0..<n` on every core when `n` is large (one
    /// chunk otherwise): each chunk's result, in order (not joined: a caller that folds them
    /// into something smaller never holds two copies).
    static func parallelParts<T: Sendable>(_ n: Int, minimumChunk: Int, _ body: @Sendable (Int, Int) -> T) -> [T] {
        let chunks = Swift.min(ProcessInfo.processInfo.activeProcessorCount, n / Swift.max(1, minimumChunk))
        guard chunks > 1 else { return [body(0, n)] }
        let parts = Parts<T>(count: chunks)
        // Not the shared `Pipeline`: this is pure CPU work with no I/O and no consumer, whose
        // results must come back by position; concurrentPerform sizes itself to the cores and
        // returns when every chunk is done, which is exactly that.
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            parts.set(c, body(n * c / chunks, n * (c + 1) / chunks))
        }
        return parts.take()
    }

    /// One slot per chunk of `parallelParts`; each chunk writes only its own slot, and the
    /// caller reads them after every chunk has finished.
    final class Parts<T>: @unchecked Sendable {
        let count: Int
        let base: UnsafeMutablePointer<T?>
        init(count: Int) {
            self.count = count
            base = .allocate(capacity: count)
            base.initialize(repeating: nil, count: count)
        }
        deinit {
            base.deinitialize(count: count)
            base.deallocate()
        }
        func set(_ i: Int, _ part: T) { base[i] = part }
        /// The parts, moved out (the slots are left empty).
        func take() -> [T] { (0..<count).map { base[$0].take()! } }
    }

    static func lineSuffix(_ r: Rule) -> String { r.line > 0 ? " (line \(r.line))" : "" }

    static func percent(_ fraction: Double) -> String { formatFixed(fraction * 100, digits: 0) + " %" }

    static func compare(_ a: Int64, _ b: Int64) -> Int { a < b ? -1 : (a > b ? 1 : 0) }

    /// Whether the files are already in decision order (the catalog usually gives them so).
    static func isSorted(_ files: [PlanFile]) -> Bool {
        guard files.count > 1 else { return true }
        for i in 1..<files.count where files[i - 1].id >= files[i].id { return false }
        return true
    }

    /// Indices of `files` in path order (root bytes, path bytes, then file order).
    ///
    /// An MSD sort on 8-byte chunks: every file's key (root rank, next 8 path bytes, index)
    /// sits in one contiguous array; runs of equal chunks are re-keyed with their next 8 bytes
    /// and sorted again. Paths that share long folders cost a few sequential passes instead of
    /// a byte-by-byte comparison per step of a comparison sort.
    static func pathOrder(of files: [PlanFile]) -> [Int] {
        var rootSet = Set<String>()
        for i in files.indices { rootSet.insert(files[i].root) }
        let roots = Array(rootSet).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var rootRank: [String: Int32] = [:]
        for (r, root) in roots.enumerated() { rootRank[root] = Int32(r) }
        var keys: [PathKey] = []
        keys.reserveCapacity(files.count)
        var starts = [Int](repeating: 0, count: files.count + 1)
        var packed: [UInt8] = []
        var lastRoot: String? = nil
        var lastRank: Int32 = 0
        for i in files.indices {
            let root = files[i].root
            if root != lastRoot { lastRank = rootRank[root]!; lastRoot = root }
            starts[i] = packed.count
            files[i].withPathBytes { packed.append(contentsOf: $0) }
            keys.append(PathKey(rank: lastRank, index: Int32(i), chunk: 0))
        }
        starts[files.count] = packed.count
        packed.withUnsafeBufferPointer { bytes in
            func chunk(_ i: Int, _ offset: Int) -> UInt64 {
                let s = starts[i] + offset, e = starts[i + 1]
                var v: UInt64 = 0
                for k in 0..<8 { v = v << 8 | UInt64(s + k < e ? bytes[s + k] : 0) }
                return v
            }
            for k in keys.indices { keys[k].chunk = chunk(Int(keys[k].index), 0) }
            keys.sort(by: PathKey.less)
            // Runs of equal (root, chunk) whose paths go on are sorted by their next chunk.
            var work: [(Int, Int, Int)] = []
            func findRuns(_ lo: Int, _ hi: Int, _ offset: Int) {
                var a = lo
                while a < hi {
                    var b = a + 1
                    while b < hi && keys[b].rank == keys[a].rank && keys[b].chunk == keys[a].chunk { b += 1 }
                    if b - a > 1 {
                        // Path bytes are never 0, so an equal chunk means equal bytes so far; a
                        // path that ended within it ended for the whole run (same length).
                        let i = Int(keys[a].index)
                        if starts[i + 1] - starts[i] > offset + 8 { work.append((a, b, offset + 8)) }
                    }
                    a = b
                }
            }
            findRuns(0, keys.count, 0)
            while let (lo, hi, offset) = work.popLast() {
                for k in lo..<hi { keys[k].chunk = chunk(Int(keys[k].index), offset) }
                keys[lo..<hi].sort(by: PathKey.less)
                findRuns(lo, hi, offset)
            }
        }
        return keys.map { Int($0.index) }
    }

    struct PathKey {
        var rank: Int32
        var index: Int32
        var chunk: UInt64
        static func less(_ x: PathKey, _ y: PathKey) -> Bool {
            if x.rank != y.rank { return x.rank < y.rank }
            if x.chunk != y.chunk { return x.chunk < y.chunk }
            return x.index < y.index
        }
    }

    /// Root bytes, then path bytes, then id: the order "the file that sorts first" refers to.
    static func pathOrder(_ a: PlanFile, _ b: PlanFile) -> Bool {
        if a.root != b.root { return a.root.utf8.lexicographicallyPrecedes(b.root.utf8) }
        if a.path != b.path { return a.path < b.path }
        return a.id < b.id
    }

    /// Id, then the path order — a total order, so shuffled input sorts the same way.
    static func decisionOrder(_ a: PlanFile, _ b: PlanFile) -> Bool {
        if a.id != b.id { return a.id < b.id }
        return pathOrder(a, b)
    }
}
