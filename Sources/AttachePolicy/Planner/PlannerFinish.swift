import AttacheModel

// The last step: each slot becomes a Decision with its reason; totals and warnings.

extension Planner.Run {
    typealias Phrase = Planner.Phrase

    func reason(_ i: Int) -> String {
        let f = files[i]
        let s = slots[i]
        let verb = Phrase.verb(s.action)
        switch s.stage {
        case .rule(let r):
            let rule = rules[r]
            var facts: [String]
            if let t = rule.test {
                var subject = Planner.Subject(file: f, isDuplicate: isDuplicate(i))
                facts = []
                for fact in t.explain(&subject, outcome: true) where !facts.contains(fact) { facts.append(fact) }
            } else {
                facts = ["applies to every file"]
            }
            var text = "\(verb): rule \(rule.rule.name)" + (facts.isEmpty ? "" : " — " + facts.joined(separator: ", "))
            if f.status != .ok { text += "; " + Phrase.unmovable(f) }
            return text
        case .defaultAction:
            if s.protected {
                return "\(verb): no rule matched and the default is drop, but it is \(Phrase.references(f)) — archived instead"
            }
            return "\(verb): no rule matched — the policy's default"
        case .unmovable:
            let refs = f.liveReferences > 0 ? "; \(Phrase.references(f))" : ""
            return "\(verb): cannot be moved: \(Phrase.unmovable(f))\(refs) — review it"
        case .override:
            return "\(verb): set by review" + (s.overrideNote.map { " — " + $0 } ?? "")
        case .duplicates:
            let kept = s.duplicateOf.map { Phrase.source(files[$0]) } ?? "another file"
            return "\(verb): same content as \(kept); its references will point there"
        case .limits:
            let max = policy.target.maxFileSize?.value ?? 0
            var text = "\(verb): larger than the target's max file size (\(Phrase.bytes(f.size)) > \(Phrase.bytes(max)))"
            if s.protected { text += "; \(Phrase.references(f)), so archived rather than dropped" }
            return text
        case .overflow:
            var text = "\(verb): overflow — " + overflowFacts(f).joined(separator: ", ")
            if s.protected { text += "; \(Phrase.references(f)), so archived rather than dropped" }
            return text
        }
    }

    mutating func finish() -> Plan {
        var decisions: [Decision] = []
        decisions.reserveCapacity(files.count)
        var summary = PlanSummary()
        for a in Action.allCases { summary.byAction[a] = PlanSummary.Tally() }
        summary.quota = policy.target.quota
        // Tallies by rule index first (no string hashing per file), named at the end.
        var byStage: [String: PlanSummary.Tally] = [:]
        var byCategory: [String: PlanSummary.Tally] = [:]
        var unmovable: [String] = []
        for (i, f) in files.enumerated() {
            var s = slots[i]
            // A duplicate whose kept copy did not stay kept says where that copy went.
            if s.stage == .duplicates, let d = s.duplicateOf, slots[d].action != .keep {
                s.notes.append("the copy it points to is \(Phrase.verb(slots[d].action)) (\(ruleName(slots[d].stage)))")
            }
            let rule = ruleName(s.stage)
            decisions.append(Decision(
                fileID: f.id, action: s.action, rule: rule, reason: reason(i),
                targetPath: s.action == .keep ? s.targetPath : nil,
                archivePath: s.action == .archive ? s.archivePath : nil,
                duplicateOf: s.duplicateOf.map { files[$0].id }, notes: s.notes))
            Planner.count(&summary.byAction[s.action, default: .init()], f.size)
            Planner.count(&byStage[rule, default: .init()], f.size)
            Planner.count(&byCategory[f.category?.rawValue ?? "unknown", default: .init()], f.size)
            summary.totalBytes += f.size
            switch s.action {
            case .keep:
                summary.keptBytes += f.size
                if s.mustKeep { summary.mustKeepBytes += f.size }
            case .archive: summary.archivedBytes += f.size
            case .drop: break
            }
            if s.stage == .unmovable {
                unmovable.append("\(Phrase.source(f)) (file \(f.id)) cannot be moved: \(Phrase.unmovable(f)) — dropped, review it")
            }
        }
        summary.byRule = byStage
        summary.byCategory = byCategory
        if let quota = policy.target.quota?.value, summary.mustKeepBytes > quota {
            summary.feasible = false
            quotaWarnings.append("the files the review says to keep need \(Phrase.bytes(summary.mustKeepBytes)), "
                                 + "\(Phrase.bytes(summary.mustKeepBytes - quota)) over the \(Phrase.bytes(quota)) quota")
        }
        let warnings = ruleWarnings + overrideWarnings + unmovable + pathWarnings + quotaWarnings
        return Plan(decisions: decisions, summary: summary, warnings: warnings)
    }
}

extension Planner {
    static func count(_ t: inout PlanSummary.Tally, _ bytes: Int64) {
        t.files += 1
        t.bytes += bytes
    }
}
