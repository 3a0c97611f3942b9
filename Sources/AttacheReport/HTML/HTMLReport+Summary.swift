import AttacheCatalog
import AttacheModel

extension HTMLReport {
    /// The top of the page: the headline figures as tiles, then what happens to the
    /// attachments in a few sentences, one per stage that has run.
    static func summary(_ d: MigrationReportData, _ h: inout HTMLPage) {
        h.section("summary", "Summary") { h in
            h.open("div", [("class", "card summary wide")])
            h.tiles(tiles(d))
            h.element("h3", [], "What happens to your attachments")
            for s in sentences(d) { h.p(s) }
            h.close("div")
        }
    }

    private static func tiles(_ d: MigrationReportData) -> [(value: Markup, label: Markup, tone: String?)] {
        let s = d.inventory.summary
        var t: [(value: Markup, label: Markup, tone: String?)] = [
            ("\(Figure.count(J / "totals" / "files", s.presentFiles))", "files in the legacy storage", nil),
            ("\(Figure.bytes(J / "totals" / "bytes", s.presentBytes))", "in those files", nil),
            ("\(Figure.bytes(J / "duplicates" / "reclaimable_bytes", s.reclaimableBytes))",
             "wasted by \(Figure.count(J / "duplicates" / "files", s.duplicateFiles)) duplicate files", s.reclaimableBytes > 0 ? "warn" : nil),
        ]
        if let r = d.inventory.references {
            t.append(("\(Figure.count(J / "references" / "by_status" / "resolved", r.resolved))", "references resolved to a file", "good"))
            t.append(("\(Figure.count(J / "references" / "not_resolved", r.notResolved))", "references that lead nowhere", r.notResolved > 0 ? "warn" : "good"))
        }
        if let p = d.plan {
            let sum = J / "plan" / "summary"
            let landing = Figure.bytes(sum / "landing_bytes", p.summary.landingBytes)
            let label: Markup = p.summary.quota.map { "the quota: \(landing) of \(Figure.bytes(sum / "quota", $0.value)) land on the target" }
                ?? "no quota: \(landing) land on the target"
            t.append(("\(Figure.flag(sum / "feasible", p.summary.feasible, yes: "Fits", no: "Does not fit"))", label, p.summary.feasible ? "good" : "bad"))
        }
        if let r = d.relocation {
            let b = J / "relocation" / "by_placement"
            for (k, what, tone) in [(PlacementKind.placed, "moved to the target", nil), (.archived, "archived", "archive"),
                                    (.dropped, "dropped", "bad")] as [(PlacementKind, String, String?)] {
                let n = r.byPlacement[k]?.files ?? 0
                t.append(("\(Figure.count(b / k.rawValue / "files", n))", "\(noun: "file", n) \(words: what)", n > 0 ? tone : nil))
            }
        }
        if let r = d.rewrite {
            let totals = r.totals
            let attention = RewriteOutcome.allCases.filter(\.needsAttention).reduce(0) { $0 + (totals[$1] ?? 0) }
            t.append(("\(Figure.count(J / "rewrite" / "totals" / "rewritten", totals[.rewritten] ?? 0))", "links rewritten in the records", "good"))
            t.append(("\(Figure.count(J / "rewrite" / "attention", attention))", "links left for people to fix", attention > 0 ? "warn" : "good"))
        }
        return t
    }

    /// Three to five sentences built from the figures: what there is, what the records need,
    /// what the plan does, what apply and the rewrite did.
    static func sentences(_ d: MigrationReportData) -> [Markup] {
        let s = d.inventory.summary
        var out: [Markup] = []
        if s.lastRun == nil {
            out.append("Nothing is scanned yet: run \(code: "attache scan") to take the inventory.")
        } else {
            var m: Markup = "The legacy storage holds \(Figure.count(J / "totals" / "files", s.presentFiles)) \(noun: "file", s.presentFiles) (\(Figure.bytes(J / "totals" / "bytes", s.presentBytes)))."
            if s.duplicateGroups > 0 {
                m = m + " \(Figure.count(J / "duplicates" / "files", s.duplicateFiles)) of them are copies of each other in \(Figure.count(J / "duplicates" / "groups", s.duplicateGroups)) \(noun: "group", s.duplicateGroups): keeping one of each would free \(Figure.bytes(J / "duplicates" / "reclaimable_bytes", s.reclaimableBytes))."
            }
            out.append(m)
        }
        if let r = d.inventory.references {
            let R = J / "references"
            out.append("The records of \(Figure.count(R / "sources", r.sources)) \(noun: "source", r.sources) name files \(Figure.count(R / "total", r.total)) \(noun: "time", r.total): \(Figure.count(R / "by_status" / "resolved", r.resolved)) lead to a file and \(Figure.count(R / "not_resolved", r.notResolved)) lead nowhere; \(Figure.count(R / "orphans", r.orphans.files)) \(noun: "file", r.orphans.files) (\(Figure.bytes(R / "orphan_bytes", r.orphans.bytes))) are needed by no live record.")
        } else {
            out.append("The records are not read yet: run \(code: "attache refs") to find the files they need.")
        }
        out.append(planSentence(d.plan))
        if let r = d.relocation {
            let b = J / "relocation" / "by_placement"
            func n(_ k: PlacementKind) -> Figure { Figure.count(b / k.rawValue / "files", r.byPlacement[k]?.files ?? 0) }
            var m: Markup = "Apply (run \(Figure.count(J / "relocation" / "run", Int(r.run))), \(Figure.text(J / "relocation" / "status", r.status.rawValue))) placed \(n(.placed)) \(noun: "file", r.byPlacement[.placed]?.files ?? 0) in the target, archived \(n(.archived)) and dropped \(n(.dropped))"
            if (r.byPlacement[.pending]?.files ?? 0) > 0 { m = m + "; \(n(.pending)) are still to place" }
            if r.failed > 0 { m = m + "; \(Figure.count(J / "relocation" / "failed_steps", r.failed)) \(noun: "step", r.failed) failed" }
            if let v = d.verifyTarget {
                m = m + "; verify found \(Figure.flag(J / "verify" / "target" / "ok", v.ok, yes: "every file intact", no: "differences"))"
            }
            out.append(m + ".")
        } else if d.plan != nil {
            out.append("Nothing is moved yet: run \(code: "attache apply") to carry out the plan.")
        }
        if let r = d.rewrite {
            let totals = r.totals, T = J / "rewrite" / "totals"
            let attention = RewriteOutcome.allCases.filter(\.needsAttention).reduce(0) { $0 + (totals[$1] ?? 0) }
            out.append("The rewrite changed \(Figure.count(T / "rewritten", totals[.rewritten] ?? 0)) \(noun: "link", totals[.rewritten] ?? 0) in the records\((totals[.linked] ?? 0) > 0 ? ", \(Figure.count(T / "linked", totals[.linked]!)) more go through the importer's link table" as Markup : ""), and \(Figure.count(J / "rewrite" / "attention", attention)) are left for people to fix (\(code: "attache list rewrites --attention")).")
        } else if d.relocation != nil {
            out.append("The records are not rewritten yet: run \(code: "attache rewrite") to point their links at the new storage.")
        }
        return out
    }

    private static func planSentence(_ p: PlanFigures?) -> Markup {
        guard let p else { return "There is no plan yet: run \(code: "attache plan") to decide what to keep, archive and drop." }
        let S = J / "plan" / "summary", A = S / "by_action"
        func f(_ a: DecisionAction) -> Figure { Figure.count(A / a.rawValue / "files", p.summary.byAction[a]?.files ?? 0) }
        func b(_ a: DecisionAction) -> Figure { Figure.bytes(A / a.rawValue / "bytes", p.summary.byAction[a]?.bytes ?? 0) }
        var m: Markup = "The plan keeps \(f(.keep)) \(noun: "file", p.summary.byAction[.keep]?.files ?? 0) (\(b(.keep))), archives \(f(.archive)) (\(b(.archive)), about \(Figure.bytes(S / "archive_estimate_bytes", p.summary.archiveEstimateBytes)) once compressed) and drops \(f(.drop)) (\(b(.drop))): \(Figure.bytes(S / "landing_bytes", p.summary.landingBytes)) land on the target"
        if let q = p.summary.quota {
            m = m + ", which \(Figure.flag(S / "feasible", p.summary.feasible, yes: "fits", no: "does not fit")) the quota of \(Figure.bytes(S / "quota", q.value))."
        } else {
            m = m + "; the policy sets no quota."
        }
        return m
    }
}
