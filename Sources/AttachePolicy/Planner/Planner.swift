import AttacheModel
import Dispatch
import Foundation

/// Turns the catalog's files and a storage policy (and the business's overrides) into a plan:
/// exactly one ``Decision`` per file, in file-id order, each naming the rule that made it and
/// why, plus the summary and warnings.
///
/// `plan` is a pure function: it reads no clock (`now` is passed in), no file system and no
/// environment, and it never iterates a `Dictionary` or `Set` where the order could reach the
/// output — the same inputs give the same plan, whatever order the files come in. Steps where
/// files are independent run in chunks on every core, each result in its file's place, so
/// the threads' timing cannot reach the plan either.
///
/// The steps, in order (Documentation/Policy.md describes them for users):
/// 1. **Rules**, first match wins; no match → the policy's default. Files that cannot be moved
///    (status `special`, `unreadable`, `gone`) are dropped with rule "unmovable" and listed in
///    the warnings — unless a rule explicitly drops them, which then names the decision.
/// 2. **Overrides** from the review replace the action (rule "override"); an override keep is
///    *must-keep*: duplicates and overflow never move it, only the target's size limit can.
/// 3. **Duplicates** (`keep_one`): among kept files with the same content one stays, the
///    others are dropped with rule "duplicates" and `duplicateOf` (their references are
///    re-pointed at the kept copy — the one case where a referenced file is dropped without a
///    drop rule or override, because the policy asked for it and nothing is lost).
/// 4. **Size limit**: a kept file over `maxFileSize` gets `limits.tooLarge` (rule "limits").
/// 5. **Overflow**: over `quota × highWatermark`, movable keeps leave in `overflow.order` until
///    kept bytes are at or below `quota × lowWatermark`.
/// 6. **Paths**: archives get their volume paths, kept files their sanitised, unique target paths.
///
/// A referenced file (a live record points at it) is never dropped by the default action,
/// the size limit or overflow: it is archived instead, with a note.
public enum Planner {
    public static func plan(files: [PlanFile], policy: Policy, overrides: [Override] = [], now: Timestamp) -> Plan {
        plan(files: files, policy: policy, overrides: overrides, now: now, minimumChunk: defaultMinimumChunk)
    }

    /// Steps whose files are independent (rules, reasons, kept paths) share the work among
    /// the cores in chunks of at least `minimumChunk` files; the result does not depend on it
    /// (tests compare a plan made in many chunks with one made in one).
    static func plan(files: [PlanFile], policy: Policy, overrides: [Override], now: Timestamp, minimumChunk: Int) -> Plan {
        var run = Run(files: files, policy: policy, overrides: overrides, now: now)
        run.minimumChunk = minimumChunk
        return run.execute()
    }

    static let defaultMinimumChunk = 20_000
}

extension Planner {
    /// Who decided a file's action.
    enum Stage: Equatable {
        case rule(Int), defaultAction, unmovable, override, duplicates, limits, overflow
    }

    /// One file's decision while the plan is being made.
    struct Slot: Sendable {
        var action: Action
        var stage: Stage
        /// What the rules (or the default) said, before any later step.
        var ruleStage: Stage
        var ruleAction: Action
        /// An override keep: overflow and duplicates never move it.
        var mustKeep = false
        /// A drop turned into an archive because live records reference the file.
        var protected = false
        var overrideNote: String?
        var duplicateOf: Int?
        var notes: [String] = []
        var targetPath: String?
        var archivePath: String?
    }

    struct CompiledRule: Sendable {
        let rule: Rule
        let test: Test?
    }

    struct Run: Sendable {
        /// The files in decision order: by id (then root and path, should an id repeat).
        let files: [PlanFile]
        let policy: Policy
        let overrides: [Override]
        let now: Timestamp
        let rules: [CompiledRule]
        /// File indices in path order (root bytes, path bytes, id), and each file's place in it.
        let byPath: [Int]
        let pathRank: [Int32]
        /// Per file: its content group (files with the same hash, non-empty files only), or -1;
        /// and per group, how many files it holds.
        var contentGroup: [Int32] = []
        var groupSize: [Int32] = []
        var slots: [Slot] = []
        var ruleMatches: [Int]
        /// See `Planner.plan(…minimumChunk:)`.
        var minimumChunk = Planner.defaultMinimumChunk

        var ruleWarnings: [String] = []
        var overrideWarnings: [String] = []
        var unmovableWarnings: [String] = []
        var pathWarnings: [String] = []
        var quotaWarnings: [String] = []

        init(files: [PlanFile], policy: Policy, overrides: [Override], now: Timestamp) {
            var sortedFiles = files
            if !Planner.isSorted(sortedFiles) { sortedFiles.sort(by: Planner.decisionOrder) }
            self.files = sortedFiles
            self.byPath = Planner.pathOrder(of: sortedFiles)
            var rank = [Int32](repeating: 0, count: sortedFiles.count)
            for (r, i) in byPath.enumerated() { rank[i] = Int32(r) }
            self.pathRank = rank
            self.policy = policy
            self.overrides = overrides
            self.now = now
            var problems: [String] = []
            var compiled: [CompiledRule] = []
            var ruleWarnings: [String] = []
            for r in policy.rules {
                problems.removeAll()
                let t = r.when.map { Test.compile($0, now: now, problems: &problems) }
                for p in problems { ruleWarnings.append("rule '\(r.name)'\(Planner.lineSuffix(r)): \(p) — it never matches") }
                compiled.append(CompiledRule(rule: r, test: t))
            }
            self.rules = compiled
            self.ruleWarnings = ruleWarnings
            self.ruleMatches = [Int](repeating: 0, count: compiled.count)
        }

        mutating func execute() -> Plan {
            countCopies()
            decideByRules()
            applyOverrides()
            if policy.duplicates.keepOne { keepOneCopy() }
            applySizeLimit()
            applyOverflow()
            assignPaths()
            return finish()
        }

        func isDuplicate(_ i: Int) -> Bool {
            let g = contentGroup[i]
            return g >= 0 && groupSize[Int(g)] > 1
        }

        /// Whether file `a` comes before file `b` in path order.
        func pathOrder(_ a: Int, _ b: Int) -> Bool { pathRank[a] < pathRank[b] }

        mutating func countCopies() {
            // Keyed by the hash's first 64 bits (cheap to hash); the full hash is compared, and a
            // rare prefix shared by different contents falls back to a full-hash table.
            var groupOf: [UInt64: Int32] = [:]
            groupOf.reserveCapacity(files.count)
            var fallback: [ContentHash: Int32] = [:]
            var group = [Int32](repeating: -1, count: files.count)
            var sizes: [Int32] = []
            var firstOf: [Int] = []
            for i in files.indices where files[i].size > 0 {
                guard let h = files[i].sha256 else { continue }
                let key = Planner.prefix64(h)
                var g: Int32
                if let existing = groupOf[key] {
                    if files[firstOf[Int(existing)]].sha256 == h {
                        g = existing
                    } else if let other = fallback[h] {
                        g = other
                    } else {
                        g = Int32(sizes.count)
                        fallback[h] = g
                        sizes.append(0)
                        firstOf.append(i)
                    }
                } else {
                    g = Int32(sizes.count)
                    groupOf[key] = g
                    sizes.append(0)
                    firstOf.append(i)
                }
                group[i] = g
                sizes[Int(g)] += 1
            }
            contentGroup = group
            groupSize = sizes
        }

        // MARK: 1. Rules

        /// The first rule that matches each file (-1: none). Files are independent, so the work
        /// is shared among the cores, each file's answer in its own place. Each chunk works on
        /// its own copy of its files and of the compiled rules: threads that shared them would
        /// fight over their reference counts on every file.
        func firstMatchingRules() -> [Int32] {
            let files = self.files, rules = policy.rules, now = self.now
            let duplicate = files.indices.map { isDuplicate($0) }
            return Planner.parallelChunks(files.count, minimumChunk: minimumChunk) { lo, hi -> [Int32] in
                let local = Array(files[lo..<hi])
                var problems: [String] = []
                let tests = rules.map { r in r.when.map { Test.compile($0, now: now, problems: &problems) } }
                var out: [Int32] = []
                out.reserveCapacity(hi - lo)
                for k in local.indices {
                    var subject = Subject(files: local, index: k, isDuplicate: duplicate[lo + k])
                    var first: Int32 = -1
                    for (i, t) in tests.enumerated() {
                        if let t, !t.evaluate(&subject) { continue }
                        first = Int32(i)
                        break
                    }
                    out.append(first)
                }
                return out
            }
        }

        mutating func decideByRules() {
            slots.reserveCapacity(files.count)
            let firstMatches = firstMatchingRules()
            for index in files.indices {
                let matched: Int? = firstMatches[index] >= 0 ? Int(firstMatches[index]) : nil
                if let matched { ruleMatches[matched] += 1 }
                let movable = files[index].status == .ok
                var slot: Slot
                if let m = matched {
                    let action = rules[m].rule.action
                    slot = Slot(action: action, stage: .rule(m), ruleStage: .rule(m), ruleAction: action)
                    if !movable && action != .drop {
                        slot.action = .drop
                        slot.stage = .unmovable
                        slot.notes.append("rule '\(rules[m].rule.name)' said \(action.rawValue), but the file cannot be moved")
                    }
                } else {
                    let action = policy.defaultAction
                    slot = Slot(action: action, stage: .defaultAction, ruleStage: .defaultAction, ruleAction: action)
                    if !movable {
                        slot.action = .drop
                        slot.stage = .unmovable
                    } else if action == .drop && files[index].liveReferences > 0 {
                        slot.action = .archive
                        slot.protected = true
                    }
                }
                slots.append(slot)
            }
            for (i, r) in rules.enumerated() where ruleMatches[i] == 0 {
                ruleWarnings.append("rule '\(r.rule.name)'\(Planner.lineSuffix(r.rule)) matched no file")
            }
        }

        // MARK: 2. Overrides

        /// The index of the first file with this id, or nil.
        func firstIndex(of id: Int64) -> Int? {
            var lo = 0, hi = files.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if files[mid].id < id { lo = mid + 1 } else { hi = mid }
            }
            return lo < files.count && files[lo].id == id ? lo : nil
        }

        mutating func applyOverrides() {
            guard !overrides.isEmpty else { return }
            // The last override for an id applies (a later review row wins).
            var last: [Int64: Int] = [:]
            var repeated = Set<Int64>()
            for (k, o) in overrides.enumerated() {
                if last[o.fileID] != nil { repeated.insert(o.fileID) }
                last[o.fileID] = k
            }
            var unknown: [Int64] = []
            var known: [(index: Int, override: Override)] = []
            for id in last.keys.sorted() {
                let o = overrides[last[id]!]
                guard var i = firstIndex(of: id) else { unknown.append(id); continue }
                while i < files.count && files[i].id == id { known.append((i, o)); i += 1 }
            }
            for id in repeated.sorted() {
                let o = overrides[last[id]!]
                overrideWarnings.append("file \(id) has more than one override; the last one (\(o.action.rawValue)) applies")
            }
            for id in unknown {
                overrideWarnings.append("override for file \(id) ignored: no such file in the catalog")
            }
            for (i, o) in known {
                let f = files[i]
                var s = slots[i]
                let was = "the policy said \(s.ruleAction.rawValue) (\(ruleName(s.ruleStage)))"
                if f.status != .ok && o.action != .drop {
                    s.notes.append("override \(o.action.rawValue) not possible: the file cannot be moved (\(Phrase.unmovable(f)))")
                    overrideWarnings.append("override \(o.action.rawValue) for \(Phrase.source(f)) (file \(f.id)) not possible: "
                                            + Phrase.unmovable(f))
                } else {
                    s.action = o.action
                    s.stage = .override
                    s.protected = false
                    s.mustKeep = o.action == .keep
                    s.overrideNote = o.note.flatMap { $0.trimmingWhitespace().isEmpty ? nil : $0.trimmingWhitespace() }
                    s.notes.append(was)
                }
                slots[i] = s
            }
        }

        func ruleName(_ stage: Stage) -> String {
            switch stage {
            case .rule(let i): return rules[i].rule.name
            case .defaultAction: return "default"
            case .unmovable: return "unmovable"
            case .override: return "override"
            case .duplicates: return "duplicates"
            case .limits: return "limits"
            case .overflow: return "overflow"
            }
        }

        // MARK: 3. Duplicates

        mutating func keepOneCopy() {
            // Members of each content group, in file order; groups are decided independently.
            var members: [[Int]] = Array(repeating: [], count: groupSize.count)
            for i in files.indices where slots[i].action == .keep {
                let g = contentGroup[i]
                if g >= 0 && groupSize[Int(g)] > 1 { members[Int(g)].append(i) }
            }
            for group in members where group.count > 1 {
                let pinned = group.filter { slots[$0].mustKeep }
                let pool = pinned.isEmpty ? group : pinned
                var best = pool[0]
                for m in pool.dropFirst() where prefers(m, over: best) { best = m }
                for m in group where m != best && !slots[m].mustKeep {
                    let before = slots[m]
                    slots[m].action = .drop
                    slots[m].stage = .duplicates
                    slots[m].duplicateOf = best
                    slots[m].protected = false
                    if case .rule = before.stage {
                        slots[m].notes.append("rule '\(ruleName(before.stage))' said keep")
                    }
                }
            }
        }

        /// Whether copy `a` is the better one to keep than `b` (the policy's preferences, then
        /// root and path bytes, then id).
        func prefers(_ a: Int, over b: Int) -> Bool {
            let fa = files[a], fb = files[b]
            for p in policy.duplicates.preference {
                switch p {
                case .mostReferenced:
                    if fa.liveReferences != fb.liveReferences { return fa.liveReferences > fb.liveReferences }
                case .oldest:
                    if fa.mtime != fb.mtime { return fa.mtime < fb.mtime }
                case .newest:
                    if fa.mtime != fb.mtime { return fa.mtime > fb.mtime }
                case .shortestPath:
                    let la = fa.path.display.count, lb = fb.path.display.count
                    if la != lb { return la < lb }
                }
            }
            return pathOrder(a, b)
        }

        // MARK: 4. Size limit

        mutating func applySizeLimit() {
            guard let max = policy.target.maxFileSize?.value else { return }
            let tooLarge: Action = policy.limits.tooLarge == .keep ? .archive : policy.limits.tooLarge
            for i in files.indices where slots[i].action == .keep && files[i].size > max {
                let f = files[i]
                var s = slots[i]
                if s.stage == .override {
                    s.notes.append("override keep not possible: larger than max file size (\(Phrase.bytes(f.size)) > \(Phrase.bytes(max)))")
                } else if case .rule = s.stage {
                    s.notes.append("rule '\(ruleName(s.stage))' said keep")
                }
                s.stage = .limits
                s.mustKeep = false
                s.action = tooLarge
                s.protected = false
                if tooLarge == .drop && f.liveReferences > 0 {
                    s.action = .archive
                    s.protected = true
                }
                slots[i] = s
            }
        }

        // MARK: 5. Overflow

        mutating func applyOverflow() {
            guard let quota = policy.target.quota?.value else { return }
            let o = policy.overflow
            let high = Swift.min(Swift.max(o.highWatermark, 0), 1)
            let low = Swift.min(Swift.max(o.lowWatermark, 0), high)
            let highBytes = Int64((Double(quota) * high).rounded(.down))
            let lowBytes = Int64((Double(quota) * low).rounded(.down))
            var kept: Int64 = 0
            for i in files.indices where slots[i].action == .keep { kept += files[i].size }
            guard kept > highBytes else { return }
            var movable: [Int] = []
            for i in files.indices where slots[i].action == .keep && !slots[i].mustKeep { movable.append(i) }
            let keys = o.order
            movable.sort { a, b in overflowFirst(a, b, keys) }
            let target: Action = o.action == .keep ? .archive : o.action
            let keptBefore = kept
            var moved = 0
            for i in movable {
                if kept <= lowBytes { break }
                var s = slots[i]
                if case .rule = s.stage { s.notes.append("rule '\(ruleName(s.stage))' said keep") }
                s.notes.append("kept files came to \(Phrase.bytes(keptBefore)), over \(Planner.percent(high)) of the \(Phrase.bytes(quota)) quota; "
                               + "files leave until \(Planner.percent(low)) (\(Phrase.bytes(lowBytes)))")
                s.stage = .overflow
                s.action = target
                s.protected = false
                if target == .drop && files[i].liveReferences > 0 {
                    s.action = .archive
                    s.protected = true
                }
                slots[i] = s
                kept -= files[i].size
                moved += 1
            }
        }

        /// Whether `a` leaves the kept set before `b`. Files with no record activity count as
        /// the oldest; ties go by root and path.
        func overflowFirst(_ a: Int, _ b: Int, _ keys: [OverflowSettings.Order]) -> Bool {
            for k in keys {
                let c: Int
                switch k.key {
                case .recordActivity:
                    c = Planner.compare(files[a].newestRecordActivity?.nanoseconds ?? Int64.min,
                                        files[b].newestRecordActivity?.nanoseconds ?? Int64.min)
                case .modified: c = Planner.compare(files[a].mtime.nanoseconds, files[b].mtime.nanoseconds)
                case .size: c = Planner.compare(files[a].size, files[b].size)
                case .referenced: c = Planner.compare(Int64(files[a].liveReferences), Int64(files[b].liveReferences))
                case .path: c = Planner.compare(Int64(pathRank[a]), Int64(pathRank[b]))
                }
                if c != 0 { return k.descending ? c > 0 : c < 0 }
            }
            return pathOrder(a, b)
        }

        func overflowFacts(_ f: PlanFile) -> [String] {
            var facts: [String] = []
            var sized = false
            for k in policy.overflow.order {
                let fact: String?
                switch k.key {
                case .recordActivity:
                    fact = f.newestRecordActivity.map { "last record activity \(Phrase.year($0))" } ?? "no record activity"
                case .modified: fact = "modified \(Phrase.year(f.mtime))"
                case .size: fact = Phrase.bytes(f.size); sized = true
                case .referenced: fact = Phrase.references(f)
                case .path: fact = nil
                }
                if let fact, !facts.contains(fact) { facts.append(fact) }
            }
            if !sized { facts.append(Phrase.bytes(f.size)) }
            return facts
        }
    }

    /// `{record.COLUMN}` without a `:text` when no referencing record has a value.
    public static let noRecordValue = "none"

    /// The record columns a policy's layout and archive grouping name (`{record.COLUMN}`): the
    /// catalog must provide them as `PlanFile.record`.
    public static func recordFields(of policy: Policy) -> [String] {
        var out = Template(policy.layout).recordFields
        for f in Template(policy.archive.grouping).recordFields where !out.contains(f) { out.append(f) }
        return out
    }

    /// `(0..<n).map(body)`, computed in contiguous chunks on every core when `n` is large.
    /// The result is positional, so it is the same whatever the threads' timing.
    static func parallelMap<T: Sendable>(_ n: Int, minimumChunk: Int, _ body: @Sendable (Int) -> T) -> [T] {
        parallelChunks(n, minimumChunk: minimumChunk) { lo, hi in (lo..<hi).map(body) }
    }

    /// `body(lo, hi)` for contiguous chunks of `0..<n` on every core when `n` is large (one
    /// chunk otherwise), each returning its `hi - lo` results, joined in order.
    static func parallelChunks<T: Sendable>(_ n: Int, minimumChunk: Int, _ body: @Sendable (Int, Int) -> [T]) -> [T] {
        let chunks = Swift.min(ProcessInfo.processInfo.activeProcessorCount, n / Swift.max(1, minimumChunk))
        guard chunks > 1 else { return body(0, n) }
        let parts = Parts<T>(count: chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            parts.set(c, body(n * c / chunks, n * (c + 1) / chunks))
        }
        var all: [T] = []
        all.reserveCapacity(n)
        for p in parts.items { all.append(contentsOf: p) }
        return all
    }

    /// One slot per chunk of `parallelMap`; each chunk writes only its own slot, and the
    /// caller reads them after every chunk has finished.
    final class Parts<T>: @unchecked Sendable {
        let count: Int
        let base: UnsafeMutablePointer<[T]>
        init(count: Int) {
            self.count = count
            base = .allocate(capacity: count)
            base.initialize(repeating: [], count: count)
        }
        deinit {
            base.deinitialize(count: count)
            base.deallocate()
        }
        func set(_ i: Int, _ part: [T]) { base[i] = part }
        var items: UnsafeBufferPointer<[T]> { UnsafeBufferPointer(start: base, count: count) }
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

    /// The first 16 hex digits of a hash as a number.
    static func prefix64(_ h: ContentHash) -> UInt64 {
        var v: UInt64 = 0
        var n = 0
        for c in h.hex.utf8 {
            let d: UInt8 = c <= 57 ? c &- 48 : c &- 87
            v = v << 4 | UInt64(d & 0xF)
            n += 1
            if n == 16 { break }
        }
        return v
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
            packed.append(contentsOf: files[i].path.bytes)
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
