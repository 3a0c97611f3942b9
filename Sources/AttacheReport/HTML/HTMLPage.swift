import AttacheModel

/// A table cell: a figure (numbers right-aligned), a derived number, or markup.
enum Cell {
    case figure(Figure)
    case derived(Derived)
    case markup(Markup)

    /// A label with a colour swatch before it (the chart's colour for that row).
    static func swatch(_ color: String, _ label: Figure) -> Cell {
        .markup(Markup(html: "<span class=\"tag\"><span class=\"sw\" style=\"background:\(color)\"></span>") + "\(label)" + Markup(html: "</span>"))
    }
    /// An empty cell (a value that does not apply, such as a dropped file's destination).
    static let none = Cell.markup("–")
}

/// A table of the page: a caption, column headings (`<th scope="col">`), rows whose first cell
/// is the row's heading (`<th scope="row">`). Sortable by a click on a heading when scripts run.
struct HTMLTable {
    var caption: Markup
    var columns: [String]
    var rows: [[Cell]] = []
    /// Columns right-aligned (numbers); by default every column but the first.
    var numeric: Set<Int>?
    /// Columns of paths and other long names, which may break anywhere to fit.
    var paths: Set<Int>

    init(_ caption: Markup, _ columns: [String], numeric: Set<Int>? = nil, paths: Set<Int> = []) {
        self.caption = caption; self.columns = columns; self.numeric = numeric; self.paths = paths
    }

    mutating func add(_ row: [Cell]) { rows.append(row) }
}

/// The page being written: elements opened and closed in order, text only through ``Markup``.
struct HTMLPage {
    private(set) var html = ""

    init() { html.reserveCapacity(64 * 1024) }

    /// Markup the page itself made (the skeleton, a chart): not data.
    mutating func raw(_ s: String) { html += s }

    mutating func open(_ tag: String, _ attributes: [(String, String)] = []) { html += "<" + tag + Markup.attributes(attributes) + ">" }
    mutating func close(_ tag: String) { html += "</" + tag + ">" }

    mutating func element(_ tag: String, _ attributes: [(String, String)] = [], _ content: Markup) {
        open(tag, attributes)
        html += content.html
        close(tag)
    }

    mutating func p(_ m: Markup, class name: String? = nil) { element("p", name.map { [("class", $0)] } ?? [], m) }

    /// A section of the page (`<section id>` with its `<h2>`).
    mutating func section(_ id: String, _ title: String, _ body: (inout HTMLPage) -> Void) {
        open("section", [("id", id), ("aria-labelledby", id + "-h")])
        element("h2", [("id", id + "-h")], Markup(html: HTML.text(title)))
        body(&self)
        close("section")
    }

    /// A card inside a section (`<h3>` and its content, kept on one printed page if it fits).
    mutating func card(_ title: String, wide: Bool = false, _ body: (inout HTMLPage) -> Void) {
        open("div", [("class", wide ? "card wide" : "card")])
        element("h3", [], Markup(html: HTML.text(title)))
        body(&self)
        close("div")
    }

    /// A stage that has not run: says which command runs it.
    mutating func notRun(_ command: String, _ what: String) {
        p("Not run yet — run \(code: command) to \(words: what).", class: "notrun")
    }

    /// A chart (with a caption above it when given), or `empty` when it has nothing to draw.
    mutating func chart(_ svg: String?, caption: String? = nil, empty: Markup) {
        guard let svg else { return p(empty, class: "muted") }
        html += "<figure>" + (caption.map { "<figcaption>" + HTML.text($0) + "</figcaption>" } ?? "") + svg + "</figure>"
    }

    /// A table; nothing when it has no rows (a table is never empty).
    mutating func table(_ t: HTMLTable) {
        guard !t.rows.isEmpty else { return }
        let numeric = t.numeric ?? Set(1..<t.columns.count)
        open("div", [("class", "scroll")])
        open("table", [("class", "sortable")])
        element("caption", [], t.caption)
        open("thead")
        open("tr")
        for (i, c) in t.columns.enumerated() {
            element("th", [("scope", "col")] + (numeric.contains(i) ? [("class", "num")] : []), Markup(html: HTML.text(c)))
        }
        close("tr")
        close("thead")
        open("tbody")
        for row in t.rows {
            open("tr")
            for (i, cell) in row.enumerated() {
                self.cell(cell, header: i == 0, class: numeric.contains(i) ? "num" : t.paths.contains(i) ? "path" : nil)
            }
            close("tr")
        }
        close("tbody")
        close("table")
        close("div")
    }

    private mutating func cell(_ c: Cell, header: Bool, class name: String?) {
        let tag = header ? "th" : "td"
        let attributes = (header ? [("scope", "row")] : []) + (name.map { [("class", $0)] } ?? [])
        switch c {
        case .figure(let f): html += f.element(tag, attributes)
        case .derived(let d): html += d.element(tag, attributes)
        case .markup(let m): element(tag, attributes, m)
        }
    }

    /// Headline figures as a row of tiles: a big number and what it is.
    mutating func tiles(_ items: [(value: Markup, label: Markup, tone: String?)]) {
        open("div", [("class", "tiles")])
        for t in items {
            open("div", [("class", "tile" + (t.tone.map { " " + $0 } ?? ""))])
            element("div", [("class", "big")], t.value)
            element("div", [("class", "what")], t.label)
            close("div")
        }
        close("div")
    }

    /// A list; several warnings fold into a `<details>` (open when few).
    mutating func list(_ items: [Markup], foldAbove: Int? = nil, summary: Markup = "") {
        guard !items.isEmpty else { return }
        let fold = foldAbove.map { items.count > $0 } ?? false
        if fold { open("details"); element("summary", [], summary) }
        open("ul")
        for m in items { element("li", [], m) }
        close("ul")
        if fold { close("details") }
    }
}
