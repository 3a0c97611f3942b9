import AttacheCatalog
import AttacheModel

/// The migration report as one self-contained HTML page (`attache report --format html`), for
/// the people who approve a migration: a summary in sentences, then the inventory, the
/// references, the plan, the relocation and the rewrite, each with charts and tables.
///
/// What is promised (Documentation/Report.md):
/// - **Self-contained**: no script, style, font or image is fetched; the only links are
///   `#anchors`; charts are inline SVG, fonts the system's. It works with scripts disabled
///   (the one small script only makes tables sortable) and prints cleanly.
/// - **The JSON's numbers**: every figure is a value of ``MigrationReport/json(_:to:)`` and
///   carries its JSON pointer (`data-json`, `data-value`); a number computed from figures (a
///   percentage) names them (`data-derived`). ``Markup`` makes any other way not compile.
/// - **Deterministic and bounded**: the same catalog gives the same bytes (no clock is read;
///   the only times shown are the catalog's), and lists are top-N, never one row per file.
/// - The page is also well-formed XML, so a test can read every element it holds.
public enum HTMLReport {
    /// Writes the page for `d`.
    public static func page<S: TextSink>(_ d: MigrationReportData, to out: inout S) {
        var h = HTMLPage()
        h.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
              + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
              + "<meta name=\"generator\" content=\"attache report\"/><title>Attachment migration report</title><style>\n"
              + HTMLStyle.css + "\n</style></head><body><main>")
        header(d, &h)
        summary(d, &h)
        inventory(d, &h)
        references(d, &h)
        plan(d, &h)
        relocation(d, &h)
        h.raw("<footer>")
        h.p("Every number on this page is a value of \(code: "attache report --format json") (version \(Figure.count(J / "version", MigrationReport.jsonVersion))): "
            + "each carries the JSON pointer it comes from (\(code: "data-json")), and a percentage the pointers it is computed from (\(code: "data-derived")). "
            + "Complete lists: \(code: "attache list"). Schema: Documentation/Report.md.")
        h.raw("</footer></main><script>\n" + HTMLStyle.script + "\n</script></body></html>\n")
        out.write(h.html)
    }

    /// The root of the report's JSON, for pointers.
    static let J = JSONPointer.root

    static let sections: [(id: String, title: String)] = [
        ("summary", "Summary"), ("inventory", "Inventory"), ("references", "References"), ("plan", "Plan"),
        ("relocation", "Relocation and rewrite"),
    ]

    private static func header(_ d: MigrationReportData, _ h: inout HTMLPage) {
        h.open("header", [("class", "top")])
        h.element("h1", [], "Attachment migration report")
        var meta: Markup = "Catalog \(Figure.text(J / "catalog", d.inventory.catalogPath))"
        if let run = d.inventory.summary.lastRun {
            let at = run.finishedAt.map { Figure.text(J / "last_scan" / "finished_at", $0) } ?? Figure.text(J / "last_scan" / "started_at", run.startedAt)
            meta = meta + " · last scan \(at)"
        }
        if let p = d.plan { meta = meta + " · plan made \(Figure.text(J / "plan" / "created_at", p.createdAt))" }
        h.p(meta, class: "meta")
        h.open("nav", [("class", "toc"), ("aria-label", "Sections")])
        for s in sections { h.element("a", [("href", "#" + s.id)], Markup(html: HTML.text(s.title))) }
        h.close("nav")
        h.close("header")
    }
}
