import AttacheCatalog
import AttacheModel

/// A plan for people (text) and machines (JSON).
public enum PlanText {
    public static func summary(_ plan: Plan, policyFile: String) -> String {
        let s = plan.summary
        var out = "Plan for \(policyFile): \(groupedDigits(Int64(plan.decisions.count))) files, \(ByteCount(s.totalBytes))\n"
        func line(_ label: String, _ t: PlanSummary.Tally) -> String {
            "  " + label.padding(toLength: 28, withPad: " ", startingAt: 0) + groupedDigits(Int64(t.files)).leftPad(10) + ByteCount(t.bytes).description.leftPad(12)
        }
        out += "\nBy action\n"
        for a in Action.allCases { if let t = s.byAction[a] { out += line(a.rawValue, t) + "\n" } }
        out += "\nBy rule (first match wins)\n"
        for r in s.byRule.keys.sorted() { out += line(r, s.byRule[r]!) + "\n" }
        out += "\nBy category\n"
        for c in s.byCategory.keys.sorted() { out += line(c, s.byCategory[c]!) + "\n" }
        out += "\nQuota\n"
        if let q = s.quota {
            let pct = q.value > 0 ? formatFixed(Double(s.keptBytes) * 100 / Double(q.value), digits: 1) : "-"
            out += "  quota \(q); everything would take \(ByteCount(s.totalBytes)); kept files take \(ByteCount(s.keptBytes)) (\(pct)%), headroom \(ByteCount(q.value - s.keptBytes))\n"
            out += "  archives hold \(ByteCount(s.archivedBytes)) before compression; must-keep files alone take \(ByteCount(s.mustKeepBytes))\n"
            if !s.feasible { out += "  CANNOT FIT: the files that must be kept exceed the quota by \(ByteCount(s.mustKeepBytes - q.value))\n" }
        } else {
            out += "  no quota set; kept files take \(ByteCount(s.keptBytes))\n"
        }
        if !plan.warnings.isEmpty {
            out += "\nWarnings\n"
            for w in plan.warnings { out += "  \(w)\n" }
        }
        return out
    }

    public static func summaryJSON(_ s: PlanSummary) -> String {
        func tally(_ t: PlanSummary.Tally) -> String { "{\"files\":\(t.files),\"bytes\":\(t.bytes)}" }
        func group(_ d: [String: PlanSummary.Tally]) -> String {
            "{" + d.keys.sorted().map { jsonString($0) + ":" + tally(d[$0]!) }.joined(separator: ",") + "}"
        }
        var byAction: [String: PlanSummary.Tally] = [:]
        for (k, v) in s.byAction { byAction[k.rawValue] = v }
        return "{\"total_bytes\":\(s.totalBytes),\"kept_bytes\":\(s.keptBytes),\"archived_bytes\":\(s.archivedBytes),"
            + "\"quota\":\(s.quota.map { String($0.value) } ?? "null"),\"must_keep_bytes\":\(s.mustKeepBytes),\"feasible\":\(s.feasible),"
            + "\"by_action\":\(group(byAction)),\"by_rule\":\(group(s.byRule)),\"by_category\":\(group(s.byCategory))}"
    }

    public static func jsonList(_ items: [String]) -> String { "[" + items.map(jsonString).joined(separator: ",") + "]" }

    public static func jsonString(_ s: String) -> String { JSONText.string(s) }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
