import AttacheCatalog
import AttacheModel

extension HTMLReport {
    /// The latest plan: the quota, bytes per action and rule, what overflowed, the names
    /// changed for the target, the review's overrides, the warnings.
    static func plan(_ d: MigrationReportData, _ h: inout HTMLPage) {
        h.section("plan", "Plan") { h in
            guard let p = d.plan else {
                h.notRun("attache plan", "decide with a storage policy what to keep, archive and drop")
                return
            }
            let P = J / "plan"
            h.p("Plan \(Figure.count(P / "id", Int(p.id))), made \(Figure.text(P / "created_at", p.createdAt)) with the policy \(Figure.text(P / "policy", p.policyFile)).", class: "meta")
            quota(p, &h)
            h.open("div", [("class", "grid")])
            actions(p, &h)
            rules(p, &h)
            h.close("div")
            overflow(p, &h)
            names(p, &h)
            overrides(p, &h)
            warnings(p, &h)
        }
    }

    private static func quota(_ p: PlanFigures, _ h: inout HTMLPage) {
        let s = p.summary, S = J / "plan" / "summary"
        h.card("The target's quota", wide: true) { h in
            if let q = s.quota {
                h.p("What lands on the target — the kept files and the archives' estimated size — is \(Figure.bytes(S / "landing_bytes", s.landingBytes)): \(Derived.percent(s.landingBytes, of: q.value, S / "landing_bytes", S / "quota")) of the quota of \(Figure.bytes(S / "quota", q.value)). The plan \(Figure.flag(S / "feasible", s.feasible, yes: "fits", no: "does not fit")).")
            } else {
                h.p("The policy sets no quota; \(Figure.bytes(S / "landing_bytes", s.landingBytes)) land on the target.")
            }
            let rows: [Chart.GaugeRow] = [
                .init(label: "everything scanned", parts: [(s.totalBytes, Palette.grey)], shown: .bytes(S / "total_bytes", s.totalBytes)),
                .init(label: "kept", parts: [(s.keptBytes, Palette.keep)], shown: .bytes(S / "kept_bytes", s.keptBytes)),
                .init(label: "kept + archives (estimate)", parts: [(s.keptBytes, Palette.keep), (s.landingBytes - s.keptBytes, Palette.archive)],
                      shown: .bytes(S / "landing_bytes", s.landingBytes)),
            ]
            h.chart(Chart.gauge("quota", "Everything scanned, what is kept, and what lands with the archives, against the quota", rows,
                                quota: s.quota.map { ($0.value, Figure.bytes(S / "quota", $0.value)) }),
                    empty: "Nothing to place: the plan has no bytes and no quota.")
            var t = HTMLTable("The plan's totals", ["amount", "bytes"])
            for (key, what) in [("total_bytes", "everything scanned"), ("kept_bytes", "kept as files"), ("archived_bytes", "archived, before compression"),
                                ("archive_estimate_bytes", "the archives, estimated"), ("landing_bytes", "landing on the target"),
                                ("must_keep_bytes", "that must be kept"), ("must_archive_estimate_bytes", "archives that must be made, estimated")] {
                t.add([.markup("\(words: what)"), .figure(.bytes(S / key, amount(s, key)))])
            }
            if let q = s.quota { t.add([.markup("the quota"), .figure(.bytes(S / "quota", q.value))]) }
            h.table(t)
        }
    }

    /// A plan summary amount by its JSON key.
    private static func amount(_ s: PlanSummary, _ key: String) -> Int64 {
        switch key {
        case "total_bytes": s.totalBytes
        case "kept_bytes": s.keptBytes
        case "archived_bytes": s.archivedBytes
        case "archive_estimate_bytes": s.archiveEstimateBytes
        case "landing_bytes": s.landingBytes
        case "must_keep_bytes": s.mustKeepBytes
        default: s.mustArchiveEstimateBytes
        }
    }

    private static func actions(_ p: PlanFigures, _ h: inout HTMLPage) {
        let s = p.summary, A = J / "plan" / "summary" / "by_action"
        h.card("Bytes per action") { h in
            let bars = DecisionAction.allCases.map { a in
                Chart.Bar(label: .key(A / a.rawValue, a.rawValue), value: s.byAction[a]?.bytes ?? 0,
                          shown: .bytes(A / a.rawValue / "bytes", s.byAction[a]?.bytes ?? 0), color: Palette.action(a))
            }
            h.chart(Chart.bars("plan-actions", "Bytes the plan keeps, archives and drops", bars, labelWidth: 70, width: Chart.half),
                    empty: "The plan decides about no bytes.")
            var t = HTMLTable("Files and bytes per action", ["action", "files", "bytes", "share of bytes"])
            for a in DecisionAction.allCases {
                let x = s.byAction[a] ?? PlanSummary.Tally()
                t.add([.swatch(Palette.action(a), .key(A / a.rawValue, a.rawValue)), .figure(.count(A / a.rawValue / "files", x.files)),
                       .figure(.bytes(A / a.rawValue / "bytes", x.bytes)),
                       .derived(.percent(x.bytes, of: s.totalBytes, A / a.rawValue / "bytes", J / "plan" / "summary" / "total_bytes"))])
            }
            h.table(t)
        }
    }

    private static func rules(_ p: PlanFigures, _ h: inout HTMLPage) {
        let s = p.summary, R = J / "plan" / "summary" / "by_rule"
        h.card("Bytes per rule") { h in
            let names = s.byRule.keys.sorted { (s.byRule[$1]!.bytes, $0) < (s.byRule[$0]!.bytes, $1) }
            let bars = names.map { n in Chart.Bar(label: .key(R / n, n), value: s.byRule[n]!.bytes, shown: .bytes(R / n / "bytes", s.byRule[n]!.bytes)) }
            h.chart(Chart.bars("plan-rules", "Bytes decided by each rule of the policy", bars, labelWidth: 170, width: Chart.half),
                    empty: "No rule decided about any bytes.")
            var t = HTMLTable("Files and bytes per rule (the first rule that matches decides)", ["rule", "files", "bytes"])
            for n in names { t.add([.figure(.key(R / n, n)), .figure(.count(R / n / "files", s.byRule[n]!.files)), .figure(.bytes(R / n / "bytes", s.byRule[n]!.bytes))]) }
            h.table(t)
        }
    }

    /// A plan file list as a table: path, size, action, then `detail` (reason, destination or notes).
    private static func fileTable(_ caption: Markup, _ key: String, _ rows: [PlanFileRow], detail: String) -> HTMLTable {
        var t = HTMLTable(caption, ["path", "size", "action", detail == "destination" ? "goes to" : detail], numeric: [1], paths: [0, 3])
        for (i, r) in rows.enumerated() {
            let p = J / "plan" / key / i
            let last: Cell = switch detail {
            case "destination": r.destination.map { .figure(.text(p / "destination", $0)) } ?? .none
            case "notes": .figure(.text(p / "notes", r.notes))
            default: .figure(.text(p / "reason", r.reason))
            }
            t.add([.figure(.text(p / "path", r.path)), .figure(.bytes(p / "size", r.size)),
                   .swatch(Palette.action(r.action), .text(p / "action", r.action.rawValue)), last])
        }
        return t
    }

    private static func overflow(_ p: PlanFigures, _ h: inout HTMLPage) {
        let O = J / "plan" / "overflow", o = p.summary.byRule["overflow"] ?? PlanSummary.Tally()
        h.card("What the quota pushed out") { h in
            guard o.files > 0 else {
                h.p("Nothing: every file the rules keep or archive fits; no file had to leave for the quota.")
                return
            }
            h.p("\(Figure.count(O / "files", o.files)) \(noun: "file", o.files) (\(Figure.bytes(O / "bytes", o.bytes))) \(words: o.files == 1 ? "was" : "were") archived or dropped because the rest did not fit, in the order the policy's \(code: "overflow") says.")
            h.table(fileTable("The largest files overflow moved", "overflow_top", p.overflowTop, detail: "reason"))
        }
    }

    private static func names(_ p: PlanFigures, _ h: inout HTMLPage) {
        let P = J / "plan"
        h.card("Names changed for the target") { h in
            h.p("Renamed or moved to fit the target's rules: \(Figure.count(P / "renamed", p.renamed)) \(noun: "file", p.renamed). Breaking a rule and flagged for people instead: \(Figure.count(P / "flagged", p.flagged)).")
            h.table(fileTable("Some renamed and flagged files", "renamed_top", p.renamedTop, detail: "destination"))
        }
    }

    private static func overrides(_ p: PlanFigures, _ h: inout HTMLPage) {
        let O = J / "plan" / "overrides"
        let all = p.overrides.values.reduce(PlanSummary.Tally()) { PlanSummary.Tally(files: $0.files + $1.files, bytes: $0.bytes + $1.bytes) }
        h.card("The review's overrides") { h in
            guard all.files > 0 else {
                h.p("None: the plan applied no decision from a reviewed spreadsheet (\(code: "attache plan --overrides review.csv")).")
                return
            }
            h.p("Decisions the business changed in the review: \(Figure.count(O / "files", all.files)) \(noun: "file", all.files) (\(Figure.bytes(O / "bytes", all.bytes))).")
            var t = HTMLTable("Overrides by action", ["action", "files", "bytes"])
            for a in DecisionAction.allCases {
                let x = p.overrides[a] ?? PlanSummary.Tally(), q = O / "by_action" / a.rawValue
                t.add([.swatch(Palette.action(a), .key(q, a.rawValue)), .figure(.count(q / "files", x.files)), .figure(.bytes(q / "bytes", x.bytes))])
            }
            h.table(t)
            h.table(fileTable("The largest overridden files", "overrides_top", p.overrideTop, detail: "reason"))
        }
    }

    private static func warnings(_ p: PlanFigures, _ h: inout HTMLPage) {
        guard !p.warnings.isEmpty else { return }
        h.card("Warnings of the plan", wide: true) { h in
            let items = p.warnings.enumerated().map { i, w in Markup("\(Figure.text(J / "plan" / "warnings" / i, w))") }
            h.list(items, foldAbove: 5, summary: "Show the warnings (\(Derived(shown: groupedDigits(Int64(items.count)), from: [J / "plan" / "warnings"])))")
        }
    }
}
