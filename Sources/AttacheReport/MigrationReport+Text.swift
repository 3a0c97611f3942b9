import AttacheCatalog
import AttacheModel

extension InventoryReport {
    /// The whole migration report as text, within ``width`` columns: the inventory, then the
    /// references by source, the paths that lead nowhere, the parents that lose links, the
    /// plan, the relocation and its verification, the rewrite. A stage not run yet says which
    /// command runs it. `color`: headings and verdicts in ANSI colour (a terminal only).
    public static func text<S: TextSink>(_ d: MigrationReportData, color: Bool = false, to out: inout S) {
        text(d.inventory, color: color, to: &out)
        sourcesText(d, color: color, to: &out)
        parentsText(d.parents, color: color, to: &out)
        planText(d.plan, color: color, to: &out)
        relocationText(d, color: color, to: &out)
        rewriteText(d, color: color, to: &out)
    }

    private static func sourcesText<S: TextSink>(_ d: MigrationReportData, color: Bool, to out: inout S) {
        guard !d.sources.isEmpty else { return }
        out.write("\n" + heading("References by source", color) + "\n")
        var t = Table([.init("source", minWidth: 10), .init("records", right: true, shortening: .never),
                       .init("refs", right: true, shortening: .never), .init("resolved", right: true, shortening: .never),
                       .init("not resolved", right: true, shortening: .never), .init("deleted", right: true, shortening: .never)],
                      maxWidth: width)
        for s in d.sources {
            t.add([s.name, digits(s.records), digits(s.total), digits(s.byStatus[.resolved] ?? 0), digits(s.notResolved),
                   digits(s.fromDeletedRecords)])
        }
        t.render(to: &out)
        line("  deleted: references from soft-deleted records (counted in refs)", to: &out)
        guard !d.unresolved.isEmpty else { return }
        out.write("\n" + heading("Paths that lead nowhere (\(count(d.unresolvedPaths, "path")), most referenced first)", color) + "\n")
        for u in d.unresolved {
            line("  \(u.status.rawValue.uppercased()) \(u.path) — \(count(u.references, "reference")): \(u.reason)", to: &out)
            line("    records: " + u.records.joined(separator: ", ") + (u.references > u.records.count ? ", …" : ""), indent: "      ", to: &out)
        }
        if d.unresolvedPaths > d.unresolved.count {
            out.write("  … and \(digits(d.unresolvedPaths - d.unresolved.count)) more: attache list missing\n")
        }
    }

    private static func parentsText<S: TextSink>(_ p: ParentFigures, color: Bool, to out: inout S) {
        guard !p.fieldsBySource.isEmpty else { return }
        out.write("\n" + heading("By the records' parent", color) + "\n")
        line("  \(count(p.parents, "parent")) (told by the fields the sources keep); \(digits(p.losingLinks)) lose links, "
             + "\(digits(p.withArchived)) have files archived", to: &out)
        guard !p.top.isEmpty else { return }
        var t = Table([.init("source", minWidth: 8), .init("parent", shortening: .middle, minWidth: 16),
                       .init("refs", right: true, shortening: .never), .init("lost", right: true, shortening: .never),
                       .init("archived", right: true, shortening: .never), .init("kept", right: true, shortening: .never)],
                      maxWidth: width)
        for r in p.top { t.add([r.source, r.label, digits(r.references), digits(r.lost), digits(r.archived), digits(r.kept)]) }
        t.render(to: &out)
        line("  lost: references to no file, or to a file the plan drops", to: &out)
    }

    private static func planText<S: TextSink>(_ plan: PlanFigures?, color: Bool, to out: inout S) {
        out.write("\n" + heading("Plan", color) + "\n")
        guard let p = plan else { out.write("  not made yet: attache plan\n"); return }
        line("  plan \(p.id) of \(p.createdAt), policy \(p.policyFile)", to: &out)
        var t = Table(headers: ["action", "files", "bytes"], rightAligned: [1, 2], maxWidth: width)
        for a in DecisionAction.allCases {
            let v = p.summary.byAction[a] ?? PlanSummary.Tally()
            t.add([a.rawValue, digits(v.files), ByteCount(v.bytes).description])
        }
        t.render(to: &out)
        for l in PlanRendering.quota(p.summary).split(separator: "\n") {
            let text = String(l)
            let bad = text.contains("CANNOT FIT")
            line(bad ? verdict(text, good: false, color) : text, to: &out)
        }
        let overflow = p.summary.byRule["overflow"] ?? PlanSummary.Tally()
        if overflow.files > 0 {
            line("  overflow: \(count(overflow.files, "file")), \(ByteCount(overflow.bytes)) did not fit as their rules said "
                 + "(attache list decisions shows each)", to: &out)
        }
        if p.renamed + p.flagged > 0 {
            line("  names: \(digits(p.renamed)) renamed for the target's rules, \(digits(p.flagged)) flagged for review", to: &out)
        }
        let overrides = p.overrides.values.reduce(0) { $0 + $1.files }
        if overrides > 0 {
            let parts = DecisionAction.allCases.compactMap { a in p.overrides[a].map { "\(digits($0.files)) \(a.rawValue)" } }
            line("  the review's overrides: \(parts.joined(separator: ", "))", to: &out)
        }
        if !p.warnings.isEmpty { line("  \(count(p.warnings.count, "warning")): attache plan shows them", to: &out) }
    }

    private static func relocationText<S: TextSink>(_ d: MigrationReportData, color: Bool, to out: inout S) {
        out.write("\n" + heading("Relocation", color) + "\n")
        guard let r = d.relocation else { out.write("  nothing applied yet: attache apply\n"); return }
        line("  apply run \(r.run) (plan \(r.plan)) into \(r.target): \(r.status.rawValue)", to: &out)
        var t = Table(headers: ["placement", "files", "bytes"], rightAligned: [1, 2], maxWidth: width)
        for k in PlacementKind.allCases {
            let v = r.byPlacement[k] ?? FileTotal()
            if v.files > 0 || k == .pending { t.add([k.rawValue, digits(v.files), ByteCount(v.bytes).description]) }
        }
        t.render(to: &out)
        if r.failed > 0 { line(verdict("  \(count(r.failed, "step")) failed: attache apply again retries them", good: false, color), to: &out) }
        verification(d.verifyTarget, run: "attache verify", color: color, to: &out)
    }

    private static func rewriteText<S: TextSink>(_ d: MigrationReportData, color: Bool, to out: inout S) {
        out.write("\n" + heading("Rewrite", color) + "\n")
        guard let r = d.rewrite else { out.write("  no records rewritten yet: attache rewrite\n"); return }
        line("  rewrite run \(r.run) (\(r.mode)) into \(r.output): \(r.status.rawValue)"
             + (r.revertedBy.map { ", reverted by run \($0)" } ?? ""), to: &out)
        let shown: [RewriteOutcome] = [.rewritten, .tombstoned, .linked, .unchanged, .flagged, .kept, .unresolved, .refused, .failed]
        let used = shown.filter { k in r.bySource.values.contains { ($0[k] ?? 0) > 0 } }
        if !used.isEmpty {
            var t = Table([.init("source", minWidth: 8)] + used.map { Table.Column($0.rawValue, right: true, shortening: .never) },
                          maxWidth: width)
            for s in r.bySource.keys.sorted() { t.add([s] + used.map { digits(r.bySource[s]![$0] ?? 0) }) }
            t.render(to: &out)
        }
        let attention = [RewriteOutcome.flagged, .unresolved, .refused, .failed].reduce(0) { $0 + (r.totals[$1] ?? 0) }
        if attention > 0 { line("  \(count(attention, "link")) left for people: attache list rewrites --attention", to: &out) }
        verification(d.verifyReferences, run: "attache verify --references", color: color, to: &out)
    }

    private static func verification<S: TextSink>(_ v: VerificationRecord?, run: String, color: Bool, to out: inout S) {
        guard let v else { line("  not verified yet: \(run)", to: &out); return }
        let found = v.differences.values.reduce(0, +)
        let text = v.ok ? "verified \(v.at): \(digits(v.checked)) checked, all as written" + (v.fast ? " (sizes only)" : "")
            : "verified \(v.at): \(count(found, "difference")) in \(digits(v.checked)) checked — \(run) lists them"
        line("  " + verdict(text, good: v.ok, color), to: &out)
    }

    private static func digits(_ n: Int) -> String { groupedDigits(Int64(n)) }
}
