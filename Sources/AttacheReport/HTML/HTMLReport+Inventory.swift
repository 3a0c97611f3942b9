import AttacheCatalog
import AttacheModel

extension HTMLReport {
    /// What there is: bytes and files by category, by year, by root and top folder; the
    /// duplicates, the largest files and the problems.
    static func inventory(_ d: MigrationReportData, _ h: inout HTMLPage) {
        h.section("inventory", "Inventory") { h in
            let s = d.inventory.summary
            guard let run = s.lastRun else {
                h.notRun("attache scan", "take the inventory of the legacy files")
                return
            }
            let L = J / "last_scan", c = run.counts
            h.p("Last scan: run \(Figure.count(L / "run", Int(run.id))), \(Figure.text(L / "status", run.status.rawValue)) — \(Figure.count(L / "seen", c.seen)) entries seen: \(Figure.count(L / "new", c.new)) new, \(Figure.count(L / "changed", c.changed)) changed, \(Figure.count(L / "unchanged", c.unchanged)) unchanged, \(Figure.count(L / "gone", c.gone)) gone; \(Figure.count(L / "excluded", c.excluded)) excluded by the manifest.", class: "meta")
            categories(d, &h)
            h.open("div", [("class", "grid")])
            years(d, &h)
            duplicates(d, &h)
            h.close("div")
            folders(d, &h)
            largest(d, &h)
            problems(d, &h)
        }
    }

    /// A tally list's rows as bars (of bytes or of files).
    private static func bars(_ key: String, _ rows: [Tally], files: Bool = false) -> [Chart.Bar] {
        rows.enumerated().map { i, t in
            let p = J / key / i
            return Chart.Bar(label: .text(p / "label", t.label), value: files ? Int64(t.files) : t.bytes,
                             shown: files ? .count(p / "files", t.files) : .bytes(p / "bytes", t.bytes))
        }
    }

    /// A tally list as a table: label, files, bytes, share of all bytes.
    private static func tallyTable(_ caption: Markup, _ heading: String, _ key: String, _ rows: [Tally], total: Int64) -> HTMLTable {
        var t = HTMLTable(caption, [heading, "files", "bytes", "share of bytes"], paths: [0])
        for (i, r) in rows.enumerated() {
            let p = J / key / i
            t.add([.figure(.text(p / "label", r.label)), .figure(.count(p / "files", r.files)), .figure(.bytes(p / "bytes", r.bytes)),
                   .derived(.percent(r.bytes, of: total, p / "bytes", J / "totals" / "bytes"))])
        }
        return t
    }

    private static func categories(_ d: MigrationReportData, _ h: inout HTMLPage) {
        let s = d.inventory.summary
        h.card("By category", wide: true) { h in
            h.open("div", [("class", "grid")])
            h.open("div")
            h.chart(Chart.bars("category-bytes", "Bytes by category, largest first", bars("by_category", s.byCategory), labelWidth: 100, width: Chart.half),
                    caption: "Bytes", empty: "No bytes to show: every file is empty.")
            h.close("div")
            h.open("div")
            h.chart(Chart.bars("category-files", "Files by category", bars("by_category", s.byCategory, files: true), labelWidth: 100, width: Chart.half),
                    caption: "Files", empty: "No files to show.")
            h.close("div")
            h.close("div")
            h.table(tallyTable("Files and bytes by category (as libmagic reads the content)", "category", "by_category", s.byCategory,
                               total: s.presentBytes))
            if s.extensionMismatches > 0 {
                h.p("Extension contradicted by the content (a .doc that is HTML): \(Figure.count(J / "extension_mismatches", s.extensionMismatches)) \(noun: "file", s.extensionMismatches) — \(code: "attache list files --format csv"), column extension_mismatch.")
            }
        }
    }

    private static func years(_ d: MigrationReportData, _ h: inout HTMLPage) {
        let s = d.inventory.summary
        h.card("By year last modified") { h in
            h.chart(Chart.columns("years", "Bytes by the year the files were last modified", bars("by_year", s.byYear), width: Chart.half),
                    empty: "No bytes to show by year.")
            h.table(tallyTable("Files and bytes by year last modified", "year", "by_year", s.byYear, total: s.presentBytes))
        }
    }

    private static func folders(_ d: MigrationReportData, _ h: inout HTMLPage) {
        let s = d.inventory.summary
        h.card("By root and top folder", wide: true) { h in
            var roots = HTMLTable("The roots scanned", ["root", "aliases in the records", "case-insensitive"], numeric: [], paths: [0, 1])
            for (i, r) in s.roots.enumerated() {
                let p = J / "roots" / i
                let aliases = r.aliases.enumerated().map { j, a in Markup("\(Figure.text(p / "aliases" / j, a))") }
                roots.add([.figure(.text(p / "path", r.display)), aliases.isEmpty ? .none : .markup(.join(aliases, ", ")),
                           .figure(.flag(p / "case_insensitive", r.caseInsensitive, yes: "yes", no: "no"))])
            }
            h.table(roots)
            let top = Array(s.byTopFolder.prefix(d.top))
            h.chart(Chart.bars("top-folders", "Bytes by root and top folder, largest first", bars("by_top_folder", top), labelWidth: 330),
                    empty: "No bytes to show by folder.")
            h.table(tallyTable("The largest top folders (root ▸ folder)", "root ▸ folder", "by_top_folder", top, total: s.presentBytes))
        }
    }

    private static func duplicates(_ d: MigrationReportData, _ h: inout HTMLPage) {
        let s = d.inventory.summary, D = J / "duplicates"
        h.card("Duplicates") { h in
            guard s.duplicateGroups > 0 else {
                h.p("None: every non-empty readable file has unique content.")
                return
            }
            h.p("\(Figure.count(D / "files", s.duplicateFiles)) files in \(Figure.count(D / "groups", s.duplicateGroups)) \(noun: "group", s.duplicateGroups) have identical content; keeping one copy of each would free \(Figure.bytes(D / "reclaimable_bytes", s.reclaimableBytes)) (\(Derived.percent(s.reclaimableBytes, of: s.presentBytes, D / "reclaimable_bytes", J / "totals" / "bytes")) of all bytes).")
            var t = HTMLTable("The groups that waste most", ["first copy", "copies", "size", "wasted"], paths: [0])
            for (i, g) in d.inventory.topDuplicates.enumerated() {
                let p = D / "top" / i
                let first: Cell = g.files.first.map { .figure(.text(p / "files" / 0 / "path", $0.path.display)) } ?? .none
                t.add([first, .figure(.count(p / "copies", g.files.count)), .figure(.bytes(p / "size", g.size)),
                       .figure(.bytes(p / "reclaimable", g.reclaimable))])
            }
            h.table(t)
            h.p("Every group: \(code: "attache list duplicates").", class: "muted")
        }
    }

    private static func largest(_ d: MigrationReportData, _ h: inout HTMLPage) {
        guard !d.inventory.largest.isEmpty else { return }
        h.card("Largest files", wide: true) { h in
            var t = HTMLTable("The largest files", ["path", "category", "size"], numeric: [2], paths: [0])
            for (i, f) in d.inventory.largest.enumerated() {
                let p = J / "largest" / i
                t.add([.figure(.text(p / "path", f.path.display)), f.category.map { .figure(.text(p / "category", $0.rawValue)) } ?? .none,
                       .figure(.bytes(p / "size", f.stat.size))])
            }
            h.table(t)
        }
    }

    private static func problems(_ d: MigrationReportData, _ h: inout HTMLPage) {
        let s = d.inventory.summary, P = J / "problems"
        h.card("Problems", wide: true) { h in
            let total = s.problems.values.reduce(0, +)
            guard total > 0 else {
                h.p("None: every entry could be read and moved.")
                return
            }
            h.p("\(Figure.count(P / "total", total)) \(words: total == 1 ? "entry needs" : "entries need") a look before they move.")
            var t = HTMLTable("Problems by kind", ["problem", "severity", "entries", "meaning"], numeric: [2])
            for code in s.problems.keys.sorted(by: { ($0.severity, $1.rawValue) > ($1.severity, $0.rawValue) }) {
                t.add([.figure(.key(P / "by_code" / code.rawValue, code.rawValue)), .markup("\(words: code.severity.rawValue)"),
                       .figure(.count(P / "by_code" / code.rawValue, s.problems[code]!)), .markup("\(words: code.summary)")])
            }
            h.table(t)
            var items = HTMLTable("The first problems", ["path", "problem", "detail"], numeric: [], paths: [0, 2])
            for (i, f) in d.inventory.findings.prefix(d.top).enumerated() {
                let p = P / "items" / i
                items.add([.figure(.text(p / "path", f.path.display)), .figure(.text(p / "code", f.code.rawValue)),
                           .figure(.text(p / "detail", f.detail))])
            }
            h.table(items)
            h.p("Every problem, with its root: \(code: "attache list problems").", class: "muted")
        }
    }
}
