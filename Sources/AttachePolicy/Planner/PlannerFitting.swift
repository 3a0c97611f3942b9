import AttacheModel

// Steps 3 to 5 of the planner: what stays kept — one copy of each content, the target's
// size limit, and the quota (overflow).

extension Planner.Run {
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
        let tooLarge: DecisionAction = policy.limits.tooLarge == .keep ? .archive : policy.limits.tooLarge
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

    /// Over `quota × highWatermark` of landing bytes (kept files plus the estimated archives),
    /// movable keeps leave in `overflow.order` until landing bytes are at or below
    /// `quota × lowWatermark`. A file that leaves frees its size when dropped, its size less
    /// its estimated archive cost when archived; one whose archive would take as much room as
    /// the file itself (tiny, or content that does not compress) frees nothing and stays.
    /// Archives count each member on its own here (an upper bound: duplicates in one volume
    /// are stored once, which only the summary, after volumes are known, can count).
    mutating func applyOverflow() {
        guard let quota = policy.target.quota?.value else { return }
        let o = policy.overflow
        let high = Swift.min(Swift.max(o.highWatermark, 0), 1)
        let low = Swift.min(Swift.max(o.lowWatermark, 0), high)
        let highBytes = Int64((Double(quota) * high).rounded(.down))
        let lowBytes = Int64((Double(quota) * low).rounded(.down))
        var landing: Int64 = 0
        for i in files.indices {
            switch slots[i].action {
            case .keep: landing += files[i].size
            case .archive: landing += archiveCost(i)
            case .drop: break
            }
        }
        guard landing > highBytes else { return }
        var movable: [Int] = []
        for i in files.indices where slots[i].action == .keep && !slots[i].mustKeep { movable.append(i) }
        let keys = o.order
        movable.sort { a, b in overflowFirst(a, b, keys) }
        let target: DecisionAction = o.action == .keep ? .archive : o.action
        let note = "kept files and estimated archives came to \(Phrase.bytes(landing)), over \(Planner.percent(high)) of the "
            + "\(Phrase.bytes(quota)) quota; files leave until \(Planner.percent(low)) (\(Phrase.bytes(lowBytes)))"
        for i in movable {
            if landing <= lowBytes { break }
            let protected = target == .drop && files[i].liveReferences > 0
            let action: DecisionAction = protected ? .archive : target
            let freed = action == .archive ? files[i].size - archiveCost(i) : files[i].size
            if freed <= 0 { continue }
            var s = slots[i]
            if case .rule = s.stage { s.notes.append("rule '\(ruleName(s.stage))' said keep") }
            s.notes.append(note)
            s.stage = .overflow
            s.action = action
            s.protected = protected
            slots[i] = s
            landing -= freed
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
