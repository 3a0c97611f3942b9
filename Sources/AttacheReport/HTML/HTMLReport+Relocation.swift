import AttacheCatalog
import AttacheModel

extension HTMLReport {
    /// The latest apply (where every file stands), the verifications, the latest rewrite.
    static func relocation(_ d: MigrationReportData, _ h: inout HTMLPage) {
        h.section("relocation", "Relocation and rewrite") { h in
            apply(d.relocation, &h)
            h.open("div", [("class", "grid")])
            verification("The target, verified", "target", d.verifyTarget, &h)
            verification("The rewritten links, verified", "references", d.verifyReferences, &h)
            h.close("div")
            rewrite(d.rewrite, &h)
        }
    }

    private static func apply(_ r: RelocationFigures?, _ h: inout HTMLPage) {
        h.card("Apply: where every file stands", wide: true) { h in
            guard let r else {
                h.notRun("attache apply", "copy and archive the files into the target as the plan says")
                return
            }
            let R = J / "relocation", B = R / "by_placement"
            var meta: Markup = "Run \(Figure.count(R / "run", Int(r.run))) of plan \(Figure.count(R / "plan", Int(r.plan))) into \(Figure.text(R / "target", r.target)): \(Figure.text(R / "status", r.status.rawValue)), started \(Figure.text(R / "started_at", r.startedAt))"
            if let f = r.finishedAt { meta = meta + ", finished \(Figure.text(R / "finished_at", f))" }
            h.p(meta + ".", class: "meta")
            let kinds = PlacementKind.allCases
            let bars = kinds.map { k in
                Chart.Bar(label: .key(B / k.rawValue, k.rawValue), value: Int64(r.byPlacement[k]?.files ?? 0),
                          shown: .count(B / k.rawValue / "files", r.byPlacement[k]?.files ?? 0), color: Palette.placement(k))
            }
            h.chart(Chart.bars("placement", "Files of the plan by where they stand in the target", bars, labelWidth: 90),
                    empty: "The mapping holds no file for this target yet.")
            var t = HTMLTable("Files by placement", ["placement", "files", "bytes", "meaning"], numeric: [1, 2])
            for k in kinds {
                let x = r.byPlacement[k] ?? FileTotal()
                t.add([.swatch(Palette.placement(k), .key(B / k.rawValue, k.rawValue)), .figure(.count(B / k.rawValue / "files", x.files)),
                       .figure(.bytes(B / k.rawValue / "bytes", x.bytes)), .markup("\(words: meaning(k))")])
            }
            h.table(t)
            if r.failed > 0 {
                h.p("Failed steps: \(Figure.count(R / "failed_steps", r.failed)) — \(code: "attache apply") again retries them.", class: "no")
            } else {
                h.p("Failed steps: \(Figure.count(R / "failed_steps", r.failed)).")
            }
            var counts = HTMLTable("What the run did", ["step", "files", "bytes", "meaning"], numeric: [1, 2])
            for k in r.counts.keys.sorted() where r.counts[k]!.files != 0 || r.counts[k]!.bytes != 0 {
                counts.add([.figure(.key(R / "counts" / k, k)), .figure(.count(R / "counts" / k / "files", r.counts[k]!.files)),
                            .figure(.bytes(R / "counts" / k / "bytes", r.counts[k]!.bytes)), .markup("\(words: stepMeaning(k))")])
            }
            h.table(counts)
        }
    }

    /// What apply's stored counts (`apply_runs.counts`) mean, for people.
    private static func stepMeaning(_ key: String) -> String {
        switch key {
        case "copy": "files copied into the target"
        case "linked": "files linked (reflink or hard link) instead of copied"
        case "in_place": "files already in place from an earlier run"
        case "archives": "archive volumes written (bytes: what they hold)"
        case "members": "files stored in archive volumes"
        case "archives_in_place": "archive volumes already in place"
        case "archive_bytes_written": "bytes the archive volumes take in the target"
        case "remove": "files and volumes removed because the plan no longer wants them"
        case "skipped": "files not placed this run (see pending)"
        case "recovered": "steps a killed run had finished, adopted from the journal"
        case "temporaries_removed": "temporary files a killed run left, removed"
        default: ""
        }
    }

    private static func meaning(_ k: PlacementKind) -> String {
        switch k {
        case .placed: "copied into the target at its new path"
        case .archived: "a member of an archive in the target"
        case .dropped: "not moved, as the plan says"
        case .duplicate: "the same content as a file placed once"
        case .pending: "not placed yet: apply has more to do"
        case .gone: "gone from the legacy storage since the plan"
        }
    }

    private static func verification(_ title: String, _ key: String, _ v: VerificationRecord?, _ h: inout HTMLPage) {
        h.card(title) { h in
            guard let v else {
                key == "target" ? h.notRun("attache verify", "re-hash the target and check every file arrived intact")
                    : h.notRun("attache verify --references", "check every rewritten link opens the right bytes")
                return
            }
            let V = J / "verify" / key
            let differences = v.differences.values.reduce(0, +)
            h.p("\(Figure.text(V / "at", v.at)), in \(Figure.text(V / "target", v.target))\(words: v.fast ? " (fast: sizes and dates only)" : ""): checked \(Figure.count(V / "checked", v.checked))\(v.bytes > 0 ? " (\(Figure.bytes(V / "bytes", v.bytes)))" as Markup : ""); differences: \(Figure.count(V / "differences", differences)).")
            h.p(v.ok ? "\(Figure.flag(V / "ok", v.ok, yes: "Everything checked is as it should be.", no: ""))"
                     : "\(Figure.flag(V / "ok", v.ok, yes: "", no: "Differences found: run the verification again to list them."))", class: v.ok ? "ok" : "no")
            var t = HTMLTable("Differences by kind", ["kind", "count"])
            for k in v.differences.keys.sorted() where v.differences[k]! > 0 { t.add([.figure(.key(V / "by_kind" / k, k)), .figure(.count(V / "by_kind" / k, v.differences[k]!))]) }
            h.table(t)
        }
    }

    private static func rewrite(_ r: RewriteFigures?, _ h: inout HTMLPage) {
        h.card("Rewrite: the links in the records", wide: true) { h in
            guard let r else {
                h.notRun("attache rewrite", "point the records' links at the new storage")
                return
            }
            let W = J / "rewrite", T = W / "totals", totals = r.totals
            var meta: Markup = "Run \(Figure.count(W / "run", Int(r.run))) (\(Figure.text(W / "mode", r.mode))) into \(Figure.text(W / "output", r.output)): \(Figure.text(W / "status", r.status.rawValue)), started \(Figure.text(W / "started_at", r.startedAt))"
            if let f = r.finishedAt { meta = meta + ", finished \(Figure.text(W / "finished_at", f))" }
            if let by = r.revertedBy { meta = meta + "; undone since by run \(Figure.count(W / "reverted_by", Int(by)))" }
            h.p(meta + ".", class: "meta")
            // Outcomes no source had are left out of the chart and the table (the totals list them all).
            let shown = RewriteOutcome.allCases.filter { (totals[$0] ?? 0) > 0 }
            outcomes(r, shown: shown, &h)
            var t = HTMLTable("Outcomes of every reference", ["outcome", "references", "what it means"], numeric: [1])
            for k in RewriteOutcome.allCases {
                t.add([.swatch(Palette.outcome(k), .key(T / k.rawValue, k.rawValue)), .figure(.count(T / k.rawValue, totals[k] ?? 0)),
                       .markup("\(words: meaning(k))")])
            }
            h.table(t)
            h.p("Left for people to fix (flagged, unresolved, refused, failed): \(Figure.count(W / "attention", RewriteOutcome.allCases.filter(\.needsAttention).reduce(0) { $0 + (totals[$1] ?? 0) })) — \(code: "attache list rewrites --attention").")
        }
    }

    /// The outcomes per source: a stacked bar each, and the table.
    private static func outcomes(_ r: RewriteFigures, shown: [RewriteOutcome], _ h: inout HTMLPage) {
        let W = J / "rewrite"
        let sources = r.bySource.keys.sorted()
        let rows = sources.enumerated().map { i, s in
            let p = W / "by_source" / i
            return Chart.Stack(label: .text(p / "source", s), parts: shown.map { r.bySource[s]![$0] ?? 0 },
                               total: .count(p / "references", r.bySource[s]!.values.reduce(0, +)))
        }
        h.chart(Chart.stacked("rewrite-by-source", "What the rewrite did with each source's references, as shares",
                              legend: shown.map { ($0.rawValue, Palette.outcome($0)) }, rows),
                empty: "The rewrite met no reference.")
        var t = HTMLTable("Outcomes by source", ["source", "references"] + shown.map(\.rawValue))
        for (i, s) in sources.enumerated() {
            let p = W / "by_source" / i
            t.add([.figure(.text(p / "source", s)), .figure(.count(p / "references", r.bySource[s]!.values.reduce(0, +)))]
                  + shown.map { .figure(.count(p / $0.rawValue, r.bySource[s]![$0] ?? 0)) })
        }
        h.table(t)
    }

    private static func meaning(_ k: RewriteOutcome) -> String {
        switch k {
        case .rewritten: "the link now names the file's new location"
        case .tombstoned: "the file was dropped; the link says so"
        case .unchanged: "the link already named the new location"
        case .linked: "a path built from columns: the importer's link table carries it"
        case .flagged: "the file was dropped; the old link stays, listed for people"
        case .kept: "the file was dropped; the old link stays (policy)"
        case .unresolved: "the link named no file the migration moved"
        case .refused: "the record changed since it was read: not touched"
        case .failed: "the new link cannot be written in this record"
        }
    }
}
