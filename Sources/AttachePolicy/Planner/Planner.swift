import AttacheModel

/// Turns the catalog's files and a storage policy (and the business's overrides) into a plan:
/// exactly one ``Decision`` per file, in file-id order, each naming the rule that made it and
/// why, plus the summary and warnings.
///
/// `plan` is a pure function: it reads no clock (`now` is passed in), no file system and no
/// environment, and it never iterates a `Dictionary` or `Set` where the order could reach the
/// output — the same inputs give the same plan, whatever order the files come in.
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
        var run = Run(files: files, policy: policy, overrides: overrides, now: now)
        return run.execute()
    }
}

extension Planner {
    /// Who decided a file's action.
    enum Stage: Equatable {
        case rule(Int), defaultAction, unmovable, override, duplicates, limits, overflow
    }

    /// One file's decision while the plan is being made.
    struct Slot {
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

    struct CompiledRule {
        let rule: Rule
        let test: Test?
    }

    struct Run {
        /// The files in decision order: by id (then root and path, should an id repeat).
        let files: [PlanFile]
        let policy: Policy
        let overrides: [Override]
        let now: Timestamp
        let rules: [CompiledRule]
        /// How many files share each content (non-empty files with a hash only).
        var copies: [ContentHash: Int] = [:]
        var slots: [Slot] = []
        var ruleMatches: [Int]

        var ruleWarnings: [String] = []
        var overrideWarnings: [String] = []
        var unmovableWarnings: [String] = []
        var pathWarnings: [String] = []
        var quotaWarnings: [String] = []

        init(files: [PlanFile], policy: Policy, overrides: [Override], now: Timestamp) {
            self.files = files.sorted(by: Planner.decisionOrder)
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

        func isDuplicate(_ f: PlanFile) -> Bool {
            guard f.size > 0, let h = f.sha256 else { return false }
            return (copies[h] ?? 0) > 1
        }

        mutating func countCopies() {
            var copies: [ContentHash: Int] = [:]
            copies.reserveCapacity(files.count)
            for f in files where f.size > 0 {
                if let h = f.sha256 { copies[h, default: 0] += 1 }
            }
            self.copies = copies
        }

        // MARK: 1. Rules

        mutating func decideByRules() {
            slots.reserveCapacity(files.count)
            for f in files {
                var subject = Subject(file: f, isDuplicate: isDuplicate(f))
                var matched: Int?
                for (i, r) in rules.enumerated() {
                    if let t = r.test, !t.evaluate(&subject) { continue }
                    matched = i
                    break
                }
                if let matched { ruleMatches[matched] += 1 }
                let movable = f.status == .ok
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
                    } else if action == .drop && f.liveReferences > 0 {
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
            var groups: [ContentHash: [Int]] = [:]
            for (i, f) in files.enumerated() where slots[i].action == .keep {
                guard f.size > 0, let h = f.sha256, (copies[h] ?? 0) > 1 else { continue }
                groups[h, default: []].append(i)
            }
            // Each group is decided on its own; the order groups are visited in cannot matter.
            for (_, members) in groups where members.count > 1 {
                let pinned = members.filter { slots[$0].mustKeep }
                let pool = pinned.isEmpty ? members : pinned
                var best = pool[0]
                for m in pool.dropFirst() where prefers(m, over: best) { best = m }
                for m in members where m != best && !slots[m].mustKeep {
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
            return Planner.pathOrder(fa, fb)
        }

        // MARK: 4. Size limit

        mutating func applySizeLimit() {
            guard let max = policy.target.maxFileSize?.value else { return }
            let tooLarge: Action = policy.limits.tooLarge == .keep ? .archive : policy.limits.tooLarge
            for (i, f) in files.enumerated() where slots[i].action == .keep && f.size > max {
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
            for (i, f) in files.enumerated() where slots[i].action == .keep { kept += f.size }
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
                let f = files[i]
                var s = slots[i]
                if case .rule = s.stage { s.notes.append("rule '\(ruleName(s.stage))' said keep") }
                s.notes.append("kept files came to \(Phrase.bytes(keptBefore)), over \(Planner.percent(high)) of the \(Phrase.bytes(quota)) quota; "
                               + "files leave until \(Planner.percent(low)) (\(Phrase.bytes(lowBytes)))")
                s.stage = .overflow
                s.action = target
                s.protected = false
                if target == .drop && f.liveReferences > 0 {
                    s.action = .archive
                    s.protected = true
                }
                slots[i] = s
                kept -= f.size
                moved += 1
            }
        }

        /// Whether `a` leaves the kept set before `b`. Files with no record activity count as
        /// the oldest; ties go by root and path.
        func overflowFirst(_ a: Int, _ b: Int, _ keys: [OverflowSettings.Order]) -> Bool {
            let fa = files[a], fb = files[b]
            for k in keys {
                let c: Int
                switch k.key {
                case .recordActivity:
                    c = Planner.compare(fa.newestRecordActivity?.nanoseconds ?? Int64.min, fb.newestRecordActivity?.nanoseconds ?? Int64.min)
                case .modified: c = Planner.compare(fa.mtime.nanoseconds, fb.mtime.nanoseconds)
                case .size: c = Planner.compare(fa.size, fb.size)
                case .referenced: c = Planner.compare(Int64(fa.liveReferences), Int64(fb.liveReferences))
                case .path: c = Planner.pathOrder(fa, fb) ? -1 : (Planner.pathOrder(fb, fa) ? 1 : 0)
                }
                if c != 0 { return k.descending ? c > 0 : c < 0 }
            }
            return Planner.pathOrder(fa, fb)
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

    static func lineSuffix(_ r: Rule) -> String { r.line > 0 ? " (line \(r.line))" : "" }

    static func percent(_ fraction: Double) -> String { formatFixed(fraction * 100, digits: 0) + " %" }

    static func compare(_ a: Int64, _ b: Int64) -> Int { a < b ? -1 : (a > b ? 1 : 0) }

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
