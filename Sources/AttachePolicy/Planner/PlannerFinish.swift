import AttacheModel

// The last step: each slot becomes a Decision with its reason; totals and warnings.

extension Planner.Run {
    typealias Phrase = Planner.Phrase

    func reason(_ i: Int) -> String {
        let s = slots[i]
        let verb = Phrase.verb(s.action)
        switch s.stage {
        case .rule(let r):
            let rule = rules[r]
            var facts: [String]
            if let t = rule.test {
                var subject = Planner.Subject(files: files, index: i, isDuplicate: isDuplicate(i))
                facts = []
                for fact in t.explain(&subject, outcome: true) where !facts.contains(fact) { facts.append(fact) }
            } else {
                facts = ["applies to every file"]
            }
            var text = "\(verb): rule \(rule.rule.name)" + (facts.isEmpty ? "" : " — " + facts.joined(separator: ", "))
            if files[i].status != .ok { text += "; " + Phrase.unmovable(files[i]) }
            return text
        case .defaultAction:
            if s.protected {
                return "\(verb): no rule matched and the default is drop, but it is \(Phrase.references(files[i])) — archived instead"
            }
            return "\(verb): no rule matched — the policy's default"
        case .unmovable:
            let refs = files[i].liveReferences > 0 ? "; \(Phrase.references(files[i]))" : ""
            return "\(verb): cannot be moved: \(Phrase.unmovable(files[i]))\(refs) — review it"
        case .override:
            return "\(verb): set by review" + (s.overrideNote.map { " — " + $0 } ?? "")
        case .duplicates:
            let kept = s.duplicateOf.map { Phrase.source(files[$0]) } ?? "another file"
            return "\(verb): same content as \(kept); its references will point there"
        case .limits:
            let max = policy.target.maxFileSize?.value ?? 0
            var text = "\(verb): larger than the target's max file size (\(Phrase.bytes(files[i].size)) > \(Phrase.bytes(max)))"
            if s.protected { text += "; \(Phrase.references(files[i])), so archived rather than dropped" }
            return text
        case .overflow:
            var text = "\(verb): overflow — " + overflowFacts(files[i]).joined(separator: ", ")
            if s.protected { text += "; \(Phrase.references(files[i])), so archived rather than dropped" }
            return text
        }
    }

    /// File `i`'s decision; `reason` false leaves the reason empty (for comparing where files go).
    func decision(_ i: Int, reason withReason: Bool = true) -> Decision {
        let s = slots[i]
        var notes = s.notes
        if let r = renames[Int32(i)] {
            let holder = r.holder >= 0 ? Phrase.source(files[Int(r.holder)]) : r.holder == Planner.Rename.archive ? "an archive"
                : "a folder of other files"
            notes.append("renamed: '\(paths.string(r.base))' is taken by \(holder); ' (\(r.number))' added")
        }
        // A duplicate whose kept copy did not stay kept says where that copy went.
        if s.stage == .duplicates, let d = s.duplicateOf, slots[d].action != .keep {
            notes.append("the copy it points to is \(Phrase.verb(slots[d].action)) (\(ruleName(slots[d].stage)))")
        }
        return Decision(
            fileID: files[i].id, action: s.action, rule: ruleName(s.stage), reason: withReason ? reason(i) : "",
            targetPath: s.action == .keep ? paths.text(s.target) : nil,
            archivePath: s.action == .archive ? paths.text(s.archive) : nil,
            duplicateOf: s.duplicateOf.map { files[$0].id }, notes: notes)
    }

    /// The decisions of files `range`, in file order. Reasons are the costly part (words for
    /// every file) and independent: shared among the cores, each in its file's place.
    func decisions(_ range: Range<Int>) -> [Decision] {
        let run = self
        return Planner.parallelMap(range.count, minimumChunk: Swift.min(minimumChunk, Planner.decisionChunk / 4)) {
            run.decision(range.lowerBound + $0)
        }
    }

    /// The plan's totals and warnings: everything but the decisions, which are made from the
    /// slots when they are stored (``decisions(_:)``), never all held at once.
    mutating func settle() -> (summary: PlanSummary, warnings: [String]) {
        var summary = PlanSummary()
        summary.quota = policy.target.quota
        // Tallies by stage and category index (no string hashing per file), named at the end.
        var byStage = [PlanSummary.Tally](repeating: .init(), count: rules.count + 6)
        var byCategory = [PlanSummary.Tally](repeating: .init(), count: Category.allCases.count)
        var byAction = [PlanSummary.Tally](repeating: .init(), count: DecisionAction.allCases.count)
        let categoryIndex = Dictionary(uniqueKeysWithValues: Category.allCases.enumerated().map { ($1, $0) })
        let actionIndex = Dictionary(uniqueKeysWithValues: DecisionAction.allCases.enumerated().map { ($1, $0) })
        var unmovable: [String] = []
        for i in files.indices {
            let s = slots[i]
            let size = files[i].size
            Planner.count(&byAction[actionIndex[s.action]!], size)
            Planner.count(&byStage[stageIndex(s.stage)], size)
            Planner.count(&byCategory[categoryIndex[files[i].category ?? .unknown]!], size)
            summary.totalBytes += size
            switch s.action {
            case .keep:
                summary.keptBytes += size
                if s.mustKeep { summary.mustKeepBytes += size }
            case .archive: summary.archivedBytes += size
            case .drop: break
            }
            if s.stage == .unmovable {
                unmovable.append("\(Phrase.source(files[i])) (file \(files[i].id)) cannot be moved: \(Phrase.unmovable(files[i])) — dropped, review it")
            }
        }
        for (k, a) in DecisionAction.allCases.enumerated() { summary.byAction[a] = byAction[k] }
        for (k, c) in Category.allCases.enumerated() where byCategory[k].files > 0 { summary.byCategory[c.rawValue] = byCategory[k] }
        for k in byStage.indices where byStage[k].files > 0 {
            // Two rules with one name (the loader refuses it) add up under that name.
            let name = k < rules.count ? rules[k].rule.name : Planner.fixedStages[k - rules.count]
            var t = summary.byRule[name] ?? .init()
            t.files += byStage[k].files
            t.bytes += byStage[k].bytes
            summary.byRule[name] = t
        }
        settleQuota(&summary)
        let warnings = ruleWarnings + overrideWarnings + unmovable + pathWarnings + quotaWarnings
        return (summary, warnings)
    }

    mutating func finish() -> Plan {
        let (summary, warnings) = settle()
        return Plan(decisions: decisions(files.indices), summary: summary, warnings: warnings)
    }
}

extension Planner.Run {
    func stageIndex(_ stage: Planner.Stage) -> Int {
        switch stage {
        case .rule(let i): return i
        case .defaultAction: return rules.count
        case .unmovable: return rules.count + 1
        case .override: return rules.count + 2
        case .duplicates: return rules.count + 3
        case .limits: return rules.count + 4
        case .overflow: return rules.count + 5
        }
    }
}

extension Planner {
    static let fixedStages = ["default", "unmovable", "override", "duplicates", "limits", "overflow"]

    static func count(_ t: inout PlanSummary.Tally, _ bytes: Int64) {
        t.files += 1
        t.bytes += bytes
    }
}
