import AttacheCatalog
import AttacheModel

extension HTMLReport {
    /// What the records need: references by status per source, the orphans, the paths that
    /// lead nowhere, and the parents (accounts, contacts…) that lose links.
    static func references(_ d: MigrationReportData, _ h: inout HTMLPage) {
        h.section("references", "References") { h in
            guard let r = d.inventory.references else {
                h.notRun("attache refs", "find the files the records point at")
                return
            }
            bySource(d, r, &h)
            orphans(r, &h)
            unresolved(d, &h)
            parents(d.parents, &h)
        }
    }

    private static func bySource(_ d: MigrationReportData, _ r: ReferenceCounts, _ h: inout HTMLPage) {
        let R = J / "references", statuses = ReferenceStatus.allCases
        h.card("References by source", wide: true) { h in
            h.p("\(Figure.count(R / "sources", r.sources)) sources name files \(Figure.count(R / "total", r.total)) times: \(Figure.count(R / "by_status" / "resolved", r.resolved)) resolved to a catalogued file, \(Figure.count(R / "not_resolved", r.notResolved)) not (\(notResolvedWords(r)))." + (r.sourceProblems > 0 ? " \(Figure.count(R / "source_problems", r.sourceProblems)) records could not be read (\(code: "attache refs") names them)." : ""))
            let rows = d.sources.enumerated().map { i, s in
                Chart.Stack(label: .text(J / "sources" / i / "name", s.name), parts: statuses.map { s.byStatus[$0] ?? 0 },
                            total: .count(J / "sources" / i / "references", s.total))
            }
            h.chart(Chart.stacked("references-by-source", "References of each source by status, as shares of the source's references",
                                  legend: statuses.map { ($0.rawValue, Palette.status($0)) }, rows),
                    empty: "The sources hold no references.")
            var t = HTMLTable("References by source and status", ["source", "kind", "records", "references"] + statuses.map(\.rawValue)
                          + ["from deleted records", "unreadable records"], numeric: Set(2..<(6 + statuses.count)))
            for (i, s) in d.sources.enumerated() {
                let p = J / "sources" / i
                t.add([.figure(.text(p / "name", s.name)), .figure(.text(p / "kind", s.kind)), .figure(.count(p / "records", s.records)),
                       .figure(.count(p / "references", s.total))]
                      + statuses.map { .figure(.count(p / "by_status" / $0.rawValue, s.byStatus[$0] ?? 0)) }
                      + [.figure(.count(p / "from_deleted_records", s.fromDeletedRecords)), .figure(.count(p / "problems", s.problems))])
            }
            h.table(t)
        }
    }

    /// "1 missing, 2 ambiguous" (the statuses that have any), or "none".
    private static func notResolvedWords(_ r: ReferenceCounts) -> Markup {
        let parts = ReferenceStatus.unresolvedCases.filter { (r.byStatus[$0] ?? 0) > 0 }.map { k in
            Markup("\(Figure.count(J / "references" / "by_status" / k.rawValue, r.byStatus[k]!)) \(words: k.rawValue)")
        }
        return parts.isEmpty ? "none" : Markup.join(parts, ", ")
    }

    private static func orphans(_ r: ReferenceCounts, _ h: inout HTMLPage) {
        let R = J / "references"
        h.card("Orphans: files no live record needs") { h in
            guard r.orphans.files > 0 else {
                h.p("None: every readable file is named by a live record.")
                return
            }
            h.p("\(Figure.count(R / "orphans", r.orphans.files)) files (\(Figure.bytes(R / "orphan_bytes", r.orphans.bytes))) are needed by no live record: the policy decides whether they move.")
            var t = HTMLTable("Orphans by why", ["why", "files", "bytes"])
            t.add([.markup("named by no record"), .figure(.count(R / "unreferenced", r.orphans(.unreferenced).files)),
                   .figure(.bytes(R / "unreferenced_bytes", r.orphans(.unreferenced).bytes))])
            t.add([.markup("named only by deleted records"), .figure(.count(R / "referenced_only_by_deleted_records", r.orphans(.deletedRecordsOnly).files)),
                   .figure(.bytes(R / "referenced_only_by_deleted_records_bytes", r.orphans(.deletedRecordsOnly).bytes))])
            h.table(t)
            h.p("Every orphan: \(code: "attache list orphans").", class: "muted")
        }
    }

    private static func unresolved(_ d: MigrationReportData, _ h: inout HTMLPage) {
        let U = J / "unresolved"
        guard d.unresolvedPaths > 0 else { return }
        h.card("Paths that lead nowhere", wide: true) { h in
            h.p("\(Figure.count(U / "paths", d.unresolvedPaths)) distinct paths in the records name no file the migration can move. Those named most:")
            var t = HTMLTable("Paths that lead nowhere, most references first", ["path", "status", "references", "records", "why"], numeric: [2],
                              paths: [0, 3, 4])
            for (i, u) in d.unresolved.enumerated() {
                let p = U / "top" / i
                let records = u.records.enumerated().map { j, r in Markup("\(Figure.text(p / "records" / j, r))") }
                t.add([.figure(.text(p / "path", u.path)), .figure(.text(p / "status", u.status.rawValue)), .figure(.count(p / "references", u.references)),
                       records.isEmpty ? .none : .markup(.join(records, "; ")), .figure(.text(p / "reason", u.reason))])
            }
            h.table(t)
            h.p("Every one, with its record: \(code: "attache list missing").", class: "muted")
        }
    }

    private static func parents(_ p: ParentFigures, _ h: inout HTMLPage) {
        let P = J / "parents"
        h.card("By parent record", wide: true) { h in
            guard !p.fieldsBySource.isEmpty else {
                h.p("No source keeps the fields that tell a reference's parent (the account, contact or deal it hangs on). To see which parents lose links, list them in the source of the manifest, for example \(code: "fields: [parent_type, parent_id]"), and run \(code: "attache refs") again.")
                return
            }
            let kept = p.fieldsBySource.keys.sorted().map { s in
                Markup("\(Figure.key(P / "fields" / s, s)): ") + .join(p.fieldsBySource[s]!.enumerated().map { i, f in Markup("\(Figure.text(P / "fields" / s / i, f))") }, ", ")
            }
            h.p("Parents told by " + Markup.join(kept, "; ") + ".", class: "muted")
            h.p("Parents: \(Figure.count(P / "parents", p.parents)). Losing links (a path that leads nowhere, or a dropped file): \(Figure.count(P / "losing_links", p.losingLinks)). With files archived: \(Figure.count(P / "with_archived", p.withArchived)).")
            var t = HTMLTable("Parents losing most links", ["source", "parent", "references", "not resolved", "kept", "archived", "dropped", "links lost"],
                          numeric: Set(2..<8), paths: [1])
            for (i, x) in p.top.enumerated() {
                let q = P / "top" / i
                t.add([.figure(.text(q / "source", x.source)), .figure(.text(q / "label", x.label)), .figure(.count(q / "references", x.references)),
                       .figure(.count(q / "not_resolved", x.notResolved)), .figure(.count(q / "kept", x.kept)), .figure(.count(q / "archived", x.archived)),
                       .figure(.count(q / "dropped", x.dropped)), .figure(.count(q / "lost", x.lost))])
            }
            h.table(t)
        }
    }
}
