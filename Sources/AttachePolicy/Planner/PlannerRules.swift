import AttacheModel

// Steps 1 and 2 of the planner: the rules (first match wins) and the business's overrides.

extension Planner.Run {
    // MARK: 1. Rules

    /// The first rule that matches each file (-1: none). Files are independent, so the work
    /// is shared among the cores, each file's answer in its own place. Each chunk works on
    /// its own copy of its files, a window at a time, and of the compiled rules: threads that
    /// shared them would fight over their reference counts on every file (and a copy of a
    /// whole chunk would double the files' memory).
    func firstMatchingRules() -> [Int32] {
        let files = self.files, rules = policy.rules, now = self.now
        let duplicate = files.indices.map { isDuplicate($0) }
        return Planner.parallelChunks(files.count, minimumChunk: minimumChunk) { lo, hi -> [Int32] in
            var problems: [String] = []
            let tests = rules.map { r in r.when.map { Planner.Test.compile($0, now: now, problems: &problems) } }
            var out: [Int32] = []
            out.reserveCapacity(hi - lo)
            var start = lo
            while start < hi {
                let end = Swift.min(hi, start + Planner.copyWindow)
                let local = Array(files[start..<end])
                for k in local.indices {
                    var subject = Planner.Subject(files: local, index: k, isDuplicate: duplicate[start + k])
                    var first: Int32 = -1
                    for (i, t) in tests.enumerated() {
                        if let t, !t.evaluate(&subject) { continue }
                        first = Int32(i)
                        break
                    }
                    out.append(first)
                }
                start = end
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
            var slot: Planner.Slot
            if let m = matched {
                let action = rules[m].rule.action
                slot = Planner.Slot(action: action, stage: .rule(m), ruleStage: .rule(m), ruleAction: action)
                if !movable && action != .drop {
                    slot.action = .drop
                    slot.stage = .unmovable
                    slot.notes.append("rule '\(rules[m].rule.name)' said \(action.rawValue), but the file cannot be moved")
                }
            } else {
                let action = policy.defaultAction
                slot = Planner.Slot(action: action, stage: .defaultAction, ruleStage: .defaultAction, ruleAction: action)
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

    func ruleName(_ stage: Planner.Stage) -> String {
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

}
